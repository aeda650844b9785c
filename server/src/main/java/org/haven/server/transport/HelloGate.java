package org.haven.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.CloseCode;
import org.haven.protocol.Decoded;
import org.haven.server.connection.Outbound;
import org.haven.server.session.HelloOutcome;
import org.haven.server.session.SessionService;

/**
 * The authentication phase of a connection. From the handshake on, it waits for {@code hello}
 * for the hello time-out ({@link CloseCode#AUTH_TIMEOUT}); anything else first closes with
 * {@link CloseCode#AUTH_REQUIRED}. An accepted hello swaps this handler for the
 * {@link SessionHandler}: the phase is the handler, not a flag.
 */
final class HelloGate extends ChannelInboundHandlerAdapter {

    private final SessionService sessions;
    private final ChannelConnection connection;
    private final Duration timeout;
    private ScheduledFuture<?> deadline;
    private boolean decided;

    HelloGate(SessionService sessions, ChannelConnection connection, Duration timeout) {
        this.sessions = sessions;
        this.connection = connection;
        this.timeout = timeout;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            connection.upgraded();
            ctx.pipeline().remove(PipelineNames.HTTP_ROUTES);
            deadline = ctx.executor().schedule(() -> {
                if (!decided) {
                    decided = true;
                    connection.close(CloseCode.AUTH_TIMEOUT, "no hello within " + timeout.toMillis() + " ms");
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Decoded decoded)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (decided) {
            return;
        }
        decided = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (decoded instanceof Decoded.Invalid invalid) {
            connection.send(Outbound.of(invalid.toError()));
            connection.close(CloseCode.AUTH_REQUIRED, "the first message must be a valid hello");
            return;
        }
        ClientMessage message = ((Decoded.Message) decoded).message();
        if (!(message instanceof ClientMessage.Hello hello)) {
            connection.close(CloseCode.AUTH_REQUIRED, "the first message must be hello");
            return;
        }
        HelloOutcome outcome = sessions.hello(connection, hello);
        if (outcome instanceof HelloOutcome.Accepted accepted) {
            ctx.pipeline().replace(this, PipelineNames.SESSION, new SessionHandler(accepted.session()));
        } else if (outcome instanceof HelloOutcome.Refused refused) {
            connection.close(refused.code(), refused.reason());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (deadline != null) {
            deadline.cancel(false);
        }
        super.channelInactive(ctx);
    }
}
