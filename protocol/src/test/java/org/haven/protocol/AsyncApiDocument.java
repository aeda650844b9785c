package org.haven.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the AsyncAPI 3.0 document of the protocol, {@code docs/asyncapi.yaml}, from the published
 * JSON Schema (every message, and its payload as a reference to the schema's definition) and from
 * docs/protocol.md (which result kind answers which request, and one line on each message).
 * {@code AsyncApiDocumentTest} requires the committed file to be exactly what this builds; the file's
 * first lines say how to regenerate it.
 */
final class AsyncApiDocument {

    /** The document, from the protocol module's directory (where tests run). */
    static final Path FILE = Path.of("..", "docs", "asyncapi.yaml");

    static final Path PROTOCOL_MD = Path.of("..", "docs", "protocol.md");

    /** The JSON Schema, relative to the document (tools resolve payload references against it). */
    static final String SCHEMA = "../protocol/src/main/resources/schema/haven-protocol.schema.json";

    /** The one channel: the WebSocket. */
    static final String CHANNEL = "socket";

    static final String CHANNEL_REF = "#/channels/" + CHANNEL;

    static final String REGENERATE = "mvn -q test -pl protocol -Dtest=AsyncApiDocumentTest -Dasyncapi.write=true";

    private static final String HEADER = "# Generated from the protocol's JSON Schema and docs/protocol.md by\n"
            + "# AsyncApiDocument (protocol/src/test/java/org/haven/protocol/): do not edit by hand.\n"
            + "# Regenerate: " + REGENERATE + "\n";

    private static final ObjectMapper JSON = new ObjectMapper();

    static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build();

    /** Summaries where the line of docs/protocol.md's table leans on its place in that document. */
    private static final Map<String, String> SUMMARIES =
            Map.of("error", "the request `re` failed; `code` says why (docs/protocol.md, Error codes)");

    /** Descriptions of messages the schema does not describe, where the table's line is not enough. */
    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "ok",
            "Without a result: the answer to a request that returns no data. A result's kind has its own"
                    + " message, `ok.<kind>`.",
            "error",
            "The answer to a request that failed; an `error` without `re` answers a frame too broken to carry"
                    + " an `id`. It never closes the connection by itself.");

    private static final Pattern NAME = Pattern.compile("`([^`]+)`");

    private AsyncApiDocument() {}

    /** Writes the document built from the schema and docs/protocol.md of this working tree. */
    static void write() throws IOException {
        Files.writeString(FILE, render(build(ProtocolSchema.instance().document(), Files.readString(PROTOCOL_MD))));
    }

    /** The document as committed: a comment that names its sources, then the YAML. */
    static String render(JsonNode document) {
        try {
            return HEADER + YAML.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The document for the schema {@code schema} and the prose {@code protocolMd}. */
    static ObjectNode build(JsonNode schema, String protocolMd) {
        JsonNode defs = schema.get("$defs");
        List<String> client = oneOf(defs, "ClientMessage", "");
        List<String> server = oneOf(defs, "ServerMessage", "");
        List<String> kinds = oneOf(defs, "Result", "result.");
        Map<String, List<String>> requests = rows(protocolMd, "## Messages from the client");
        Map<String, List<String>> events = rows(protocolMd, "## Messages from the server");
        Map<String, List<String>> results = rows(protocolMd, "### Results (`ok.result.kind`)");

        // Which result kinds answer each request: the "answers" column of the results table.
        Map<String, List<String>> answeredWith = new LinkedHashMap<>();
        client.forEach(type -> answeredWith.put(type, new ArrayList<>()));
        for (String kind : kinds) {
            List<String> answers =
                    names(cells(results, kind, "docs/protocol.md, Results").get(2));
            require(!answers.isEmpty(), "docs/protocol.md, Results: the kind %s answers no request", kind);
            for (String request : answers) {
                require(
                        client.contains(request),
                        "docs/protocol.md, Results: %s answers %s, no request",
                        kind,
                        request);
                answeredWith.get(request).add(kind);
            }
        }

        ObjectNode doc = JSON.createObjectNode();
        doc.put("asyncapi", "3.0.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Haven protocol");
        info.put("version", String.valueOf(ProtocolVersion.CURRENT));
        info.put("description", AsyncApiText.INFO);
        doc.put("defaultContentType", "application/json");
        servers(doc.putObject("servers"));

        ObjectNode channel = doc.putObject("channels").putObject(CHANNEL);
        channel.put("address", "/");
        channel.put("title", "The WebSocket");
        channel.put("description", AsyncApiText.CHANNEL);
        ObjectNode messages = channel.putObject("messages");
        for (String type : client) {
            message(messages, type, defs.get(type), null, "request");
        }
        for (String type : server) {
            String meaning = SUMMARIES.getOrDefault(
                    type,
                    cells(events, type, "docs/protocol.md, Messages from the server")
                            .get(2));
            String summary = meaning.substring(0, 1).toUpperCase(Locale.ROOT) + meaning.substring(1) + ".";
            boolean reply = type.equals("ok") || type.equals("error");
            message(messages, type, defs.get(type), summary, reply ? "reply" : null);
        }
        for (String kind : kinds) {
            ObjectNode m = messages.putObject("ok." + kind);
            m.put("name", "ok");
            m.put("title", "ok with " + kind);
            m.put("summary", "The request `re` succeeded; its result is of the kind `" + kind + "`.");
            m.put(
                    "description",
                    "The answer to "
                            + cells(results, kind, "docs/protocol.md, Results").get(2) + ".");
            ArrayNode allOf = m.putObject("payload").putArray("allOf");
            allOf.addObject().put("$ref", SCHEMA + "#/$defs/ok");
            ObjectNode narrowed = allOf.addObject();
            narrowed.putArray("required").add("result");
            narrowed.putObject("properties").putObject("result").put("$ref", SCHEMA + "#/$defs/result." + kind);
            m.putObject("correlationId").put("$ref", "#/components/correlationIds/reply");
        }
        channel.putObject("bindings").putObject("ws").put("method", "GET").put("bindingVersion", "0.1.0");

        ObjectNode operations = doc.putObject("operations");
        for (String type : client) {
            ObjectNode op = operation(operations, "send." + type, "send", type);
            String answer = cells(requests, type, "docs/protocol.md, Messages from the client")
                    .get(2);
            op.put(
                    "description",
                    (type.equals("hello") ? AsyncApiText.HELLO + "\n\n" : "") + "Answer: " + answer + ".");
            ObjectNode reply = op.putObject("reply");
            reply.putObject("channel").put("$ref", CHANNEL_REF);
            ArrayNode replies = reply.putArray("messages");
            List<String> kindsOf = answeredWith.get(type);
            if (kindsOf.isEmpty()) {
                replies.addObject().put("$ref", CHANNEL_REF + "/messages/ok");
            }
            kindsOf.forEach(kind -> replies.addObject().put("$ref", CHANNEL_REF + "/messages/ok." + kind));
            replies.addObject().put("$ref", CHANNEL_REF + "/messages/error");
        }
        for (String type : server) {
            if (!type.equals("ok")) { // an ok is only ever a reply; an error may answer no request
                operation(operations, "receive." + type, "receive", type);
            }
        }

        ObjectNode correlationIds = doc.putObject("components").putObject("correlationIds");
        correlationIds
                .putObject("request")
                .put("description", "The request's id, chosen by the client; the answer carries it as `re`.")
                .put("location", "$message.payload#/id");
        correlationIds
                .putObject("reply")
                .put(
                        "description",
                        "The id of the request this answers (absent from an `error` that answers a"
                                + " frame without one).")
                .put("location", "$message.payload#/re");
        return doc;
    }

    private static void servers(ObjectNode servers) {
        server(servers.putObject("production"), "wss", "haven.example.org", AsyncApiText.PRODUCTION);
        server(servers.putObject("development"), "ws", "localhost:8080", AsyncApiText.DEVELOPMENT);
    }

    private static void server(ObjectNode server, String protocol, String host, String description) {
        server.put("host", "{host}");
        server.put("protocol", protocol);
        server.put("pathname", "/ws");
        server.put("description", description);
        ObjectNode variable = server.putObject("variables").putObject("host");
        variable.put("default", host);
        variable.put("description", "The node's host name, and its port when not the scheme's own.");
    }

    /** A message of a wire type whose payload is the schema's definition of that type. */
    private static void message(ObjectNode messages, String type, JsonNode def, String summary, String correlation) {
        require(def != null && def.at("/properties/type/const").asText().equals(type), "the schema defines %s", type);
        ObjectNode m = messages.putObject(type);
        m.put("name", type);
        if (summary != null) {
            m.put("summary", summary);
        }
        String description =
                DESCRIPTIONS.getOrDefault(type, def.path("description").asText(null));
        if (description != null) {
            m.put("description", description);
        }
        m.putObject("payload").put("$ref", SCHEMA + "#/$defs/" + type);
        if (correlation != null) {
            m.putObject("correlationId").put("$ref", "#/components/correlationIds/" + correlation);
        }
    }

    private static ObjectNode operation(ObjectNode operations, String id, String action, String message) {
        ObjectNode op = operations.putObject(id);
        op.put("action", action);
        op.putObject("channel").put("$ref", CHANNEL_REF);
        op.putArray("messages").addObject().put("$ref", CHANNEL_REF + "/messages/" + message);
        return op;
    }

    /** The definitions a {@code oneOf} of references lists, in its order, without {@code prefix}. */
    static List<String> oneOf(JsonNode defs, String definition, String prefix) {
        List<String> names = new ArrayList<>();
        for (JsonNode ref : defs.get(definition).get("oneOf")) {
            String name = ref.get("$ref").asText().substring("#/$defs/".length());
            require(name.startsWith(prefix), "%s lists %s", definition, name);
            names.add(name.substring(prefix.length()));
        }
        return names;
    }

    /**
     * The rows of the first table under the heading line {@code heading}, up to the next heading,
     * by each name in backticks of their first cell; the value is the row's cells, trimmed.
     */
    static Map<String, List<String>> rows(String markdown, String heading) {
        List<String> lines = markdown.lines().toList();
        int at = lines.indexOf(heading);
        require(at >= 0, "docs/protocol.md has no heading %s", heading);
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (int i = at + 1; i < lines.size() && !lines.get(i).startsWith("#"); i++) {
            String line = lines.get(i);
            if (line.startsWith("| `")) {
                String[] split = line.split("\\|", -1);
                List<String> cells = new ArrayList<>();
                for (int c = 1; c < split.length - 1; c++) {
                    cells.add(split[c].trim());
                }
                names(cells.get(0)).forEach(name -> rows.put(name, cells));
            }
        }
        return rows;
    }

    private static List<String> cells(Map<String, List<String>> rows, String name, String table) {
        List<String> cells = rows.get(name);
        require(cells != null && cells.size() >= 3, "%s: no row for %s", table, name);
        return cells;
    }

    private static List<String> names(String cell) {
        List<String> names = new ArrayList<>();
        Matcher m = NAME.matcher(cell);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static void require(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalStateException(String.format(format, args));
        }
    }
}
