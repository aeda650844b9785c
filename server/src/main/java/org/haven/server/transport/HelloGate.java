package org.haven.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.CloseCode;
import org.haven.protocol.Decoded;
import org.haven.server.connection.Connection;
import org.haven.server.connection.Outbound;
import org.haven.server.session.HelloOutcome;
import org.haven.server.session.RelayGateway;
import org.haven.server.session.Session;
import org.haven.server.session.SessionService;
import org.jspecify.annotations.Nullable;

/**
 * The authentication phase of a connection. From the handshake on, it waits for {@code hello}
 * for the hello time-out ({@link CloseCode#AUTH_TIMEOUT}); anything else first closes with
 * {@link CloseCode#AUTH_REQUIRED}. An accepted hello swaps this handler for the
 * {@link SessionHandler}: the phase is the handler, not a flag.
 */
final class HelloGate extends ChannelInboundHandlerAdapter {

    /** How a hello is answered: {@link SessionService#hello}, in production. */
    @FunctionalInterface
    interface Greeter {
        CompletionStage<HelloOutcome> hello(Connection connection, ClientMessage.Hello hello);
    }

    /**
     * Requests a client may send after its hello before it is answered (the answer can wait for
     * the cluster to say which node serves the organisation); past this the connection is a flood.
     */
    static final int MAX_EARLY_REQUESTS = 32;

    private final Greeter sessions;
    private final ChannelConnection connection;
    private final Duration timeout;
    private @Nullable ScheduledFuture<?> deadline;
    private boolean decided;
    /** Requests that came after the hello, before it was answered; null when not waiting. */
    private @Nullable List<Decoded> waiting;

    private final RelayGateway relay;

    HelloGate(Greeter sessions, RelayGateway relay, ChannelConnection connection, Duration timeout) {
        this.relay = relay;
        this.sessions = sessions;
        this.connection = connection;
        this.timeout = timeout;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            connection.upgraded();
            ctx.pipeline().remove(PipelineNames.HTTP_ROUTES);
            deadline = ctx.executor()
                    .schedule(
                            () -> {
                                if (!decided) {
                                    decided = true;
                                    connection.close(
                                            CloseCode.AUTH_TIMEOUT, "no hello within " + timeout.toMillis() + " ms");
                                }
                            },
                            timeout.toMillis(),
                            TimeUnit.MILLISECONDS);
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
            if (waiting != null) {
                if (waiting.size() >= MAX_EARLY_REQUESTS) {
                    waiting = null; // nothing of it is answered: the connection goes
                    connection.close(CloseCode.RATE_LIMIT_FLOOD, "too many requests before the hello was answered");
                    return;
                }
                waiting.add(decoded); // sent before the hello was answered: handled once it is
            }
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
        waiting = new ArrayList<>();
        sessions.hello(connection, hello)
                .whenComplete((outcome, failure) -> ctx.executor().execute(() -> decide(ctx, hello, outcome, failure)));
    }

    /** The hello is answered: the session (here, or relayed to the node serving the organisation) takes over. */
    private void decide(
            ChannelHandlerContext ctx,
            ClientMessage.Hello hello,
            @Nullable HelloOutcome outcome,
            @Nullable Throwable failure) {
        List<Decoded> early = waiting == null ? List.of() : waiting;
        waiting = null;
        if (failure != null) {
            connection.close(CloseCode.INTERNAL_ERROR, "internal error");
        } else if (outcome instanceof HelloOutcome.Accepted accepted) {
            Session session = accepted.session();
            ctx.pipeline().replace(this, PipelineNames.SESSION, new SessionHandler(session));
            for (Decoded d : early) {
                if (d instanceof Decoded.Message m) {
                    session.onMessage(m.message());
                } else {
                    session.onInvalid((Decoded.Invalid) d);
                }
            }
            if (!ctx.channel().isActive()) {
                session.onClosed();
            }
        } else if (outcome instanceof HelloOutcome.Relayed relayed) {
            RelayGateway.Relayed gatewayed = relay.open(connection, relayed.owner(), relayed.principal(), hello);
            ctx.pipeline().replace(this, PipelineNames.SESSION, new RelayHandler(gatewayed, connection));
            for (Decoded d : early) {
                RelayHandler.forward(gatewayed, connection, d);
            }
            if (!ctx.channel().isActive()) {
                gatewayed.closed(connection.endedAbruptly());
            }
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
