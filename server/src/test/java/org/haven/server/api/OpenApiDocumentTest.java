package org.haven.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.haven.protocol.ProtocolSchema;
import org.haven.server.testing.OpenApiValidator;
import org.junit.jupiter.api.Test;

/**
 * docs/openapi.json and the routes table are one description: every route is an operation and every
 * operation a route, with the route's scope and parameters; each operation documents its errors; the
 * error codes are {@link ApiError}'s; the schemas copied from the protocol's JSON Schema are equal to
 * it. (Every exchange of the API's tests is checked against the document by {@code ServiceApiIT}.)
 */
class OpenApiDocumentTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private final JsonNode document = OpenApiValidator.instance().document();
    /** The table as the node builds it; the endpoints are never called here. */
    private final List<ApiRoute> routes = ApiRoutes.table(
            OpenApiDocument.fromClassPath(),
            new UserEndpoints(null),
            new CareEndpoints(null),
            new AlertEndpoints(null),
            new AuditEndpoints(null),
            new SessionEndpoints(null));

    @Test
    void theServedDocumentIsTheRepositorysOne() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(document).isEqualTo(json.readTree(Files.readString(Path.of("../docs/openapi.json"))));
        assertThat(document.path("openapi").asText()).isEqualTo("3.1.0");
    }

    @Test
    void everyRouteIsDocumentedAndEveryOperationIsARoute() {
        Set<String> routed = new TreeSet<>();
        for (ApiRoute r : routes) {
            routed.add(r.method() + " " + r.path());
        }
        Set<String> documented = new TreeSet<>();
        document.path("paths")
                .fields()
                .forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(m -> {
                    if (METHODS.contains(m)) {
                        documented.add(m.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
                    }
                }));
        assertThat(documented).as("operations in docs/openapi.json").isEqualTo(routed);
    }

    @Test
    void eachOperationHasTheRoutesScopeParametersAndErrors() {
        for (ApiRoute r : routes) {
            JsonNode op = operation(r);
            String what = r.method() + " " + r.path();
            assertThat(op.path("operationId").asText())
                    .as(what + " operationId")
                    .isNotEmpty();
            assertThat(op.path("summary").asText()).as(what + " summary").isNotEmpty();
            assertThat(op.path("responses").has("200")).as(what + " 200").isTrue();
            if (r.scope() == null) {
                assertThat(op.path("security")).as(what + " security: none").hasSize(0);
            } else {
                assertThat(op.path("security").path(0).path("serviceCredential"))
                        .as(what + " security scope")
                        .containsExactly(TextNode.valueOf(r.scope().wire()));
                assertThat(fieldNames(op.path("responses")))
                        .as(what + " documented statuses")
                        .contains("200", "400", "401", "403", "429", "500");
                if (r.takesIdempotencyKey()) {
                    assertThat(fieldNames(op.path("responses"))).as(what).contains("413", "422");
                    assertThat(parameterNames(op)).as(what + " parameters").contains("Idempotency-Key");
                }
            }
            assertThat(parameterNames(op, "path"))
                    .as(what + " path parameters")
                    .containsExactlyElementsOf(r.path().parameters());
            if (r.served()) {
                assertThat(fieldNames(op.path("responses")))
                        .as(what + ": answered by the serving node, so 503 when it cannot be reached")
                        .contains("503");
            }
        }
    }

    @Test
    void theErrorCodesAreTheApis() {
        List<String> documented = new ArrayList<>();
        document.at("/components/schemas/Error/properties/error/properties/code/enum")
                .forEach(c -> documented.add(c.asText()));
        assertThat(documented)
                .containsExactlyInAnyOrderElementsOf(
                        Arrays.stream(ApiError.values()).map(ApiError::wire).toList());
    }

    @Test
    void schemasCopiedFromTheProtocolAreEqualToIt() {
        JsonNode protocol = ProtocolSchema.instance().document().path("$defs");
        List<String> copied = new ArrayList<>();
        document.path("components").path("schemas").fields().forEachRemaining(s -> {
            if (protocol.has(s.getKey())) {
                copied.add(s.getKey());
                assertThat(s.getValue())
                        .as(s.getKey() + " (a copy of the protocol's, references rewritten)")
                        .isEqualTo(rewritten(protocol.get(s.getKey())));
            }
        });
        assertThat(copied).contains("EmergencyContact", "SafetyPlan", "VersionedContacts", "VersionedSafetyPlan");
    }

    @Test
    void everyReferenceResolves() {
        List<String> refs = new ArrayList<>();
        collectRefs(document, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            OpenApiValidator.instance().resolve(ref); // throws for a dangling one
        }
    }

    private JsonNode operation(ApiRoute r) {
        JsonNode op =
                document.path("paths").path(r.path().toString()).path(r.method().toLowerCase(java.util.Locale.ROOT));
        assertThat(op.isObject())
                .as(r.method() + " " + r.path() + " in docs/openapi.json")
                .isTrue();
        return op;
    }

    private List<String> parameterNames(JsonNode op) {
        return parameterNames(op, null);
    }

    /** The operation's parameters' names, those {@code in} one place only when it is given. */
    private List<String> parameterNames(JsonNode op, String in) {
        List<String> names = new ArrayList<>();
        for (JsonNode p : op.path("parameters")) {
            JsonNode resolved = p.has("$ref")
                    ? OpenApiValidator.instance().resolve(p.get("$ref").asText())
                    : p;
            if (in == null || in.equals(resolved.path("in").asText())) {
                names.add(resolved.path("name").asText());
            }
        }
        return names;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode rewritten(JsonNode node) {
        JsonNode copy = node.deepCopy();
        rewrite(copy);
        return copy;
    }

    private static void rewrite(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.isTextual()) {
                object.put("$ref", ref.asText().replace("#/$defs/", "#/components/schemas/"));
            }
            object.forEach(OpenApiDocumentTest::rewrite);
        } else if (node.isArray()) {
            node.forEach(OpenApiDocumentTest::rewrite);
        }
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                JsonNode value = node.get(name);
                if (name.equals("$ref") && value.isTextual()) {
                    refs.add(value.asText());
                } else {
                    collectRefs(value, refs);
                }
            }
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, refs));
        }
    }
}
