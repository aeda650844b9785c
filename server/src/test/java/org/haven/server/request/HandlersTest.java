package org.haven.server.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Set;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Refusal;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.auth.Principal;
import org.haven.server.connection.Connection;
import org.haven.server.testing.Inbox;
import org.junit.jupiter.api.Test;

/**
 * The one way requests are handled: a type without a handler stops the node from starting (every
 * node calls {@link Handlers#requireEvery} on {@link ClientMessage} at start), a type has one
 * handler, and whatever a handler does, the request gets exactly one answer.
 */
class HandlersTest {

    private final Inbox inbox = new Inbox();
    private final Caller caller = new Caller() {
        @Override
        public Principal principal() {
            return new Principal(
                    "alice",
                    "demo",
                    Role.CLIENT,
                    Set.of("group-1"),
                    "Alice",
                    "t-1",
                    Instant.parse("2030-01-01T00:00:00Z"));
        }

        @Override
        public Connection connection() {
            return inbox;
        }
    };

    @Test
    void aMessageTypeWithoutAHandlerIsNamedAndTheNodeDoesNotStart() {
        Handlers handlers =
                new Handlers().on(ClientMessage.Ping.class, r -> r.reply().ok());
        assertThatThrownBy(() -> handlers.requireEvery(ClientMessage.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ChatSend")
                .hasMessageContaining("AlertRaise")
                .hasMessageNotContaining("Ping");
    }

    @Test
    void aTypeHasOneHandler() {
        Handlers handlers =
                new Handlers().on(ClientMessage.Ping.class, r -> r.reply().ok());
        assertThatThrownBy(() ->
                        handlers.on(ClientMessage.Ping.class, r -> r.reply().ok()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Ping");
    }

    @Test
    void aRefusalIsAnsweredWithItsCodeAFailureInternalAndEachRequestOnce() {
        Handlers handlers = new Handlers()
                .on(ClientMessage.Ping.class, r -> {
                    throw new Refusal(ErrorCode.FORBIDDEN, "no");
                })
                .on(ClientMessage.PresenceQuery.class, r -> {
                    throw new IllegalStateException("a bug with details that stay in the log");
                })
                .on(ClientMessage.RoomLeave.class, r -> {
                    r.reply().ok();
                    r.reply().refuse(ErrorCode.NOT_A_MEMBER, "a second answer");
                });
        handlers.dispatch(new ClientMessage.Ping("1"), caller);
        handlers.dispatch(new ClientMessage.PresenceQuery("2", "group-1"), caller);
        handlers.dispatch(new ClientMessage.RoomLeave("3", "group-1"), caller);
        handlers.dispatch(new ClientMessage.ChatSend("4", "group-1", "hi"), caller);

        assertThat(inbox.received).hasSize(4);
        assertThat(((ServerMessage.Error) inbox.received.get(0)).code()).isEqualTo(ErrorCode.FORBIDDEN);
        ServerMessage.Error internal = (ServerMessage.Error) inbox.received.get(1);
        assertThat(internal.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(internal.message()).contains("reference").doesNotContain("bug");
        assertThat(inbox.received.get(2))
                .isInstanceOfSatisfying(
                        ServerMessage.Ok.class, ok -> assertThat(ok.re()).isEqualTo("3"));
        assertThat(((ServerMessage.Error) inbox.received.get(3)).code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
    }
}
