package org.haven.server.cluster;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The one codec of {@link NodeMessage}s: small JSON objects, {@code k} the kind, then the kind's
 * fields under short keys (the bus carries every relayed frame, so keys are kept short):
 *
 * <table>
 * <caption>Fields by kind</caption>
 * <tr><th>k</th><th>fields</th></tr>
 * <tr><td>{@code hello}, {@code in}</td><td>{@code g} gateway node, {@code c} connection id, {@code m} the client message's JSON</td></tr>
 * <tr><td>{@code gone}</td><td>{@code g}, {@code c}, {@code abrupt}</td></tr>
 * <tr><td>{@code out}</td><td>{@code c}, {@code u} urgent, {@code m} the frame's JSON, optional {@code x} the copy's id</td></tr>
 * <tr><td>{@code outmany}</td><td>{@code cs} connection ids, {@code u}, {@code m}, optional {@code x}</td></tr>
 * <tr><td>{@code close}</td><td>{@code c}, {@code code} the close code, {@code r} the reason</td></tr>
 * <tr><td>{@code revoked}</td><td>{@code from} the node, {@code until} epoch ms, {@code token} or {@code org} and {@code user}, optional {@code ask}</td></tr>
 * <tr><td>{@code disconnect}</td><td>{@code from} the node, {@code org}, {@code user}, {@code ask}</td></tr>
 * <tr><td>{@code ended}</td><td>{@code ask}, {@code n} sessions ended</td></tr>
 * <tr><td>{@code api}</td><td>{@code from} the node, {@code ask}, {@code m} the API call's JSON</td></tr>
 * <tr><td>{@code apiok}</td><td>{@code ask}, {@code m} the answer's JSON</td></tr>
 * </table>
 *
 * <p>The format is the one nodes spoke before this codec, so nodes of both versions understand each
 * other during a rolling restart. Decoding never throws: what is malformed or of an unknown kind is
 * {@code null} (a newer node's message an older one ignores). Thread-safe.
 *
 * <p>Threading: stateless, any thread.
 */
public final class NodeCodec {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private NodeCodec() {}

    /**
     * The request id a server frame answers ({@code re} of an {@code ok} or {@code error}), or null
     * for any other frame. Reads the JSON only when the frame starts as a reply does.
     */
    static @Nullable String answers(String frame) {
        if (!frame.startsWith("{\"type\":\"ok\"") && !frame.startsWith("{\"type\":\"error\"")) {
            return null;
        }
        try {
            JsonNode re = JSON.readTree(frame).get("re");
            return re != null && re.isTextual() ? re.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    public static String encode(NodeMessage message) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            // Java 17: no pattern switch; one branch per permitted type, NodeCodecTest covers each.
            if (message instanceof NodeMessage.Hello m) {
                relayed(g, "hello", m.gateway(), m.connection()).writeStringField("m", m.hello());
            } else if (message instanceof NodeMessage.In m) {
                relayed(g, "in", m.gateway(), m.connection()).writeStringField("m", m.message());
            } else if (message instanceof NodeMessage.Gone m) {
                relayed(g, "gone", m.gateway(), m.connection()).writeBooleanField("abrupt", m.abrupt());
            } else if (message instanceof NodeMessage.Out m) {
                g.writeStringField("k", "out");
                g.writeStringField("c", m.connection());
                g.writeBooleanField("u", m.urgent());
                g.writeStringField("m", m.frame());
                if (m.copy() != null) {
                    g.writeStringField("x", m.copy());
                }
            } else if (message instanceof NodeMessage.OutMany m) {
                g.writeStringField("k", "outmany");
                g.writeBooleanField("u", m.urgent());
                g.writeStringField("m", m.frame());
                if (m.copy() != null) {
                    g.writeStringField("x", m.copy());
                }
                g.writeArrayFieldStart("cs");
                for (String c : m.connections()) {
                    g.writeString(c);
                }
                g.writeEndArray();
            } else if (message instanceof NodeMessage.Close m) {
                g.writeStringField("k", "close");
                g.writeStringField("c", m.connection());
                g.writeNumberField("code", m.code());
                g.writeStringField("r", m.reason());
            } else if (message instanceof NodeMessage.Revoked m) {
                g.writeStringField("k", "revoked");
                g.writeNumberField("until", m.until());
                if (m.token() != null) {
                    g.writeStringField("token", m.token());
                } else {
                    g.writeStringField("org", m.org());
                    g.writeStringField("user", m.user());
                }
                if (m.ask() != null) {
                    g.writeStringField("ask", m.ask());
                }
                g.writeStringField("from", m.from());
            } else if (message instanceof NodeMessage.StoodIn m) {
                g.writeStringField("k", "standin");
                g.writeStringField("from", m.from());
                g.writeStringField("org", m.org());
                g.writeStringField("a", m.alert());
                g.writeStringField("m", m.frame());
            } else if (message instanceof NodeMessage.Disconnected m) {
                g.writeStringField("k", "disconnect");
                g.writeStringField("from", m.from());
                g.writeStringField("org", m.org());
                g.writeStringField("user", m.user());
                g.writeStringField("ask", m.ask());
            } else if (message instanceof NodeMessage.Ended m) {
                g.writeStringField("k", "ended");
                g.writeStringField("ask", m.ask());
                g.writeNumberField("n", m.sessions());
            } else if (message instanceof NodeMessage.ApiAsked m) {
                g.writeStringField("k", "api");
                g.writeStringField("from", m.from());
                g.writeStringField("ask", m.ask());
                g.writeStringField("m", m.request());
            } else if (message instanceof NodeMessage.ApiAnswered m) {
                g.writeStringField("k", "apiok");
                g.writeStringField("ask", m.ask());
                g.writeStringField("m", m.response());
            } else {
                throw new IllegalArgumentException(
                        "not a node message: " + message.getClass().getSimpleName());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    private static JsonGenerator relayed(JsonGenerator g, String kind, String gateway, String connection)
            throws IOException {
        g.writeStringField("k", kind);
        g.writeStringField("g", gateway);
        g.writeStringField("c", connection);
        return g;
    }

    /** The message {@code text} carries, or null when it is malformed or of a kind this node does not know. */
    public static @Nullable NodeMessage decode(String text) {
        JsonNode m;
        try {
            m = JSON.readTree(text);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (m == null || !m.isObject()) {
            return null;
        }
        try {
            return switch (m.path("k").asText()) {
                case "hello" -> new NodeMessage.Hello(required(m, "g"), required(m, "c"), required(m, "m"));
                case "in" -> new NodeMessage.In(required(m, "g"), required(m, "c"), required(m, "m"));
                case "gone" ->
                    new NodeMessage.Gone(
                            required(m, "g"), required(m, "c"), m.path("abrupt").asBoolean());
                case "out" ->
                    new NodeMessage.Out(
                            required(m, "c"), required(m, "m"), m.path("u").asBoolean(), optional(m, "x"));
                case "outmany" -> {
                    List<String> ids = new ArrayList<>();
                    for (JsonNode id : m.path("cs")) {
                        ids.add(id.asText());
                    }
                    yield new NodeMessage.OutMany(
                            ids, required(m, "m"), m.path("u").asBoolean(), optional(m, "x"));
                }
                case "close" ->
                    new NodeMessage.Close(
                            required(m, "c"),
                            m.path("code").asInt(),
                            m.path("r").asText(""));
                case "revoked" ->
                    m.path("until").canConvertToLong()
                            ? new NodeMessage.Revoked(
                                    required(m, "from"),
                                    optional(m, "token"),
                                    optional(m, "org"),
                                    optional(m, "user"),
                                    m.path("until").asLong(),
                                    optional(m, "ask"))
                            : null;
                case "standin" ->
                    new NodeMessage.StoodIn(
                            required(m, "from"), required(m, "org"), required(m, "a"), required(m, "m"));
                case "disconnect" ->
                    new NodeMessage.Disconnected(
                            required(m, "from"), required(m, "org"), required(m, "user"), required(m, "ask"));
                case "ended" ->
                    new NodeMessage.Ended(required(m, "ask"), m.path("n").asInt());
                case "api" -> new NodeMessage.ApiAsked(required(m, "from"), required(m, "ask"), required(m, "m"));
                case "apiok" -> new NodeMessage.ApiAnswered(required(m, "ask"), required(m, "m"));
                default -> null;
            };
        } catch (RuntimeException e) {
            return null; // a field missing: not a message this node can act on
        }
    }

    /** A field the kind cannot do without: absent, the message is not one this node can act on. */
    private static String required(JsonNode m, String field) {
        String v = optional(m, field);
        if (v == null) {
            throw new IllegalArgumentException("no " + field);
        }
        return v;
    }

    private static @Nullable String optional(JsonNode m, String field) {
        JsonNode v = m.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
