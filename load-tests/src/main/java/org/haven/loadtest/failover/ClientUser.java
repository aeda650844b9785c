package org.haven.loadtest.failover;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.haven.client.HavenClient;
import org.haven.client.HavenErrorException;
import org.haven.protocol.Alerts;
import org.haven.protocol.Care;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Result;

/**
 * A client user of a failover run: checks in on every connection (a fresh session must confirm
 * where the client is, and only then does a press count as "raised after a check-in"), and presses
 * help when the schedule says so. A press due while the connection is down waits for the next one
 * and goes out as soon as it is up, as a client application would send it; a press whose
 * connection is lost before it is answered is sent again on the next connection (at most
 * {@link #MAX_SENDS} times). Never blocks the pacer.
 */
final class ClientUser implements Link.Listener {

    /** How long a press waits for its answer before it counts as unanswered. */
    static final Duration ANSWER_WAIT = Duration.ofSeconds(10);

    static final int MAX_SENDS = 3;
    private static final Duration CHECK_IN_WAIT = Duration.ofSeconds(2);

    final String user;
    final Care.Address address;
    private Link link;
    private final Deque<Press> waiting = new ArrayDeque<>(); // guarded by this
    private HavenClient ready; // guarded by this
    private volatile String lastCheckIn;
    private final AtomicInteger checkInFailures = new AtomicInteger();
    /** Each connection's id, as its node knows it (its {@code welcome}): part of a press's alert id. */
    private final Map<HavenClient, String> connectionIds = new ConcurrentHashMap<>();

    ClientUser(String user, Care.Address address) {
        this.user = user;
        this.address = address;
    }

    void attach(Link link) {
        this.link = link;
    }

    Link link() {
        return link;
    }

    /** The link's setup: a check-in on the fresh connection; a failed one does not hold presses back. */
    CompletableFuture<?> checkIn(HavenClient client, Result.Welcome welcome) {
        connectionIds.put(client, welcome.connection());
        return client.call(
                        id -> new ClientMessage.CheckInSubmit(
                                id, FailoverScenario.ROOM, address, null, "+1 217 555 0100", true),
                        Result.CheckInRecorded.class)
                .orTimeout(CHECK_IN_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .handle((recorded, e) -> {
                    if (e == null) {
                        lastCheckIn = recorded.checkIn().id();
                    } else {
                        checkInFailures.incrementAndGet();
                    }
                    return null;
                });
    }

    int checkInFailures() {
        return checkInFailures.get();
    }

    @Override
    public synchronized void up(HavenClient client) {
        ready = client;
        while (!waiting.isEmpty()) {
            send(client, waiting.poll());
        }
    }

    @Override
    public synchronized void down(HavenClient client) {
        if (ready == client) {
            ready = null;
        }
    }

    /** The press is due now: sent at once when the connection is up, else when it is. */
    synchronized void press(Press p) {
        if (ready == null) {
            p.waitedForConnection();
            waiting.add(p);
        } else {
            send(ready, p);
        }
    }

    private void send(HavenClient client, Press p) {
        p.sending(lastCheckIn);
        String connection = connectionIds.get(client);
        client.call(
                        id -> {
                            p.mayCreate(AlertIds.ofPress(connection, id));
                            return new ClientMessage.AlertRaise(
                                    id, FailoverScenario.ROOM, Alerts.Kind.OTHER, Alerts.Severity.HIGH);
                        },
                        Result.AlertReceived.class)
                .orTimeout(ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((received, e) -> answered(client, p, received, e));
    }

    private void answered(HavenClient client, Press p, Result.AlertReceived received, Throwable e) {
        long now = System.nanoTime();
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause == null) {
            p.answered(Press.Answer.RECEIVED, received.alert(), null, now);
        } else if (cause instanceof HavenErrorException error) {
            p.answered(
                    error.code() == ErrorCode.ALERT_UNCONFIRMED ? Press.Answer.UNCONFIRMED : Press.Answer.ERROR,
                    null,
                    error.code().wire(),
                    now);
        } else if (client.closeFuture().isDone() && p.sends() < MAX_SENDS) {
            if (client.closeFuture().join().code() < 0) {
                p.connectionDied();
            }
            resend(client, p);
        } else {
            p.unanswered();
        }
    }

    // The connection was lost before the answer: the press goes out again on the next connection.
    private synchronized void resend(HavenClient lost, Press p) {
        if (ready != null && ready != lost) {
            send(ready, p);
        } else {
            waiting.add(p);
        }
    }

    /** Presses still waiting for a connection when the run ended. */
    synchronized int stillWaiting() {
        return waiting.size();
    }
}
