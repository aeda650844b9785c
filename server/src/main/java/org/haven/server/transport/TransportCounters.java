package org.haven.server.transport;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.CloseCode;
import org.haven.protocol.Decoded;

/**
 * What crosses this node's edge, counted without locks on the event loops: messages in by type,
 * messages out, closes by code, refused connections. The meter registry reads them when scraped.
 */
final class TransportCounters {

    private static final String INVALID = "invalid";
    private static final Map<Class<?>, String> WIRE_TYPES = wireTypes();

    private final Map<CloseCode, LongAdder> closes = new EnumMap<>(CloseCode.class);
    private final Map<String, LongAdder> messagesIn = new HashMap<>();
    private final LongAdder messagesOut = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder slowRequests = new LongAdder();

    TransportCounters() {
        for (CloseCode code : CloseCode.values()) {
            closes.put(code, new LongAdder());
        }
        for (String type : WIRE_TYPES.values()) {
            messagesIn.put(type, new LongAdder());
        }
        messagesIn.put(INVALID, new LongAdder());
    }

    private static Map<Class<?>, String> wireTypes() {
        Map<Class<?>, String> types = new HashMap<>();
        for (JsonSubTypes.Type t :
                ClientMessage.class.getAnnotation(JsonSubTypes.class).value()) {
            types.put(t.value(), t.name());
        }
        return Map.copyOf(types);
    }

    void closed(CloseCode code) {
        closesOf(code).increment();
    }

    long closedWith(CloseCode code) {
        return closesOf(code).sum();
    }

    /** The counter of {@code code}: the constructor made one for every close code. */
    private LongAdder closesOf(CloseCode code) {
        return Objects.requireNonNull(closes.get(code), "a counter per close code");
    }

    void received(Decoded decoded) {
        String type = decoded instanceof Decoded.Message m
                ? WIRE_TYPES.getOrDefault(m.message().getClass(), INVALID)
                : INVALID;
        Objects.requireNonNull(messagesIn.get(type), "a counter per wire type and for invalid ones")
                .increment();
    }

    void sent() {
        messagesOut.increment();
    }

    void refused() {
        refused.increment();
    }

    long refusedCount() {
        return refused.sum();
    }

    /** A connection closed because its HTTP request was not complete in time. */
    void slowRequest() {
        slowRequests.increment();
    }

    /**
     * Registers {@code haven_messages_in_total{type}}, {@code haven_messages_out_total},
     * {@code haven_connections_closed_total{code}}, {@code haven_outbound_overflows_total},
     * {@code haven_connections_refused_total} and {@code haven_http_slow_requests_total}.
     */
    void bindTo(MeterRegistry meters) {
        messagesIn.forEach((type, count) -> FunctionCounter.builder("haven.messages.in", count, LongAdder::sum)
                .description("Messages received, by type")
                .tag("type", type)
                .register(meters));
        FunctionCounter.builder("haven.messages.out", messagesOut, LongAdder::sum)
                .description("Frames sent to clients")
                .register(meters);
        closes.forEach((code, count) -> FunctionCounter.builder("haven.connections.closed", count, LongAdder::sum)
                .description("Connections the server closed, by close code")
                .tag("code", Integer.toString(code.code()))
                .tag("reason", code.name().toLowerCase(Locale.ROOT))
                .register(meters));
        FunctionCounter.builder("haven.outbound.overflows", closesOf(CloseCode.SLOW_CONSUMER), LongAdder::sum)
                .description("Connections closed because their outbound queue overflowed")
                .register(meters);
        FunctionCounter.builder("haven.connections.refused", refused, LongAdder::sum)
                .description("Connections refused because the node was full")
                .register(meters);
        FunctionCounter.builder("haven.http.slow.requests", slowRequests, LongAdder::sum)
                .description("Connections closed because their HTTP request (or upgrade) was not complete in time")
                .register(meters);
    }
}
