package org.haven.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.haven.protocol.Decoded;
import org.haven.server.connection.Outbound;
import org.haven.server.session.RelayGateway;

/**
 * The session phase of a connection whose organisation another node serves: each request goes to
 * that node, which answers through this connection; a frame that does not decode is answered here.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

    private final RelayGateway.Relayed gatewayed;
    private final ChannelConnection connection;

    RelayHandler(RelayGateway.Relayed gatewayed, ChannelConnection connection) {
        this.gatewayed = gatewayed;
        this.connection = connection;
    }

    static void forward(RelayGateway.Relayed gatewayed, ChannelConnection connection, Decoded decoded) {
        if (decoded instanceof Decoded.Message message) {
            gatewayed.forward(message.message());
        } else if (decoded instanceof Decoded.Invalid invalid) {
            connection.send(Outbound.of(invalid.toError()));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Decoded decoded) {
            forward(gatewayed, connection, decoded);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        gatewayed.closed(connection.endedAbruptly());
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            gatewayed.closed(connection.endedAbruptly());
        }
    }
}
