package org.haven.loadtest.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * One load-generator connection, speaking one target's dialect. A subclass turns the scenario's
 * requests (authenticate, enter a room, post, raise an alert) into that target's frames, and the
 * target's frames into {@link PeerEvents}; this class owns the channel: sending, pausing reads,
 * closing, and how the connection ended.
 *
 * <p>Chat deliveries take one path for every target: a frame carrying a {@link Marker} is a chat
 * message of the generator and is reported without further decoding, so the generator spends the
 * same effort per delivery whichever server it measures.
 */
public abstract class WirePeer {

    /** Close code reported when the connection ended without a close frame. */
    public static final int NO_CLOSE_FRAME = -1;

    private final Identity identity;
    protected final PeerEvents events;
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile Channel channel;
    private volatile int closeCode = NO_CLOSE_FRAME;

    protected WirePeer(Identity identity, PeerEvents events) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.events = Objects.requireNonNull(events, "events");
    }

    /** Proves who this connection is (Haven {@code hello}, Socket.IO connect with the token, a name on the bare server). */
    public abstract CompletableFuture<Void> authenticate();

    /** Enters a group room, checking in first where the target requires it. */
    public abstract CompletableFuture<Void> enterRoom(String room);

    /** Posts a chat text to a joined room without waiting; the answer arrives as {@link PeerEvents#postAnswered}. */
    public abstract void post(String room, String text);

    /**
     * Raises a distress alert in {@code room}; completes once the target has taken it. {@code responder}
     * names the clinician to tell where the target does not route by itself (the bare server).
     */
    public abstract CompletableFuture<Void> raiseAlert(String room, String responder);

    /** Makes this clinician an on-call responder, where the target has such a status. */
    public abstract CompletableFuture<Void> goOnCall();

    /** A frame that is not a chat delivery. */
    protected abstract void onText(String text);

    public final Identity identity() {
        return identity;
    }

    public final String user() {
        return identity.user();
    }

    /** Sends one text frame; from any thread. */
    protected final void send(String text) {
        Channel ch = channel;
        if (ch != null) {
            ch.writeAndFlush(new TextWebSocketFrame(text), ch.voidPromise());
        }
    }

    /** Stops reading: the connection neither takes frames nor answers pings, like a frozen device. */
    public final void stopReading() {
        Channel ch = channel;
        if (ch != null) {
            ch.config().setAutoRead(false);
        }
    }

    /** Reads again after {@link #stopReading()}. */
    public final void resumeReading() {
        Channel ch = channel;
        if (ch != null) {
            ch.config().setAutoRead(true);
        }
    }

    public final boolean isOpen() {
        Channel ch = channel;
        return ch != null && ch.isActive();
    }

    /** Completes when the connection has ended, with the close code the server sent or {@link #NO_CLOSE_FRAME}. */
    public final CompletableFuture<Integer> closeFuture() {
        return closed;
    }

    /** Sends a normal close frame and ends the connection without waiting for the answer. */
    public final void close() {
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(new CloseWebSocketFrame(1000, "bye")).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Drops the connection at once, as a lost network would. */
    public final void abort() {
        Channel ch = channel;
        if (ch != null) {
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
            ch.close();
        }
    }

    final void attach(Channel ch) {
        channel = ch;
        ch.closeFuture().addListener(f -> {
            closed.complete(closeCode);
            ended();
        });
    }

    /** A text frame's UTF-8 bytes: a chat delivery is found in them without decoding; anything else is decoded. */
    final void received(ByteBuf utf8) {
        long intended = Marker.intendedNanos(utf8);
        if (intended != Marker.NONE) {
            events.chatDelivered(this, intended, System.nanoTime());
        } else {
            onText(utf8.toString(StandardCharsets.UTF_8));
        }
    }

    final void closedByServer(int code) {
        closeCode = code;
    }

    /** Called once the connection has ended: fail what still waits for an answer. */
    protected abstract void ended();
}
