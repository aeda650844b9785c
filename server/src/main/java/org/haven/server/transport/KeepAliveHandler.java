package org.haven.server.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;
import org.haven.protocol.CloseCode;

/**
 * Tells a live peer from a dead one. While the socket is silent, a WebSocket ping goes out every
 * ping interval; anything read (a pong included) resets the count. A peer silent for the idle
 * time-out is closed, so its room members see it leave within that time (5 s at most with the
 * defaults). Before the upgrade it does nothing: a plain HTTP client is silent while its request is
 * answered (a server-API call forwarded to another node may take up to 15 s), and {@link
 * HttpRequestDeadline} bounds each phase of plain HTTP: the request's arrival, its answer, the wait
 * for the next one. A slow handshake cannot hold a connection open.
 */
final class KeepAliveHandler extends ChannelDuplexHandler {

    private final int maxSilentIntervals;
    private final ChannelConnection connection;
    private int silentIntervals;

    KeepAliveHandler(Duration pingInterval, Duration idleTimeout, ChannelConnection connection) {
        this.maxSilentIntervals = (int) Math.max(1, idleTimeout.toMillis() / pingInterval.toMillis());
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        silentIntervals = 0;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (!(evt instanceof IdleStateEvent)) {
            super.userEventTriggered(ctx, evt);
            return;
        }
        if (!connection.isUpgraded()) {
            return; // plain HTTP: the request deadline's to bound, not the keep-alive's
        }
        silentIntervals++;
        if (silentIntervals >= maxSilentIntervals) {
            connection.close(CloseCode.IDLE_TIMEOUT, "no traffic within the idle time-out");
        } else {
            // From the tail: this handler sits below the WebSocket encoder.
            ctx.channel().writeAndFlush(new PingWebSocketFrame(), ctx.channel().voidPromise());
        }
    }
}
