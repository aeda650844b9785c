package org.haven.server.testing;

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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server API's OpenAPI 3.1 document (docs/openapi.json, from the class path as the node serves
 * it), as a checker of HTTP exchanges: the path and method are described, the status is one of the
 * operation's responses, the body conforms to that response's schema (JSON Schema 2020-12, which
 * OpenAPI 3.1's schemas are; for {@code application/x-ndjson}, each line does), the headers it
 * documents are there; and a request the server accepted conforms to the operation's parameters
 * (headers and query) and request body. A small validator over the JSON Schema
 * validator the protocol's tests use, since no OpenAPI library is in the offline build.
 */
public final class OpenApiValidator {

    public static final String RESOURCE = "/api/openapi.json";

    private static final String JSON_LINES = "application/x-ndjson";

    /** Response headers present only sometimes: the document says when. */
    private static final Set<String> OPTIONAL_HEADERS =
            Set.of("Idempotent-Replayed", "Retry-After", "Haven-Next-After", "Link");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OpenApiValidator INSTANCE = new OpenApiValidator();

    private final JsonNode document;
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    private OpenApiValidator() {
        try (InputStream in = OpenApiValidator.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing " + RESOURCE + " (docs/openapi.json)");
            }
            document = JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static OpenApiValidator instance() {
        return INSTANCE;
    }

    public JsonNode document() {
        return document;
    }

    /** One request and its response, as a client saw them. Header names in any case. */
    public record Exchange(
            String method,
            String path,
            Map<String, String> requestHeaders,
            String requestBody,
            int status,
            Map<String, String> responseHeaders,
            String responseBody) {}

    /** What in {@code x} the document does not describe; empty when it conforms. */
    public List<String> check(Exchange x) {
        List<String> problems = new ArrayList<>();
        String template = templateOf(x.path());
        if (template == null) {
            if (x.status() != 404) {
                problems.add("no path of the document matches " + x.path() + " but it was answered " + x.status());
            }
            checkSchema(problems, "#/components/schemas/Error", x.responseBody(), "404 body");
            return problems;
        }
        String method = x.method().equals("HEAD") ? "get" : x.method().toLowerCase(Locale.ROOT);
        JsonNode operation = document.path("paths").path(template).get(method);
        if (operation == null) {
            if (x.status() != 405 || header(x.responseHeaders(), "Allow") == null) {
                problems.add(x.method() + " " + template + " is not described, and was answered " + x.status()
                        + " (expected: 405 with Allow)");
            }
            checkSchema(problems, "#/components/schemas/Error", x.responseBody(), "405 body");
            return problems;
        }
        String pointer = "#/paths/" + escape(template) + "/" + method;
        JsonNode responses = operation.path("responses");
        JsonNode response = responses.get(Integer.toString(x.status()));
        String responsePointer = pointer + "/responses/" + x.status();
        if (response == null) {
            problems.add(x.method() + " " + template + " answered " + x.status() + ", which it does not document");
            return problems;
        }
        if (response.has("$ref")) {
            responsePointer = response.get("$ref").asText();
            response = resolve(responsePointer);
        }
        String contentType = header(x.responseHeaders(), "Content-Type");
        String mediaType = contentType == null
                ? "none"
                : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        JsonNode content = response.path("content").path(mediaType);
        String what = x.method() + " " + template + " " + x.status();
        String schemaPointer = responsePointer + "/content/" + escape(mediaType) + "/schema";
        if (content.isMissingNode()) {
            problems.add(what + ": Content-Type " + contentType + ", which " + responsePointer + " does not document");
        } else if (mediaType.equals(JSON_LINES)) {
            String body = x.responseBody();
            if (!body.isEmpty() && !body.endsWith("\n")) {
                problems.add(what + ": the last JSON line has no line break");
            }
            String[] lines = body.isEmpty() ? new String[0] : body.split("\n");
            for (int i = 0; i < lines.length; i++) {
                checkSchema(problems, schemaPointer, lines[i], what + " line " + (i + 1));
            }
        } else {
            checkSchema(problems, schemaPointer, x.responseBody(), what + " body");
        }
        response.path("headers").fields().forEachRemaining(h -> {
            String value = header(x.responseHeaders(), h.getKey());
            boolean optional = OPTIONAL_HEADERS.contains(h.getKey());
            if (value == null && !optional) {
                problems.add(x.method() + " " + template + " " + x.status() + ": no " + h.getKey() + " header");
            }
        });
        for (String documentedOnlyWhereSaid :
                List.of("WWW-Authenticate", "Idempotent-Replayed", "Allow", "Haven-Next-After", "Link")) {
            if (header(x.responseHeaders(), documentedOnlyWhereSaid) != null
                    && !response.path("headers").has(documentedOnlyWhereSaid)) {
                problems.add(x.method() + " " + template + " " + x.status() + ": undocumented header "
                        + documentedOnlyWhereSaid);
            }
        }
        if (x.status() < 300) {
            checkAcceptedRequest(problems, x, template, pointer, operation);
        }
        return problems;
    }

    /** A request the server accepted must be one the document allows. */
    private void checkAcceptedRequest(
            List<String> problems, Exchange x, String template, String pointer, JsonNode operation) {
        JsonNode body = operation.path("requestBody");
        if (!body.isMissingNode()) {
            checkSchema(
                    problems,
                    pointer + "/requestBody/content/application~1json/schema",
                    x.requestBody(),
                    x.method() + " " + template + " request body");
        } else if (!x.requestBody().isEmpty()) {
            problems.add(x.method() + " " + template + " accepted a body it does not document");
        }
        Map<String, String> query = query(x.path());
        for (JsonNode parameter : operation.path("parameters")) {
            JsonNode p = parameter.has("$ref") ? resolve(parameter.get("$ref").asText()) : parameter;
            if (p.path("in").asText().equals("query")) {
                String name = p.path("name").asText();
                String value = query.remove(name);
                if (value == null) {
                    if (p.path("required").asBoolean()) {
                        problems.add(x.method() + " " + template + " accepted without query parameter " + name);
                    }
                } else {
                    JsonNode schema = p.get("schema").has("$ref")
                            ? resolve(p.get("schema").get("$ref").asText())
                            : p.get("schema");
                    checkSchema(problems, schema, queryValue(schema, value), "query " + name);
                }
            }
            if (p.path("in").asText().equals("header")) {
                String value = header(x.requestHeaders(), p.path("name").asText());
                if (value == null) {
                    if (p.path("required").asBoolean()) {
                        problems.add(x.method() + " " + template + " accepted without header " + p.path("name"));
                    }
                } else {
                    checkSchema(problems, JSON.valueToTree(p.get("schema")), JSON.valueToTree(value), "header");
                }
            }
        }
        if (!query.isEmpty()) {
            problems.add(
                    x.method() + " " + template + " accepted query parameters it does not document: " + query.keySet());
        }
        if (operation.path("security").isArray()
                && operation.path("security").size() > 0
                && header(x.requestHeaders(), "Authorization") == null) {
            problems.add(x.method() + " " + template + " accepted without the credential it documents");
        }
    }

    /** The query of {@code path}, decoded: name to its first value. */
    private static Map<String, String> query(String path) {
        Map<String, String> query = new LinkedHashMap<>();
        int mark = path.indexOf('?');
        if (mark < 0) {
            return query;
        }
        for (String pair : path.substring(mark + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] nameValue = pair.split("=", 2);
            query.putIfAbsent(
                    URLDecoder.decode(nameValue[0], StandardCharsets.UTF_8),
                    nameValue.length < 2 ? "" : URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8));
        }
        return query;
    }

    /** A query parameter's text as its schema's type reads it: a number for an integer, where it is one. */
    private static JsonNode queryValue(JsonNode schema, String value) {
        if (schema.path("type").asText().equals("integer") && value.matches("-?[0-9]{1,18}")) {
            return JSON.getNodeFactory().numberNode(Long.parseLong(value));
        }
        return JSON.getNodeFactory().textNode(value);
    }

    /** The document's path template {@code path} has the shape of, or null. */
    public String templateOf(String path) {
        String raw = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        String[] parts = raw.split("/", -1);
        for (Iterator<String> it = document.path("paths").fieldNames(); it.hasNext(); ) {
            String template = it.next();
            String[] segments = template.split("/", -1);
            if (segments.length != parts.length) {
                continue;
            }
            boolean matches = true;
            for (int i = 0; i < segments.length && matches; i++) {
                matches = segments[i].startsWith("{") ? !parts[i].isEmpty() : segments[i].equals(parts[i]);
            }
            if (matches) {
                return template;
            }
        }
        return null;
    }

    /** The node a local reference ({@code #/a/b}) names. */
    public JsonNode resolve(String ref) {
        if (!ref.startsWith("#/")) {
            throw new IllegalArgumentException("only local references: " + ref);
        }
        JsonNode node = document.at(ref.substring(1));
        if (node.isMissingNode()) {
            throw new IllegalArgumentException("unresolved reference " + ref);
        }
        return node;
    }

    /** Errors of {@code json} against the schema at {@code pointer} in the document. */
    public List<String> validate(String pointer, String json) {
        Schema schema = schemas.computeIfAbsent(pointer, p -> {
            ObjectNode root = document.deepCopy();
            root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            root.put("$ref", p);
            return registry.getSchema(root);
        });
        try {
            List<Error> errors = schema.validate(JSON.readTree(json));
            return errors.stream().map(Error::toString).toList();
        } catch (IOException e) {
            return List.of("not JSON");
        }
    }

    private void checkSchema(List<String> problems, String pointer, String json, String what) {
        for (String error : validate(pointer, json)) {
            problems.add(what + ": " + error + " in " + json);
        }
    }

    private void checkSchema(List<String> problems, JsonNode schema, JsonNode value, String what) {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.setAll((ObjectNode) schema);
        for (Error error : registry.getSchema(root).validate(value)) {
            problems.add(what + ": " + error);
        }
    }

    private static String escape(String template) {
        return template.replace("~", "~0").replace("/", "~1");
    }

    private static String header(Map<String, String> headers, String name) {
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }
}
