package org.haven.loadtest.failover;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One help press of a failover run and what became of it on the client's side: when it was
 * scheduled (latency is measured from here, so a late send is counted, not hidden), whether the
 * client's connection was up then or the press waited for a (re)connection, how often it was sent
 * (again after its connection was lost before the answer), the answer and the alert id it named,
 * and the check-in the client had confirmed before sending it. Written by the client's callbacks,
 * read by the report once the run is over.
 */
final class Press {

    /** The final answer to the press. */
    enum Answer {
        /** Nothing yet, or nothing within the answer wait. */
        NONE,
        /** {@code ok} with {@code alert.received}. */
        RECEIVED,
        /** The documented error {@code alert_unconfirmed}: call the crisis line. */
        UNCONFIRMED,
        /** Any other error. */
        ERROR
    }

    final int index;
    final String user;
    final long scheduledNanos;
    /** {@code false} for a press of the warm-up. */
    final boolean measured;

    private volatile boolean waited;
    private volatile boolean connectionDied;
    private volatile int sends;
    private volatile long firstSentNanos;
    private volatile long sentNanos;
    private volatile long firstSentEpochMillis;
    private volatile long sentEpochMillis;
    private volatile String checkInAtSend;
    private final List<String> checkInsAtSends = new CopyOnWriteArrayList<>();
    private volatile Answer answer = Answer.NONE;
    private volatile boolean settled;
    private volatile String errorCode;
    private volatile String alertId;
    private volatile long answeredNanos;
    private final List<String> mayCreate = new CopyOnWriteArrayList<>();

    Press(int index, String user, long scheduledNanos, boolean measured) {
        this.index = index;
        this.user = user;
        this.scheduledNanos = scheduledNanos;
        this.measured = measured;
    }

    /** The client's connection was not up when the press was due: it waits for one. */
    void waitedForConnection() {
        waited = true;
    }

    /**
     * The connection it was sent on ended without a close frame before the answer: the node
     * holding it died (the client could not know when it sent the press).
     */
    void connectionDied() {
        connectionDied = true;
    }

    /** Sent now (again, when {@link #sends()} &gt; 1), after the check-in {@code checkIn} (or none). */
    void sending(String checkIn) {
        sends++;
        sentNanos = System.nanoTime();
        sentEpochMillis = System.currentTimeMillis();
        if (sends == 1) {
            firstSentNanos = System.nanoTime();
            firstSentEpochMillis = sentEpochMillis;
        }
        checkInAtSend = checkIn;
        if (checkIn != null) {
            checkInsAtSends.add(checkIn);
        }
    }

    /** A send of it makes the alert of this id, unless it joins an open one. */
    void mayCreate(String alertId) {
        mayCreate.add(alertId);
    }

    /** The ids of the alerts its sends make, unless they join an open one (one per send). */
    List<String> mayCreate() {
        return List.copyOf(mayCreate);
    }

    /** The final answer. */
    void answered(Answer kind, String alert, String code, long nanos) {
        answer = kind;
        alertId = alert;
        errorCode = code;
        answeredNanos = nanos;
        settled = true;
    }

    /** Given up: no answer (the answer wait ran out, or the connection was lost too often). */
    void unanswered() {
        settled = true;
    }

    boolean waited() {
        return waited;
    }

    boolean diedUnder() {
        return connectionDied;
    }

    int sends() {
        return sends;
    }

    /** When it was last sent, by the wall clock (alerts carry their raise time by it). */
    long sentEpochMillis() {
        return sentEpochMillis;
    }

    long firstSentEpochMillis() {
        return firstSentEpochMillis;
    }

    long firstSentNanos() {
        return firstSentNanos;
    }

    /** When it was last sent. */
    long sentNanos() {
        return sentNanos;
    }

    /** The id of the last check-in the client had confirmed when it sent the press, or null. */
    String checkInAtSend() {
        return checkInAtSend;
    }

    /** The last check-in confirmed before each send (a send again follows a fresh connection's). */
    List<String> checkInsAtSends() {
        return List.copyOf(checkInsAtSends);
    }

    Answer answer() {
        return answer;
    }

    /** Whether nothing more will happen to it on the client's side. */
    boolean isFinal() {
        return settled;
    }

    String errorCode() {
        return errorCode;
    }

    /** The alert id of an {@code alert.received} answer. */
    String alertId() {
        return alertId;
    }

    long answeredNanos() {
        return answeredNanos;
    }
}
