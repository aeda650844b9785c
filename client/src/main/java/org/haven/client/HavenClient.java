package org.haven.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ProtocolCodec;
import org.haven.protocol.ProtocolVersion;
import org.haven.protocol.Result;
import org.haven.protocol.ServerMessage;

/**
 * A Haven client over one WebSocket: requests with ids matched to their replies, events in arrival
 * order, and the close code the server ended with.
 *
 * <pre>{@code
 * HavenClient client = HavenClient.connect(URI.create("ws://localhost:8080/ws")).join();
 * Result.Welcome welcome = client.hello(token).join();
 * Result.RoomSnapshot room = client.call(id -> new ClientMessage.RoomJoin(id, "group-1"),
 *         Result.RoomSnapshot.class).join();
 * ServerMessage event = client.nextEvent(Duration.ofSeconds(5));
 * }</pre>
 */
public final class HavenClient implements AutoCloseable {

    private static final int MAX_FRAME_BYTES = 1024 * 1024;
    private static volatile EventLoopGroup sharedGroup;

    private final ProtocolCodec codec = ProtocolCodec.instance();
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, CompletableFuture<ServerMessage.Ok>> pending = new ConcurrentHashMap<>();
    private final BlockingQueue<ServerMessage> events = new LinkedBlockingQueue<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    private final Map<String, Long> lastSeq = new ConcurrentHashMap<>();
    private volatile String resumeToken;
    private final ClientOptions options;
    private volatile Channel channel;

    private HavenClient(ClientOptions options) {
        this.options = options;
    }

    /** Connects with default options. */
    public static CompletableFuture<HavenClient> connect(URI uri) {
        return connect(uri, ClientOptions.defaults());
    }

    /** Connects and completes the WebSocket handshake; does not send {@code hello}. */
    public static CompletableFuture<HavenClient> connect(URI uri, ClientOptions options) {
        HavenClient client = new HavenClient(options);
        CompletableFuture<HavenClient> ready = new CompletableFuture<>();
        HttpHeaders headers = new DefaultHttpHeaders();
        if (options.origin() != null) {
            headers.set(HttpHeaderNames.ORIGIN, options.origin());
        }
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .customHeaders(headers)
                .maxFramePayloadLength(MAX_FRAME_BYTES)
                .handleCloseFrames(false)
                // No automatic close frame on channel close: abort() must be able to vanish like a lost network.
                .sendCloseFrame(null)
                .dropPongFrames(true)
                .handshakeTimeoutMillis(options.connectTimeout().toMillis())
                .build();
        boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80;
        io.netty.handler.ssl.SslContext tls;
        try {
            tls = !secure
                    ? null
                    : options.tls() != null
                            ? options.tls()
                            : io.netty.handler.ssl.SslContextBuilder.forClient().build();
        } catch (javax.net.ssl.SSLException e) {
            ready.completeExceptionally(e);
            return ready;
        }
        new Bootstrap()
                .group(options.group() != null ? options.group() : sharedGroup())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        options.connectTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        client.channel = ch;
                        ch.closeFuture().addListener(c -> client.onClosed(ready));
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), uri.getHost(), port));
                        }
                        ch.pipeline()
                                .addLast(
                                        new HttpClientCodec(),
                                        new HttpObjectAggregator(8192),
                                        new WebSocketClientProtocolHandler(config),
                                        new WebSocketFrameAggregator(MAX_FRAME_BYTES),
                                        client.new Inbound(ready));
                    }
                })
                .connect(uri.getHost(), port)
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        ready.completeExceptionally(f.cause());
                    }
                });
        return ready;
    }

    private static EventLoopGroup sharedGroup() {
        if (sharedGroup == null) {
            synchronized (HavenClient.class) {
                if (sharedGroup == null) {
                    sharedGroup = new MultiThreadIoEventLoopGroup(
                            0,
                            r -> {
                                Thread t = new Thread(r, "haven-client");
                                t.setDaemon(true);
                                return t;
                            },
                            NioIoHandler.newFactory());
                }
            }
        }
        return sharedGroup;
    }

    /** Sends {@code hello} with this token and the versions this library speaks. */
    public CompletableFuture<Result.Welcome> hello(String token) {
        return call(id -> new ClientMessage.Hello(id, token, ProtocolVersion.SUPPORTED), Result.Welcome.class);
    }

    /**
     * Sends {@code hello} for a device, resuming an earlier connection: its resume token and the
     * last sequence number seen in each room (see {@link #lastSeq()} of the earlier client).
     */
    public CompletableFuture<Result.Welcome> hello(
            String token, String device, String resumeToken, Map<String, Long> lastSeq) {
        return call(
                id -> new ClientMessage.Hello(
                        id,
                        token,
                        ProtocolVersion.SUPPORTED,
                        device,
                        resumeToken,
                        lastSeq == null || lastSeq.isEmpty() ? null : lastSeq),
                Result.Welcome.class);
    }

    /** The highest sequence number received in each room: what a reconnect asks to resume from. */
    public Map<String, Long> lastSeq() {
        return Map.copyOf(lastSeq);
    }

    /** The resume token of this connection's session, for a reconnect. */
    public String resumeToken() {
        return resumeToken;
    }

    /** Sends a request built with a fresh id; completes with the {@code ok}, or {@link HavenErrorException}. */
    public CompletableFuture<ServerMessage.Ok> request(Function<String, ClientMessage> build) {
        String id = Long.toString(ids.incrementAndGet());
        CompletableFuture<ServerMessage.Ok> reply = new CompletableFuture<>();
        pending.put(id, reply);
        sendText(codec.encode(build.apply(id)));
        return reply;
    }

    /** Sends a request and completes with its result of the expected kind. */
    public <R extends Result> CompletableFuture<R> call(Function<String, ClientMessage> build, Class<R> kind) {
        return request(build).thenApply(ok -> kind.cast(ok.result()));
    }

    /** Sends any text frame as is (tests send bad input this way). */
    public void sendText(String text) {
        channel.writeAndFlush(new TextWebSocketFrame(text));
    }

    /** Sends a text frame of raw bytes, valid UTF-8 or not (tests of the server's checks). */
    public void sendTextBytes(byte[] bytes) {
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
    }

    /** Sends a binary frame (not part of the protocol; the server closes with 1003). */
    public void sendBinary(byte[] bytes) {
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
    }

    /** The next event (anything but a reply to a pending request), or {@code null} after the timeout. */
    public ServerMessage nextEvent(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits for the first event that matches, dropping the ones before it; {@code null} after the timeout. */
    public <T extends ServerMessage> T awaitEvent(Class<T> type, Predicate<T> match, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            ServerMessage next = events.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                return null;
            }
            if (type.isInstance(next) && match.test(type.cast(next))) {
                return type.cast(next);
            }
        }
    }

    /** Events received and not yet taken. */
    public List<ServerMessage> drainEvents() {
        List<ServerMessage> out = new java.util.ArrayList<>();
        events.drainTo(out);
        return out;
    }

    /** Frames that were not valid server messages; a conforming server leaves this empty. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** Completes when the connection ends, with the close code the server sent (or -1). */
    public CompletableFuture<CloseStatus> closeFuture() {
        return closed;
    }

    /** Stops reading from the socket: the client no longer answers pings, like a frozen device. */
    public void stopReading() {
        channel.config().setAutoRead(false);
    }

    /** Ends the TCP connection without a close frame, as a lost network would. */
    public void abort() {
        if (channel.isOpen()) { // a connection already gone has nothing left to end
            try {
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (io.netty.channel.ChannelException closedMeanwhile) {
                // the peer closed the socket between the check and here: nothing left to reset
            }
            channel.close();
        }
    }

    /** Sends a normal close frame and waits briefly for the server's answer. */
    @Override
    public void close() {
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(new CloseWebSocketFrame(1000, "bye"));
            ch.closeFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
            ch.close();
        }
    }

    private void onClosed(CompletableFuture<HavenClient> ready) {
        closed.complete(new CloseStatus(-1, ""));
        ready.completeExceptionally(new IllegalStateException("closed before the handshake completed"));
        IllegalStateException gone = new IllegalStateException("connection closed");
        pending.values().forEach(f -> f.completeExceptionally(gone));
        pending.clear();
    }

    private void onText(String text) {
        if (options.frameListener() != null) {
            options.frameListener().accept(text);
        }
        ServerMessage message;
        try {
            message = codec.decodeServer(text);
        } catch (IllegalArgumentException e) {
            violations.add(text);
            return;
        }
        track(message);
        if (message instanceof ServerMessage.Ok ok && ok.re() != null) {
            CompletableFuture<ServerMessage.Ok> reply = pending.remove(ok.re());
            if (reply != null) {
                reply.complete(ok);
                return;
            }
        } else if (message instanceof ServerMessage.Error error && error.re() != null) {
            CompletableFuture<ServerMessage.Ok> reply = pending.remove(error.re());
            if (reply != null) {
                reply.completeExceptionally(new HavenErrorException(error));
                return;
            }
        }
        events.add(message);
    }

    /** Keeps the last sequence number of each room and the resume token, as messages arrive. */
    private void track(ServerMessage message) {
        if (message instanceof ServerMessage.RoomEvent event) {
            lastSeq.merge(event.room(), event.seq(), Math::max);
        } else if (message instanceof ServerMessage.Ok ok && ok.result() instanceof Result.RoomSnapshot snapshot) {
            lastSeq.merge(snapshot.room(), snapshot.seq(), Math::max);
        } else if (message instanceof ServerMessage.Ok ok && ok.result() instanceof Result.Welcome welcome) {
            resumeToken = welcome.resumeToken();
        } else if (message instanceof ServerMessage.Admitted admitted) {
            lastSeq.merge(admitted.room(), admitted.snapshot().seq(), Math::max);
        } else if (message instanceof ServerMessage.BreakoutMoved moved) {
            lastSeq.merge(moved.breakout(), moved.snapshot().seq(), Math::max);
        } else if (message instanceof ServerMessage.RoomResumed resumed && resumed.snapshot() != null) {
            lastSeq.put(resumed.room(), resumed.snapshot().seq());
        }
    }

    private final class Inbound extends SimpleChannelInboundHandler<WebSocketFrame> {
        private final CompletableFuture<HavenClient> ready;

        Inbound(CompletableFuture<HavenClient> ready) {
            this.ready = ready;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                ready.complete(HavenClient.this);
            } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                ready.completeExceptionally(new IllegalStateException("handshake timed out"));
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame text) {
                onText(text.text());
            } else if (frame instanceof CloseWebSocketFrame close) {
                closed.complete(new CloseStatus(close.statusCode(), close.reasonText()));
                ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), ""))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (ready.isDone()) {
                violations.add("client error: " + cause);
            }
            ready.completeExceptionally(cause);
            ctx.close();
        }
    }
}
