package org.haven.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.haven.protocol.Decoded;
import org.haven.server.session.Session;

/** The authenticated phase: decoded frames go to the domain's session; a closed channel ends it. */
final class SessionHandler extends ChannelInboundHandlerAdapter {

    private final Session session;

    SessionHandler(Session session) {
        this.session = session;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Decoded.Message message) {
            session.onMessage(message.message());
        } else if (msg instanceof Decoded.Invalid invalid) {
            session.onInvalid(invalid);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        session.onClosed();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        // Shutdown removes handlers without an inactive event reaching this one in some orders.
        if (!ctx.channel().isActive()) {
            session.onClosed();
        }
    }
}
