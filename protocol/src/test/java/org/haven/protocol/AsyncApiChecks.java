package org.haven.protocol;

import static org.haven.protocol.AsyncApiDocument.SCHEMA;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an AsyncAPI document of the protocol must be, against the published JSON Schema: each check
 * returns the problems it finds, none when the document conforms. Checked on the committed document
 * by {@code AsyncApiDocumentTest}, which also shows each check failing on a broken copy.
 */
final class AsyncApiChecks {

    /** The AsyncAPI 3.0.0 specification's JSON Schema (draft 07), from the @asyncapi/specs package. */
    static final String META_SCHEMA = "/asyncapi/asyncapi-3.0.0.schema.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VARIABLE = Pattern.compile("\\{([^}]*)}");

    private final JsonNode schema;
    private final List<String> client;
    private final List<String> server;
    private final List<String> kinds;

    AsyncApiChecks(JsonNode schema) {
        this.schema = schema;
        JsonNode defs = schema.get("$defs");
        client = AsyncApiDocument.oneOf(defs, "ClientMessage", "");
        server = AsyncApiDocument.oneOf(defs, "ServerMessage", "");
        kinds = AsyncApiDocument.oneOf(defs, "Result", "result.");
    }

    /**
     * The channel's messages are exactly the schema's: every client message, every server message,
     * and {@code ok.<kind>} for every result kind; each message's {@code name} is its wire type.
     */
    List<String> messages(JsonNode doc) {
        List<String> problems = new ArrayList<>();
        Map<String, String> expected = new LinkedHashMap<>();
        client.forEach(t -> expected.put(t, t));
        server.forEach(t -> expected.put(t, t));
        kinds.forEach(k -> expected.put("ok." + k, "ok"));
        JsonNode messages = channel(doc).path("messages");
        expected.forEach((key, name) -> {
            if (!messages.has(key)) {
                problems.add("the schema's " + key + " is not a message of the channel");
            } else if (!messages.get(key).path("name").asText().equals(name)) {
                problems.add("the message " + key + " is not named " + name);
            }
        });
        messages.fieldNames().forEachRemaining(key -> {
            if (!expected.containsKey(key)) {
                problems.add("the message " + key + " is not a type or result kind of the schema");
            }
        });
        return problems;
    }

    /**
     * Every payload is the schema's definition of its type: a reference to it in the published
     * schema; an {@code ok.<kind>} is the schema's {@code ok} with its result required to be that
     * kind's definition.
     */
    List<String> payloads(JsonNode doc) {
        List<String> problems = new ArrayList<>();
        channel(doc).path("messages").fields().forEachRemaining(e -> {
            String key = e.getKey();
            JsonNode payload = e.getValue().path("payload");
            JsonNode expected;
            String definition;
            if (client.contains(key) || server.contains(key)) {
                definition = key;
                expected = ref(key);
            } else if (key.startsWith("ok.") && kinds.contains(key.substring(3))) {
                definition = "result." + key.substring(3);
                expected = JSON.createObjectNode();
                var allOf = ((ObjectNode) expected).putArray("allOf");
                allOf.add(ref("ok"));
                var narrowed = allOf.addObject();
                narrowed.putArray("required").add("result");
                narrowed.putObject("properties").set("result", ref(definition));
            } else {
                return; // not the schema's: messages() says so
            }
            if (!payload.equals(expected)) {
                problems.add("the payload of " + key + " is not the schema's " + definition + ": " + payload);
            }
            String discriminator = definition.startsWith("result.") ? "kind" : "type";
            String value = definition.startsWith("result.") ? definition.substring(7) : definition;
            if (!schema.at("/$defs/" + definition + "/properties/" + discriminator + "/const")
                    .asText()
                    .equals(value)) {
                problems.add("the schema's " + definition + " does not have the " + discriminator + " " + value);
            }
        });
        return problems;
    }

    /**
     * One {@code send} operation for every client message, whose reply is {@code error} and at least
     * one {@code ok} message; one {@code receive} operation for every server message but {@code ok}
     * (only ever a reply); no other operation.
     */
    List<String> operations(JsonNode doc) {
        List<String> problems = new ArrayList<>();
        Map<String, String> expected = new LinkedHashMap<>();
        client.forEach(t -> expected.put("send." + t, t));
        server.stream().filter(t -> !t.equals("ok")).forEach(t -> expected.put("receive." + t, t));
        JsonNode operations = doc.path("operations");
        operations.fieldNames().forEachRemaining(id -> {
            if (!expected.containsKey(id)) {
                problems.add("the operation " + id + " is not for a message of the schema");
            }
        });
        expected.forEach((id, type) -> {
            JsonNode op = operations.path(id);
            String action = id.substring(0, id.indexOf('.'));
            if (!op.path("action").asText().equals(action)) {
                problems.add("no operation " + id + " that does " + action);
                return;
            }
            if (!targets(op.path("messages")).equals(List.of(type))) {
                problems.add("the operation " + id + " is not for the message " + type + " alone");
            }
            List<String> replies = targets(op.path("reply").path("messages"));
            if (action.equals("send")) {
                if (!replies.contains("error")
                        || replies.stream().noneMatch(r -> r.equals("ok") || r.startsWith("ok."))) {
                    problems.add("the reply of " + id + " is not an ok and an error: " + replies);
                }
                replies.stream()
                        .filter(r -> !r.equals("error") && !r.equals("ok") && !r.startsWith("ok."))
                        .forEach(r -> problems.add("the reply of " + id + " names " + r + ", not an answer"));
            } else if (op.has("reply")) {
                problems.add("the operation " + id + " has a reply, but the server's messages get none");
            }
        });
        return problems;
    }

    /**
     * Every {@code $ref} resolves: one inside the document to a node of it; one outside to a
     * definition of the published schema, through the one path to it from docs/.
     */
    List<String> references(JsonNode doc) {
        List<String> problems = new ArrayList<>();
        refs(doc, "", (at, ref) -> {
            if (ref.startsWith("#")) {
                if (!doc.at(ref.substring(1)).isObject()) {
                    problems.add(at + ": " + ref + " resolves to nothing in the document");
                }
            } else if (!ref.startsWith(SCHEMA + "#/")) {
                problems.add(at + ": " + ref + " is neither in the document nor in the published schema");
            } else if (!schema.at(ref.substring(SCHEMA.length() + 1)).isObject()) {
                problems.add(at + ": " + ref + " resolves to nothing in the published schema");
            }
        });
        return problems;
    }

    /**
     * The structure the specification requires beyond its JSON Schema: the top-level fields, servers
     * whose variables are defined, operations whose channel is a channel of the document, whose
     * messages (and reply messages) are messages of that channel, and every message used.
     */
    List<String> structure(JsonNode doc) {
        List<String> problems = new ArrayList<>();
        if (!doc.path("asyncapi").asText().equals("3.0.0")) {
            problems.add("asyncapi is not 3.0.0");
        }
        if (doc.path("info").path("title").asText().isBlank()) {
            problems.add("info.title is missing");
        }
        if (!doc.path("info").path("version").asText().equals(String.valueOf(ProtocolVersion.CURRENT))) {
            problems.add("info.version is not the protocol version " + ProtocolVersion.CURRENT);
        }
        if (!doc.path("info").path("description").asText().contains("docs/protocol.md")) {
            problems.add("info.description does not point at docs/protocol.md");
        }
        if (!doc.path("servers").isObject() || doc.path("servers").isEmpty()) {
            problems.add("no servers");
        }
        doc.path("servers").fields().forEachRemaining(e -> {
            JsonNode server = e.getValue();
            String name = "server " + e.getKey();
            if (!Set.of("ws", "wss").contains(server.path("protocol").asText())) {
                problems.add(name + " is not ws or wss");
            }
            if (!server.path("pathname").asText().equals("/ws")) {
                problems.add(name + " is not at /ws");
            }
            Matcher m = VARIABLE.matcher(
                    server.path("host").asText() + server.path("pathname").asText());
            while (m.find()) {
                if (!server.path("variables").has(m.group(1))) {
                    problems.add(name + " does not define the variable " + m.group(1));
                }
            }
        });
        if (!doc.path("channels").isObject() || doc.path("channels").size() != 1) {
            problems.add("not one channel, the WebSocket");
        }
        doc.path("channels")
                .fields()
                .forEachRemaining(e -> e.getValue().path("servers").forEach(s -> {
                    if (!s.path("$ref").asText().startsWith("#/servers/")) {
                        problems.add("channel " + e.getKey() + " names a server that is not one: " + s);
                    }
                }));
        Set<String> used = new LinkedHashSet<>();
        doc.path("operations").fields().forEachRemaining(e -> {
            String id = e.getKey();
            JsonNode op = e.getValue();
            if (!Set.of("send", "receive").contains(op.path("action").asText())) {
                problems.add("operation " + id + " neither sends nor receives");
            }
            problems.addAll(inChannel(doc, "operation " + id, op.path("channel"), op.path("messages"), used));
            if (op.has("reply")) {
                JsonNode reply = op.get("reply");
                problems.addAll(
                        inChannel(doc, "the reply of " + id, reply.path("channel"), reply.path("messages"), used));
            }
        });
        doc.path("channels")
                .fields()
                .forEachRemaining(c -> c.getValue()
                        .path("messages")
                        .fieldNames()
                        .forEachRemaining(m -> {
                            if (!used.contains(c.getKey() + "/" + m)) {
                                problems.add("no operation sends, receives or replies with " + m);
                            }
                        }));
        return problems;
    }

    /** Errors of the document by the specification's JSON Schema. */
    static List<String> specification(JsonNode doc) {
        return MetaSchema.INSTANCE.validate(doc).stream().map(Error::toString).toList();
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static JsonNode channel(JsonNode doc) {
        return doc.path("channels").path(AsyncApiDocument.CHANNEL);
    }

    private static JsonNode ref(String definition) {
        return JSON.createObjectNode().put("$ref", SCHEMA + "#/$defs/" + definition);
    }

    /** The message keys that a list of references to {@code #/channels/<c>/messages/<key>} names. */
    private static List<String> targets(JsonNode refs) {
        List<String> out = new ArrayList<>();
        refs.forEach(r -> {
            String ref = r.path("$ref").asText();
            out.add(ref.substring(ref.lastIndexOf('/') + 1));
        });
        return out;
    }

    /** An operation's (or reply's) channel is a channel of the document, its messages that channel's. */
    private static List<String> inChannel(
            JsonNode doc, String what, JsonNode channel, JsonNode messages, Set<String> used) {
        List<String> problems = new ArrayList<>();
        String ref = channel.path("$ref").asText();
        if (!ref.startsWith("#/channels/") || !doc.at(ref.substring(1)).isObject()) {
            problems.add(what + ": the channel " + channel + " is not a channel of the document");
            return problems;
        }
        if (!messages.isArray() || messages.isEmpty()) {
            problems.add(what + ": no messages");
        }
        String name = ref.substring("#/channels/".length());
        messages.forEach(m -> {
            String message = m.path("$ref").asText();
            if (!message.startsWith(ref + "/messages/")
                    || !doc.at(message.substring(1)).isObject()) {
                problems.add(what + ": " + m + " is not a message of its channel " + name);
            } else {
                used.add(name + "/" + message.substring((ref + "/messages/").length()));
            }
        });
        return problems;
    }

    private interface RefVisitor {
        void visit(String at, String ref);
    }

    private static void refs(JsonNode node, String at, RefVisitor visitor) {
        if (node.isObject() && node.has("$ref")) {
            visitor.visit(at, node.get("$ref").asText());
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> refs(e.getValue(), at + "/" + e.getKey(), visitor));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                refs(node.get(i), at + "/" + i, visitor);
            }
        }
    }

    /** The specification's JSON Schema, loaded once. */
    private static final class MetaSchema {
        static final Schema INSTANCE = load();

        private static Schema load() {
            try (InputStream in = AsyncApiChecks.class.getResourceAsStream(META_SCHEMA)) {
                if (in == null) {
                    throw new IllegalStateException("missing " + META_SCHEMA);
                }
                return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
                        .getSchema(JSON.readTree(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
