package org.haven.loadtest.ceiling;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
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
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.haven.loadtest.Loopback;

/**
 * The bare Netty WebSocket broadcast server: the ceiling Haven is compared with. The same Netty,
 * transport and socket options as Haven, and nothing else: no TLS, no token, no JSON, no rate limit,
 * no queue bound, no sequence numbers. A frame posted to a room is encoded once as a WebSocket frame
 * and each member gets a retained duplicate of that one buffer, written by one task per event loop
 * per turn and flushed once per connection per turn ({@link LoopWriter}): the least work a broadcast
 * can cost on this machine. Binds loopback only.
 *
 * <p>Pipeline: HTTP codec and aggregator (the upgrade), the WebSocket protocol handler at
 * {@code /ws} (handshake, pings, close), then {@link CeilingFrameHandler}.
 */
public final class CeilingServer implements AutoCloseable {

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel serverChannel;

    private CeilingServer(String host, int port) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType =
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        boss = new MultiThreadIoEventLoopGroup(1, io);
        workers = new MultiThreadIoEventLoopGroup(0, io);
        CeilingRooms rooms = new CeilingRooms();
        serverChannel = new ServerBootstrap()
                .group(boss, workers)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 128 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // The same flush batching Haven uses: a ceiling without it would measure syscalls.
                        ch.pipeline()
                                .addLast(
                                        new FlushConsolidationHandler(256, true),
                                        new HttpServerCodec(),
                                        new HttpObjectAggregator(8192),
                                        new WebSocketServerProtocolHandler("/ws", null, false, 65536),
                                        new CeilingFrameHandler(rooms));
                    }
                })
                .bind(host, port)
                .sync()
                .channel();
    }

    /** Starts on {@code host} (a loopback address) and {@code port} (0 picks a free one). */
    public static CeilingServer start(String host, int port) throws InterruptedException {
        Objects.requireNonNull(host, "host");
        if (!Loopback.isLoopback(host)) {
            throw new IllegalArgumentException("host: " + host + " (expected: a loopback address)");
        }
        return new CeilingServer(host, port);
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Stops accepting, closes every connection and stops the event loops. */
    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
