package org.haven.client.cli;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.haven.client.HavenClient;
import org.haven.client.HavenErrorException;
import org.haven.protocol.Alerts;
import org.haven.protocol.Care;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Member;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Result;
import org.haven.protocol.ServerMessage;

/**
 * A terminal client for trying Haven out: joins one room, prints its events, and sends what you
 * type as group chat. A client checks in when the session asks for it, and {@code /help} raises a
 * discreet alert; a clinician sees alerts and answers them ({@code /ack}, {@code /engage},
 * {@code /resolve}). {@code /status busy}, {@code /who} and {@code /quit} do what they say.
 *
 * <pre>java -jar client/target/haven-chat.jar ws://localhost:8080/ws TOKEN group-1</pre>
 */
public final class HavenChat {

    private HavenChat() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: java -jar haven-chat.jar <ws-url> <token> <room>");
            System.exit(2);
        }
        System.exit(run(URI.create(args[0]), args[1], args[2], System.in, System.out));
    }

    /** Runs a session until {@code /quit}, end of input, or the server closes; returns an exit code. */
    public static int run(URI uri, String token, String room, InputStream in, PrintStream out) throws Exception {
        HavenClient client = HavenClient.connect(uri).get(10, TimeUnit.SECONDS);
        try {
            Result.Welcome welcome = client.hello(token).get(10, TimeUnit.SECONDS);
            out.println(
                    "* signed in as " + welcome.user() + " (" + welcome.role().wire() + ", " + welcome.org() + ")");
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            Result.RoomSnapshot snapshot;
            try {
                snapshot = join(client, room);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof HavenErrorException h) || h.code() != ErrorCode.CHECK_IN_REQUIRED) {
                    throw e;
                }
                if (!checkIn(client, room, reader, out)) {
                    return 1;
                }
                snapshot = join(client, room);
            }
            out.println("* joined " + room + "; here now: "
                    + snapshot.members().stream().map(HavenChat::describe).collect(Collectors.joining(", ")));
            if (welcome.role() == org.haven.protocol.Role.CLIENT) {
                out.println("* /help asks your therapist for help discreetly: nobody else in the room sees it");
            } else {
                out.println("* alerts appear here; /ack <alert>, /engage <alert>, /resolve <alert> <outcome>");
            }
            Thread printer = new Thread(() -> printEvents(client, out), "haven-chat-events");
            printer.setDaemon(true);
            printer.start();
            String line;
            while ((line = reader.readLine()) != null && !client.closeFuture().isDone()) {
                if (!command(client, room, line.strip(), out)) {
                    break;
                }
            }
            return 0;
        } catch (java.util.concurrent.ExecutionException e) {
            out.println("* refused: " + e.getCause().getMessage());
            return 1;
        } finally {
            client.close();
            out.println("* disconnected");
        }
    }

    private static Result.RoomSnapshot join(HavenClient client, String room) throws Exception {
        return client.call(id -> new ClientMessage.RoomJoin(id, room), Result.RoomSnapshot.class)
                .get(10, TimeUnit.SECONDS);
    }

    /** Asks where the client is for this session, as the program requires before they join. */
    private static boolean checkIn(HavenClient client, String room, BufferedReader in, PrintStream out)
            throws Exception {
        out.println("* Before you join, please confirm where you are right now (so that help can reach you).");
        String street = ask(in, out, "street and number");
        String city = ask(in, out, "city");
        String region = ask(in, out, "state or region");
        String postal = ask(in, out, "postal code");
        String country = ask(in, out, "country (two letters, e.g. US)");
        String phone = ask(in, out, "a phone number we can call you back on");
        String alone = ask(in, out, "are you somewhere private? (y/n)");
        if (street == null || city == null || country == null || phone == null) {
            return false;
        }
        try {
            Care.Address address = new Care.Address(
                    street,
                    null,
                    city,
                    blankToNull(region),
                    blankToNull(postal),
                    country.toUpperCase(java.util.Locale.ROOT));
            client.call(
                            id -> new ClientMessage.CheckInSubmit(
                                    id,
                                    room,
                                    address,
                                    null,
                                    phone,
                                    alone != null
                                            && alone.toLowerCase(java.util.Locale.ROOT)
                                                    .startsWith("y")),
                            Result.CheckInRecorded.class)
                    .get(10, TimeUnit.SECONDS);
            out.println("* thank you, location confirmed for this session");
            return true;
        } catch (IllegalArgumentException e) {
            out.println("* " + e.getMessage() + "; please try again");
            return checkIn(client, room, in, out);
        }
    }

    private static String ask(BufferedReader in, PrintStream out, String what) throws java.io.IOException {
        out.println("  " + what + ":");
        String line = in.readLine();
        return line == null ? null : line.strip();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static boolean command(HavenClient client, String room, String line, PrintStream out) {
        if (line.isEmpty()) {
            return true;
        }
        try {
            String[] words = line.split("\\s+");
            if (line.equals("/quit")) {
                return false;
            } else if (line.equals("/help")) {
                Result.AlertReceived received = client.call(
                                id -> new ClientMessage.AlertRaise(id, room, null, null), Result.AlertReceived.class)
                        .get(10, TimeUnit.SECONDS);
                out.println("* your therapist has been told. If you are in danger right now:");
                received.resources()
                        .forEach(r -> out.println("    " + r.channel().name().toLowerCase(java.util.Locale.ROOT) + " "
                                + r.contact() + " (" + r.name() + ")"));
                if (!received.coping().isEmpty()) {
                    out.println("* from your safety plan: " + String.join("; ", received.coping()));
                }
            } else if (words[0].equals("/ack") && words.length == 2) {
                client.request(id -> new ClientMessage.AlertAcknowledge(id, words[1]))
                        .get(10, TimeUnit.SECONDS);
            } else if (words[0].equals("/engage") && words.length == 2) {
                client.request(id -> new ClientMessage.AlertEngage(id, words[1]))
                        .get(10, TimeUnit.SECONDS);
            } else if (words[0].equals("/resolve") && words.length == 3) {
                Alerts.Outcome outcome = Alerts.Outcome.valueOf(words[2].toUpperCase(java.util.Locale.ROOT));
                client.request(id -> new ClientMessage.AlertResolve(id, words[1], outcome, null))
                        .get(10, TimeUnit.SECONDS);
            } else if (line.equals("/who")) {
                Result.PresenceList list = client.call(
                                id -> new ClientMessage.PresenceQuery(id, room), Result.PresenceList.class)
                        .get(10, TimeUnit.SECONDS);
                out.println("* here: "
                        + list.members().stream().map(HavenChat::describe).collect(Collectors.joining(", ")));
            } else if (line.startsWith("/status ")) {
                PresenceStatus status =
                        PresenceStatus.valueOf(line.substring(8).trim().toUpperCase(java.util.Locale.ROOT));
                client.request(id -> new ClientMessage.PresenceSet(id, status)).get(10, TimeUnit.SECONDS);
            } else {
                client.request(id -> new ClientMessage.ChatSend(id, room, line)).get(10, TimeUnit.SECONDS);
            }
        } catch (java.util.concurrent.ExecutionException e) {
            out.println("* " + (e.getCause() instanceof HavenErrorException h ? h.getMessage() : e.getCause()));
        } catch (IllegalArgumentException e) {
            out.println("* statuses: available, busy, away, on_call, off_duty");
        } catch (Exception e) {
            out.println("* " + e.getMessage());
        }
        return true;
    }

    private static void printEvents(HavenClient client, PrintStream out) {
        try {
            while (!client.closeFuture().isDone()) {
                ServerMessage event = client.nextEvent(Duration.ofMillis(250));
                if (event instanceof ServerMessage.AlertNotice notice) {
                    // Confirm receipt, or the server sends it again.
                    client.request(id -> new ClientMessage.AlertConfirm(
                            id, notice.alert().id(), notice.alert().version()));
                }
                if (event != null) {
                    out.println(render(event));
                }
            }
            out.println("* connection closed (" + client.closeFuture().join().code() + " "
                    + client.closeFuture().join().reason() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String render(ServerMessage event) {
        if (event instanceof ServerMessage.ChatMessage m) {
            return "[" + m.seq() + "] " + (m.name() != null ? m.name() : m.from()) + ": " + m.text();
        } else if (event instanceof ServerMessage.RoomNotice n) {
            return "[" + n.seq() + "] notice from " + n.from() + ": " + n.text();
        } else if (event instanceof ServerMessage.MemberJoined m) {
            return "[" + m.seq() + "] " + describe(m.member()) + " joined";
        } else if (event instanceof ServerMessage.MemberLeft m) {
            return "[" + m.seq() + "] " + m.user() + " left";
        } else if (event instanceof ServerMessage.PresenceChanged m) {
            return "[" + m.seq() + "] " + m.user() + " is now "
                    + m.status().name().toLowerCase(java.util.Locale.ROOT);
        } else if (event instanceof ServerMessage.AlertNotice n) {
            Alerts.View a = n.alert();
            StringBuilder b = new StringBuilder("! ALERT ")
                    .append(a.id())
                    .append(" (")
                    .append(n.reason().name().toLowerCase(java.util.Locale.ROOT))
                    .append("): ")
                    .append(a.clientName() != null ? a.clientName() : a.client())
                    .append(", ")
                    .append(a.severity().name().toLowerCase(java.util.Locale.ROOT))
                    .append(", ")
                    .append(a.state().name().toLowerCase(java.util.Locale.ROOT));
            if (a.acknowledgedBy() != null) {
                b.append(", taken by ").append(a.acknowledgedBy());
            }
            if (a.checkIn() != null) {
                Care.Address at = a.checkIn().address();
                b.append("\n    at ")
                        .append(at.street())
                        .append(", ")
                        .append(at.city())
                        .append(" ")
                        .append(at.country())
                        .append("; call back ")
                        .append(a.checkIn().callbackPhone())
                        .append(a.checkIn().privateSetting() ? " (private setting)" : " (not private)");
            }
            for (Care.EmergencyContact c : a.emergencyContacts()) {
                b.append("\n    contact ")
                        .append(c.name())
                        .append(" (")
                        .append(c.relation())
                        .append(") ")
                        .append(c.phone());
            }
            return b.toString();
        } else if (event instanceof ServerMessage.SessionStateChanged st) {
            return "* the session is " + st.state().name().toLowerCase(java.util.Locale.ROOT)
                    + (st.reason() != null ? " (" + st.reason() + ")" : "");
        } else if (event instanceof ServerMessage.SteppedOut so) {
            return "[" + so.seq() + "] " + so.user() + " stepped out";
        } else if (event instanceof ServerMessage.Returned rt) {
            return "[" + rt.seq() + "] " + rt.user() + " is back";
        } else if (event instanceof ServerMessage.FollowUpDue f) {
            return "! follow-up due for alert " + f.alert();
        } else if (event instanceof ServerMessage.Error e) {
            return "* error " + e.code().wire() + ": " + e.message();
        }
        return "* " + event;
    }

    private static String describe(Member m) {
        return (m.name() != null ? m.name() + " (" + m.user() + ")" : m.user()) + " ["
                + m.role().wire() + ", " + m.status().name().toLowerCase(java.util.Locale.ROOT) + "]";
    }
}
