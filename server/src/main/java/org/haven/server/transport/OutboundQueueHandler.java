package org.haven.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Drains the connection's outbound queue when the socket becomes writable again (backpressure). */
final class OutboundQueueHandler extends ChannelInboundHandlerAdapter {

    private final ChannelConnection connection;

    OutboundQueueHandler(ChannelConnection connection) {
        this.connection = connection;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            connection.drain();
        }
        ctx.fireChannelWritabilityChanged();
    }
}
