package org.haven.loadtest.wire;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A generator connection to the bare Netty ceiling ({@code org.haven.loadtest.ceiling}): plain text
 * lines, no token, no JSON. {@code N user} names the connection, {@code J room} joins a room (each
 * answered {@code ok}), {@code P room text} is broadcast as is to the room, {@code D user text} is
 * forwarded as is to the named connection (the generator sends {@code D responder A raiser} as its
 * alert).
 */
public final class CeilingPeer extends WirePeer {

    private static final String ALERT = " A ";

    private final Queue<CompletableFuture<Void>> pending = new ConcurrentLinkedQueue<>();

    public CeilingPeer(Identity identity, PeerEvents events) {
        super(identity, events);
    }

    @Override
    public CompletableFuture<Void> authenticate() {
        return call("N " + user());
    }

    @Override
    public CompletableFuture<Void> enterRoom(String room) {
        return call("J " + room);
    }

    @Override
    public void post(String room, String text) {
        send("P " + room + " " + text);
    }

    @Override
    public CompletableFuture<Void> raiseAlert(String room, String responder) {
        send("D " + responder + ALERT + user());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> goOnCall() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    protected void onText(String text) {
        if (text.equals("ok")) {
            CompletableFuture<Void> waiting = pending.poll();
            if (waiting != null) {
                waiting.complete(null);
            }
        } else if (text.startsWith("D ") && text.indexOf(ALERT) > 0) {
            events.alertNoticed(
                    this,
                    text.substring(text.indexOf(ALERT) + ALERT.length()),
                    true,
                    System.nanoTime(),
                    PeerEvents.NOT_STAMPED);
        } else {
            events.unexpected(this, "unknown line from the bare server");
        }
    }

    // Requests are sent one at a time per connection, so answers come back in order.
    private CompletableFuture<Void> call(String line) {
        CompletableFuture<Void> reply = new CompletableFuture<>();
        pending.add(reply);
        send(line);
        return reply;
    }

    @Override
    protected void ended() {
        IllegalStateException gone = new IllegalStateException("connection closed");
        pending.forEach(f -> f.completeExceptionally(gone));
        pending.clear();
    }
}
