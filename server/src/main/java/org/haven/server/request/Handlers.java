package org.haven.server.request;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Refusal;

/**
 * The handler of every client message type, registered by the features at start: one handler per
 * type, and a node does not start with a type left without one ({@link #requireEvery}).
 *
 * <p>Threading: filled at start by one thread, then read by every connection's thread (safely
 * published by the final field of whoever holds it).
 */
public final class Handlers {

    private final Map<Class<?>, Handler<?>> byType = new HashMap<>();

    /** Registers the handler of {@code type}; a second one for the same type is a wiring mistake. */
    public <M extends ClientMessage> Handlers on(Class<M> type, Handler<M> handler) {
        if (byType.putIfAbsent(type, handler) != null) {
            throw new IllegalStateException("two handlers for " + type.getSimpleName());
        }
        return this;
    }

    /**
     * Checks that every type of the sealed family {@code root} has a handler; throws naming those
     * that have none.
     */
    public Handlers requireEvery(Class<? extends ClientMessage> root) {
        List<String> missing = new ArrayList<>();
        for (Class<?> type : root.getPermittedSubclasses()) {
            if (!byType.containsKey(type)) {
                missing.add(type.getSimpleName());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("client messages without a handler: " + missing);
        }
        return this;
    }

    /**
     * Hands {@code message} from {@code caller} to its handler. A refusal the handler throws is
     * answered with its code, any other exception {@code internal}; a type with no handler (none
     * once {@link #requireEvery} passed) {@code unknown_type}.
     */
    @SuppressWarnings("unchecked")
    public <M extends ClientMessage> void dispatch(M message, Caller caller) {
        Reply reply = new Reply(caller.connection(), message.id());
        Handler<M> handler = (Handler<M>) byType.get(message.getClass());
        if (handler == null) {
            reply.refuse(ErrorCode.UNKNOWN_TYPE, "unknown message type");
            return;
        }
        try {
            handler.handle(new Request<>(message, caller, reply));
        } catch (Refusal r) {
            reply.refuse(r);
        } catch (RuntimeException e) {
            reply.fail(e);
        }
    }
}
