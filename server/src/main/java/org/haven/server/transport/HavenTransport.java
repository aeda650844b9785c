package org.haven.server.transport;

import io.micrometer.core.instrument.Gauge;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.haven.protocol.CloseCode;
import org.haven.server.api.ServiceApi;
import org.haven.server.auth.DevTokens;
import org.haven.server.config.ServerConfig;
import org.haven.server.metrics.NodeMetrics;
import org.haven.server.session.RelayGateway;
import org.haven.server.session.SessionService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network edge: binds the port on native epoll when the platform has it (NIO otherwise), and
 * shuts down gracefully: stop accepting, report not ready, tell every client "going away", wait for
 * them to close up to the drain time-out, then stop the event loops. The only package that knows
 * Netty.
 */
public final class HavenTransport implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HavenTransport.class);

    private final ServerConfig config;
    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Class<? extends ServerChannel> channelType;
    private final HavenChannelInitializer initializer;
    private volatile @Nullable Channel serverChannel;
    private volatile boolean draining;
    private final Supplier<Readiness> node;
    private final OriginPolicy origins;

    public HavenTransport(
            ServerConfig config,
            SessionService sessions,
            RelayGateway relay,
            NodeMetrics metrics,
            Supplier<Readiness> node,
            ServiceApi api) {
        this.node = node;
        this.config = config;
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.bossGroup = new MultiThreadIoEventLoopGroup(1, io);
        this.workerGroup = new MultiThreadIoEventLoopGroup(0, io);
        this.channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        this.origins = OriginPolicy.of(config);
        HttpRoutes routes = new HttpRoutes(
                origins,
                this::readiness,
                endpoints(config, sessions, metrics),
                ConsoleFiles.fromClassPath(),
                new ApiEndpoint(api));
        Gauge.builder("haven.connections", registry, ConnectionRegistry::size)
                .description("Open connections on this node (WebSocket and plain HTTP)")
                .register(metrics.registry());
        registry.counters().bindTo(metrics.registry());
        this.initializer =
                new HavenChannelInitializer(config, sessions, relay, routes, registry, TlsContexts.forServer(config));
    }

    /** The HTTP routes this configuration has: optional ones are absent, not refused. */
    private Map<String, HttpEndpoint> endpoints(ServerConfig config, SessionService sessions, NodeMetrics metrics) {
        Map<String, HttpEndpoint> endpoints = new HashMap<>(HttpRoutes.health(this::readiness));
        endpoints.put(
                "/metrics",
                HttpRoutes.get(
                        () -> HttpReply.text(HttpResponseStatus.OK, NodeMetrics.CONTENT_TYPE, metrics.scrape())));
        if (config.auth().adminToken() != null) {
            endpoints.put(
                    AdminRevokeEndpoint.PATH,
                    new AdminRevokeEndpoint(config.auth().adminToken(), sessions));
        }
        if (config.mode() == ServerConfig.Mode.DEV && config.auth().hmacSecret() != null) {
            endpoints.put(
                    DevTokenEndpoint.PATH,
                    HttpEndpoint.now(new DevTokenEndpoint(new DevTokens(
                            config.auth().hmacSecret(),
                            config.auth().issuer(),
                            config.auth().audience(),
                            Clock.systemUTC()))::handle));
        }
        return endpoints;
    }

    /** Binds and starts accepting; returns the bound port (useful with port 0). */
    public int start() throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 128 * 1024))
                .childHandler(initializer);
        serverChannel = bootstrap
                .bind(config.transport().host(), config.transport().port())
                .sync()
                .channel();
        int port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        log.info(
                "listening host={} port={} transport={}", config.transport().host(), port, channelType.getSimpleName());
        if (origins.refusesEveryBrowser()) {
            // Told once, at start: a 403 in a browser's console does not say which setting is missing.
            log.warn("no HAVEN_PUBLIC_URL and no HAVEN_ALLOWED_ORIGINS: every browser is refused a WebSocket"
                    + " (this node's console included), only clients without an Origin connect;"
                    + " set HAVEN_PUBLIC_URL to the address browsers reach this node at");
        } else if (origins.allowsLoopback()) {
            log.info("dev mode without HAVEN_PUBLIC_URL: browsers may open a WebSocket from loopback origins"
                    + " (http://localhost:<port>, http://127.0.0.1:<port>, http://[::1]:<port>) and"
                    + " HAVEN_ALLOWED_ORIGINS only");
        }
        return port;
    }

    /** Whether the node accepts new sessions. */
    public boolean isReady() {
        return readiness().serving();
    }

    /** What {@code /readyz} says: the node's own state, unless the transport is stopping. */
    public Readiness readiness() {
        return serverChannel == null || !serverChannel.isActive() || draining ? Readiness.DRAINING : node.get();
    }

    /** Open connections on this node. */
    public int connectionCount() {
        return registry.size();
    }

    /** How many connections this node closed with {@code code} since it started. */
    public long closedWith(CloseCode code) {
        return registry.closedWith(code);
    }

    @Override
    public void close() {
        draining = true;
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
        }
        if (!registry.goingAway(config.transport().drainTimeout())) {
            log.warn("drain time-out with connections={} still open", registry.size());
        }
        bossGroup.shutdownGracefully(0, 2000, TimeUnit.MILLISECONDS);
        workerGroup.shutdownGracefully(0, 2000, TimeUnit.MILLISECONDS).awaitUninterruptibly();
        log.info("transport stopped");
    }
}
