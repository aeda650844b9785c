// A minimal Haven client on the Java client library (client/): the order of a session, what to keep
// between connections, and how to answer the frames that need an answer. docs/client-guide.md
// explains each step. Run it with the JDK's source launcher, after `mvn -q -DskipTests package`:
//
//   java -cp client/target/haven-chat.jar docs/examples/HavenSession.java ws://localhost:8080/ws "$TOKEN" group-1
//
// With a client's token it checks in and joins the room; with a clinician's or supervisor's it goes
// on call, joins, and shows and confirms every alert. It prints what happens, and after a lost
// connection comes back without missing an event (resume token and last sequence numbers).

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.haven.client.HavenClient;
import org.haven.client.HavenErrorException;
import org.haven.protocol.Alerts;
import org.haven.protocol.Care;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.PresenceStatus;
import org.haven.protocol.Result;
import org.haven.protocol.ServerMessage;

public class HavenSession {

    /** Closes after which the same token connects again, with backoff (docs/protocol.md, "Close codes"). */
    static final Set<Integer> RECONNECT = Set.of(-1, 1001, 1006, 1011, 4001, 4008, 4009, 4010);

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        String token = args[1];
        String room = args[2];
        // Kept between connections: the resume token and the last sequence number of each room,
        // and, for a responder, the newest version shown of each alert.
        String resumeToken = null;
        Map<String, Long> lastSeq = Map.of();
        Map<String, Long> shown = new HashMap<>();
        for (int failures = 0; ; failures++) {
            HavenClient haven;
            try {
                haven = HavenClient.connect(uri).join();
            } catch (CompletionException unreachable) {
                Thread.sleep(Math.min(30_000, 500L << Math.min(failures, 6)));
                continue;
            }
            try (haven) {
                // 1. hello, first: with the resume token and lastSeq after a lost connection.
                Result.Welcome me = resumeToken == null
                        ? haven.hello(token).join()
                        : haven.hello(token, null, resumeToken, lastSeq).join();
                System.out.println("welcome " + me.user() + " (" + me.role().wire() + ")");
                if (resumeToken == null) {
                    enter(haven, me, room); // 2. a new session: check in, join
                }
                resumeToken = haven.resumeToken();
                failures = 0;
                // 3. events, in the order the server sent them, until the connection ends.
                while (!haven.closeFuture().isDone()) {
                    ServerMessage event = haven.nextEvent(Duration.ofMillis(500));
                    if (event != null) {
                        handle(haven, me, room, event, shown);
                    }
                }
            } catch (CompletionException failed) {
                System.out.println("failed: " + failed.getCause().getMessage());
            }
            // 4. keep the highest sequence number seen in each room, over every connection.
            Map<String, Long> seen = new HashMap<>(lastSeq);
            haven.lastSeq().forEach((r, seq) -> seen.merge(r, seq, Math::max));
            lastSeq = seen;
            int code = haven.closeFuture().getNow(null) != null ? haven.closeFuture().join().code() : -1;
            System.out.println("closed " + code);
            if (!RECONNECT.contains(code)) {
                return; // 1000: we ended it; 4003/4004: a new token; 4005: a newer client; 4006: revoked
            }
            Thread.sleep(Math.min(30_000, 500L << Math.min(failures, 6)));
        }
    }

    /** Joins the room; a client checks in first when the session asks for it. */
    static void enter(HavenClient haven, Result.Welcome me, String room) {
        if (me.role().isCareTeam()) {
            haven.request(id -> new ClientMessage.PresenceSet(id, PresenceStatus.ON_CALL)).join();
            for (Alerts.View alert : haven.call(ClientMessage.AlertList::new, Result.AlertList.class)
                    .join()
                    .alerts()) {
                System.out.println("alert " + alert.id() + " " + alert.state() + " (listed)");
            }
        }
        try {
            join(haven, room);
        } catch (CompletionException e) {
            if (!(e.getCause() instanceof HavenErrorException refused)
                    || refused.code() != ErrorCode.CHECK_IN_REQUIRED) {
                throw e;
            }
            haven.call(
                            id -> new ClientMessage.CheckInSubmit(
                                    id,
                                    room,
                                    new Care.Address("12 Elm Street", null, "Springfield", "IL", "62701", "US"),
                                    null,
                                    "+1 217 555 0100",
                                    true),
                            Result.CheckInRecorded.class)
                    .join();
            join(haven, room);
        }
    }

    static void join(HavenClient haven, String room) {
        Result joined = haven.call(id -> new ClientMessage.RoomJoin(id, room), Result.class).join();
        if (joined instanceof Result.RoomSnapshot snapshot) {
            System.out.println("joined " + room + " at seq " + snapshot.seq() + " with " + snapshot.members().size());
        } else {
            System.out.println("waiting to be admitted to " + room); // room.admitted follows
        }
    }

    static void handle(
            HavenClient haven, Result.Welcome me, String room, ServerMessage event, Map<String, Long> shown) {
        if (event instanceof ServerMessage.AlertNotice notice) {
            Alerts.View alert = notice.alert();
            // Confirm every alert frame, duplicates included, or it comes again every 5 s.
            haven.request(id -> new ClientMessage.AlertConfirm(id, alert.id(), alert.version()));
            boolean newer = shown.getOrDefault(alert.id(), 0L) < alert.version(); // show the newest version only
            if (newer) {
                shown.put(alert.id(), alert.version());
            }
            System.out.println("alert " + alert.id() + " v" + alert.version() + " "
                    + notice.reason().name().toLowerCase(Locale.ROOT)
                    + (newer ? ": " + alert.severity() + ", " + alert.state() + ", tier " + alert.tier() : " (seen)"));
        } else if (event instanceof ServerMessage.ChatMessage chat) {
            System.out.println("[" + chat.seq() + "] " + (chat.name() != null ? chat.name() : chat.from()) + ": "
                    + chat.text());
        } else if (event instanceof ServerMessage.RoomResumed resumed) {
            System.out.println("resumed " + resumed.room() + (resumed.recovered() ? " from " + resumed.fromSeq() : ""));
            if (!resumed.recovered() && resumed.snapshot() == null) {
                enter(haven, me, resumed.room()); // not recovered: join again, with the checks of a join
            }
        } else if (event instanceof ServerMessage.CheckInRequested asked) {
            // The server lost this session's check-in: confirm it again (the client stays in the room).
            haven.request(id -> new ClientMessage.CheckInSubmit(
                    id,
                    asked.room(),
                    new Care.Address("12 Elm Street", null, "Springfield", "IL", "62701", "US"),
                    null,
                    "+1 217 555 0100",
                    true));
        } else {
            System.out.println(event.getClass().getSimpleName() + " " + event);
        }
    }
}
