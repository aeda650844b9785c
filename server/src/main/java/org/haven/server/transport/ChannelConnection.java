package org.haven.server.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.haven.protocol.CloseCode;
import org.haven.protocol.Decoded;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Connection} over a Netty channel. Frames go straight to the socket while it is
 * writable; otherwise they wait in a queue bounded in messages and bytes. Urgent frames (alerts)
 * wait in their own queue, drained first, and are never the reason a connection is dropped:
 * overflowing the normal queue closes the connection with {@link CloseCode#SLOW_CONSUMER}.
 *
 * <p>Frames sent from other threads (a room's broadcast, an alert) wait in a bounded lock-free queue and
 * are written by the loop's {@link LoopOutbox}: one task per loop turn for every connection of the
 * loop, urgent ones first, instead of one task per frame.
 *
 * <p>All queue state but that queue and its count is touched on the channel's event loop only.
 */
final class ChannelConnection implements Connection, LoopOutbox.Waiting {

    private static final long CLOSE_FRAME_GRACE_MILLIS = 1000;
    private static final Logger log = LoggerFactory.getLogger(ChannelConnection.class);

    private final Channel channel;
    private final String id;
    private final int maxQueuedMessages;
    private final int maxQueuedBytes;
    private final TransportCounters counters;
    private static final AtomicIntegerFieldUpdater<ChannelConnection> LISTED =
            AtomicIntegerFieldUpdater.newUpdater(ChannelConnection.class, "listed");
    private static final AtomicIntegerFieldUpdater<ChannelConnection> INCOMING =
            AtomicIntegerFieldUpdater.newUpdater(ChannelConnection.class, "incomingCount");

    /** What the largest number of frames sent from other threads between two loop turns can be, per queued frame allowed. */
    private static final int INCOMING_PER_QUEUED = 2;

    private final LoopOutbox outbox;
    /**
     * Frames sent from other threads, not yet taken by the loop. A linked queue: an idle connection
     * holds one empty node (a padded array queue would add 0.6 KiB to each of thousands).
     */
    private final ConcurrentLinkedQueue<Outbound> incoming = new ConcurrentLinkedQueue<>();
    /** How many frames {@link #incoming} holds, and at most {@link #incomingLimit}. */
    private volatile int incomingCount;

    private final int incomingLimit;
    /** 1 while this connection is in its outbox's normal lane. */
    private volatile int listed;

    private final ArrayDeque<Outbound> urgent = new ArrayDeque<>();
    private final ArrayDeque<Outbound> normal = new ArrayDeque<>();
    private int queuedBytes;
    private boolean upgraded;
    private boolean closing;
    private volatile boolean peerSaidGoodbye;
    private volatile boolean serverClosed;

    ChannelConnection(Channel channel, int maxQueuedMessages, int maxQueuedBytes) {
        this(channel, maxQueuedMessages, maxQueuedBytes, new TransportCounters(), new LoopOutbox(channel.eventLoop()));
    }

    ChannelConnection(
            Channel channel, int maxQueuedMessages, int maxQueuedBytes, TransportCounters counters, LoopOutbox outbox) {
        this.channel = channel;
        this.outbox = outbox;
        this.incomingLimit = Math.max(32, maxQueuedMessages * INCOMING_PER_QUEUED);
        this.counters = counters;
        this.id = "c-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        this.maxQueuedMessages = maxQueuedMessages;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    /** Completes when the connection's channel has closed. */
    ChannelFuture closeFuture() {
        return channel.closeFuture();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void send(Outbound frame) {
        if (channel.eventLoop().inEventLoop()) {
            writeWaiting();
            enqueue(frame);
        } else if (INCOMING.incrementAndGet(this) <= incomingLimit) {
            incoming.offer(frame);
            outbox.wake(this, frame.urgent());
        } else {
            // The loop has not taken this connection's frames for longer than its queue allows
            // (it reads nothing and the socket is full): as for an overflowing queue.
            INCOMING.decrementAndGet(this);
            close(CloseCode.SLOW_CONSUMER, "outbound queue overflow");
        }
    }

    @Override
    public boolean markListed() {
        return LISTED.compareAndSet(this, 0, 1);
    }

    @Override
    public void unlist() {
        listed = 0;
    }

    /** Takes the frames other threads sent and writes what the socket accepts, urgent first. Loop. */
    @Override
    public void writeWaiting() {
        Outbound next = incoming.poll();
        if (next == null) {
            return;
        }
        int taken = 0;
        boolean open = true;
        do {
            taken++;
            open = open && queue(next); // once closing, the rest is dropped
        } while ((next = incoming.poll()) != null);
        INCOMING.addAndGet(this, -taken);
        if (open) {
            drain();
        }
    }

    @Override
    public void close(CloseCode code, String reason) {
        if (channel.eventLoop().inEventLoop()) {
            closeNow(code, reason);
        } else {
            channel.eventLoop().execute(() -> closeNow(code, reason));
        }
    }

    /** The WebSocket handshake completed: close frames can be sent from now on. */
    void upgraded() {
        upgraded = true;
    }

    boolean isUpgraded() {
        return upgraded;
    }

    /** Writes queued frames while the socket accepts them; called when it becomes writable again. */
    /** Counts a decoded inbound message (or an invalid one) by type. */
    void received(Decoded decoded) {
        counters.received(decoded);
    }

    void drain() {
        boolean wrote = false;
        while (channel.isWritable() && !closing) {
            Outbound next = urgent.isEmpty() ? normal.poll() : urgent.poll();
            if (next == null) {
                break;
            }
            queuedBytes -= next.utf8().length;
            channel.write(frameOf(next), channel.voidPromise());
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    private void enqueue(Outbound frame) {
        if (closing || !channel.isActive()) {
            return;
        }
        if (urgent.isEmpty() && normal.isEmpty() && channel.isWritable()) {
            channel.writeAndFlush(frameOf(frame), channel.voidPromise());
            return;
        }
        if (queue(frame)) {
            drain();
        }
    }

    /** Adds {@code frame} to its queue; false when the connection is closing, or closed for overflowing. */
    private boolean queue(Outbound frame) {
        if (closing || !channel.isActive()) {
            return false;
        }
        if (frame.urgent()) {
            // Urgent frames never displace others, but a client that takes none at all is not kept
            // forever: past this bound it is closed, and its alerts escalate and wait for its return.
            if (urgent.size() + 1 > maxQueuedMessages) {
                log.warn("urgent queue overflow connection={} queued={}", id, urgent.size());
                closeNow(CloseCode.SLOW_CONSUMER, "outbound queue overflow");
                return false;
            }
            urgent.add(frame);
        } else {
            if (normal.size() + 1 > maxQueuedMessages || queuedBytes + frame.utf8().length > maxQueuedBytes) {
                log.warn("outbound queue overflow connection={} queued={} bytes={}", id, normal.size(), queuedBytes);
                closeNow(CloseCode.SLOW_CONSUMER, "outbound queue overflow");
                return false;
            }
            normal.add(frame);
        }
        queuedBytes += frame.utf8().length;
        return true;
    }

    private void closeNow(CloseCode code, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        serverClosed = true;
        counters.closed(code);
        log.info("closing connection={} code={}", id, code.code());
        urgent.clear();
        normal.clear();
        queuedBytes = 0;
        if (upgraded && channel.isActive() && (code == CloseCode.IDLE_TIMEOUT || code == CloseCode.SLOW_CONSUMER)) {
            // The peer is not reading (or gone): waiting for its answer would only delay the leave
            // its room members must see. The close frame goes out if the socket still takes it.
            channel.writeAndFlush(new CloseWebSocketFrame(code.code(), reason));
            channel.close();
        } else if (upgraded && channel.isActive()) {
            // RFC 6455: send our close frame, keep reading (and dropping) until the peer answers
            // with its own, which ends the connection. Closing at once would reset a socket that
            // still has unread input, and the peer would lose the close frame and its code.
            channel.writeAndFlush(new CloseWebSocketFrame(code.code(), reason));
            // A peer that never answers, or does not read, does not hold the connection open.
            channel.eventLoop()
                    .schedule(
                            () -> {
                                channel.close();
                            },
                            CLOSE_FRAME_GRACE_MILLIS,
                            TimeUnit.MILLISECONDS);
        } else {
            channel.close();
        }
    }

    /** The WebSocket decoder closes this connection for a protocol violation: not an abrupt loss. */
    void closedForViolation() {
        serverClosed = true;
        closing = true;
        // Should the decoder's close not complete (a peer that stops reading), do not wait for it forever.
        channel.eventLoop()
                .schedule(
                        () -> {
                            channel.close();
                        },
                        CLOSE_FRAME_GRACE_MILLIS,
                        TimeUnit.MILLISECONDS);
    }

    /** The client sent a close frame: it is leaving on purpose. */
    void peerSaidGoodbye() {
        peerSaidGoodbye = true;
    }

    @Override
    public boolean endedAbruptly() {
        return !peerSaidGoodbye && !serverClosed;
    }

    /** Whether the connection is closing: inbound frames are dropped from then on. */
    boolean isClosing() {
        return closing;
    }

    private TextWebSocketFrame frameOf(Outbound frame) {
        counters.sent();
        return new TextWebSocketFrame(Unpooled.wrappedBuffer(frame.utf8()));
    }
}
