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
import org.haven.protocol.ClientMessage;
import org.haven.protocol.Member;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Result;
import org.haven.protocol.ServerMessage;

/**
 * A terminal client for trying Haven out: joins one room, prints its events, and sends what you
 * type as group chat. {@code /status busy}, {@code /who} and {@code /quit} do what they say.
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
            out.println("* signed in as " + welcome.user() + " (" + welcome.role().wire() + ", " + welcome.org() + ")");
            Result.RoomSnapshot snapshot = client.call(id -> new ClientMessage.RoomJoin(id, room),
                    Result.RoomSnapshot.class).get(10, TimeUnit.SECONDS);
            out.println("* joined " + room + "; here now: " + snapshot.members().stream()
                    .map(HavenChat::describe).collect(Collectors.joining(", ")));
            Thread printer = new Thread(() -> printEvents(client, out), "haven-chat-events");
            printer.setDaemon(true);
            printer.start();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
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

    private static boolean command(HavenClient client, String room, String line, PrintStream out) {
        if (line.isEmpty()) {
            return true;
        }
        try {
            if (line.equals("/quit")) {
                return false;
            } else if (line.equals("/who")) {
                Result.PresenceList list = client.call(id -> new ClientMessage.PresenceQuery(id, room),
                        Result.PresenceList.class).get(10, TimeUnit.SECONDS);
                out.println("* here: " + list.members().stream().map(HavenChat::describe)
                        .collect(Collectors.joining(", ")));
            } else if (line.startsWith("/status ")) {
                PresenceStatus status = PresenceStatus.valueOf(line.substring(8).trim().toUpperCase(java.util.Locale.ROOT));
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
        } else if (event instanceof ServerMessage.MemberJoined m) {
            return "[" + m.seq() + "] " + describe(m.member()) + " joined";
        } else if (event instanceof ServerMessage.MemberLeft m) {
            return "[" + m.seq() + "] " + m.user() + " left";
        } else if (event instanceof ServerMessage.PresenceChanged m) {
            return "[" + m.seq() + "] " + m.user() + " is now " + m.status().name().toLowerCase(java.util.Locale.ROOT);
        } else if (event instanceof ServerMessage.Error e) {
            return "* error " + e.code().wire() + ": " + e.message();
        }
        return "* " + event;
    }

    private static String describe(Member m) {
        return (m.name() != null ? m.name() + " (" + m.user() + ")" : m.user()) + " [" + m.role().wire() + ", "
                + m.status().name().toLowerCase(java.util.Locale.ROOT) + "]";
    }
}
