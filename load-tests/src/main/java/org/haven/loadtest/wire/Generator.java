package org.haven.loadtest.wire;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ResourceLeakDetector;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.haven.loadtest.Loopback;

/**
 * The load generator's connections: many WebSockets per event loop on a few threads, their source
 * addresses spread over 127.0.0.1, 127.0.0.2, ... so that more connections fit than one address's
 * range of ephemeral ports. Loopback only: the target must be on this machine.
 *
 * <p>The pipeline of each connection, in order: HTTP client codec and aggregator (the upgrade only;
 * Netty removes them after the handshake), the WebSocket client protocol handler (handshake, pongs
 * to the server's pings), a frame aggregator, and the {@link PeerHandler} that hands text to its
 * {@link WirePeer}.
 */
public final class Generator implements AutoCloseable {

    /** Connections per source address, well inside Linux's default range of about 28,000 ephemeral ports. */
    public static final int CONNECTIONS_PER_SOURCE = 20_000;

    private static final int MAX_FRAME_BYTES = 1024 * 1024;

    static {
        // The generator measures servers, not itself: Netty's leak sampling (a stack trace for one
        // buffer in 128) is off in its JVM unless asked for, as the tests do.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelType;
    private final List<InetAddress> sources;

    /**
     * @param threads event loop threads (0 for Netty's default, twice the processors)
     * @param sourceAddresses how many loopback source addresses to spread connections over (1..250);
     *     with one, the kernel picks the source as usual
     */
    public Generator(int threads, int sourceAddresses) {
        if (sourceAddresses < 1 || sourceAddresses > 250) {
            throw new IllegalArgumentException("sourceAddresses: " + sourceAddresses + " (expected: 1..250)");
        }
        this.sources = new ArrayList<>();
        if (sourceAddresses > 1) {
            for (int i = 1; i <= sourceAddresses; i++) {
                try {
                    sources.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) i}));
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        // The same transport as Haven and the ceiling: epoll where Linux offers it.
        boolean epoll = Epoll.isAvailable();
        this.channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        this.group = new MultiThreadIoEventLoopGroup(
                threads,
                r -> {
                    Thread t = new Thread(r, "haven-load-io");
                    t.setDaemon(true);
                    return t;
                },
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /** Source addresses needed for {@code connections}, at {@link #CONNECTIONS_PER_SOURCE} each. */
    public static int sourcesFor(int connections) {
        return Math.max(1, (connections + CONNECTIONS_PER_SOURCE - 1) / CONNECTIONS_PER_SOURCE);
    }

    /**
     * Opens connection number {@code index} for {@code peer} and completes the WebSocket handshake;
     * the future fails if either fails or takes longer than {@code timeout}.
     */
    public CompletableFuture<Void> connect(URI endpoint, WirePeer peer, int index, Duration timeout) {
        Loopback.require(endpoint);
        CompletableFuture<Void> ready = new CompletableFuture<>();
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(endpoint)
                .version(WebSocketVersion.V13)
                .customHeaders(EmptyHttpHeaders.INSTANCE)
                .maxFramePayloadLength(MAX_FRAME_BYTES)
                .handleCloseFrames(false)
                .sendCloseFrame(null)
                .dropPongFrames(true)
                // The generator does not check the UTF-8 of what it measures (a tenth of its CPU in
                // group chat): a malformed frame decodes with replacement characters and is reported
                // as not understood, or counted as a delivery when its chat mark is intact. The
                // servers' own tests check what they send.
                .withUTF8Validator(false)
                .handshakeTimeoutMillis(timeout.toMillis())
                .build();
        int port = endpoint.getPort() > 0 ? endpoint.getPort() : 80;
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        peer.attach(ch);
                        ch.pipeline()
                                .addLast(
                                        new HttpClientCodec(),
                                        new HttpObjectAggregator(8192),
                                        new WebSocketClientProtocolHandler(config),
                                        new WebSocketFrameAggregator(MAX_FRAME_BYTES),
                                        new PeerHandler(peer, ready));
                    }
                });
        InetSocketAddress remote = new InetSocketAddress(endpoint.getHost(), port);
        var connecting = sources.isEmpty()
                ? bootstrap.connect(remote)
                : bootstrap.connect(remote, new InetSocketAddress(sources.get(index % sources.size()), 0));
        connecting.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                ready.completeExceptionally(f.cause());
            }
        });
        return ready.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes every connection still open and stops the event loops (within a few seconds). */
    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
