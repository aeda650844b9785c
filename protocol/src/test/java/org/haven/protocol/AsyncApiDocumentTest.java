package org.haven.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/asyncapi.yaml, the AsyncAPI 3.0 document of the protocol, is exactly what {@link
 * AsyncApiDocument} builds from the JSON Schema and docs/protocol.md; it names every message type and
 * result kind of the schema and no other, each with the schema's definition as its payload, and it is
 * valid AsyncAPI 3.0, by the specification's JSON Schema and by the references and cross-references
 * that schema cannot check. Run with {@code -Dasyncapi.write=true}, it first rewrites the file.
 */
class AsyncApiDocumentTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode schema = ProtocolSchema.instance().document();
    private final AsyncApiChecks checks = new AsyncApiChecks(schema);

    /** With {@code -Dasyncapi.write=true}: first rewrite the document, then check it as committed. */
    @BeforeAll
    static void regenerateWhenAsked() throws IOException {
        if (Boolean.getBoolean("asyncapi.write")) {
            AsyncApiDocument.write();
        }
    }

    @Test
    void committedDocumentIsTheGeneratedOne() throws IOException {
        ObjectNode built = AsyncApiDocument.build(schema, Files.readString(AsyncApiDocument.PROTOCOL_MD));
        String rendered = AsyncApiDocument.render(built);
        assertThat(AsyncApiDocument.YAML.readTree(rendered))
                .as("the YAML, read back")
                .isEqualTo(built);
        assertThat(AsyncApiDocument.FILE).as("docs/asyncapi.yaml").isRegularFile();
        assertThat(Files.readString(AsyncApiDocument.FILE))
                .as(
                        "docs/asyncapi.yaml is what the JSON Schema and docs/protocol.md give; regenerate it with: %s",
                        AsyncApiDocument.REGENERATE)
                .isEqualTo(rendered);
    }

    @Test
    void namesEveryMessageOfTheSchemaAndNoOther() {
        assertThat(checks.messages(committed())).isEmpty();
    }

    @Test
    void everyPayloadIsTheSchemasDefinition() {
        assertThat(checks.payloads(committed())).isEmpty();
    }

    @Test
    void sendsEveryRequestWithItsRepliesAndReceivesEveryServerMessage() {
        assertThat(checks.operations(committed())).isEmpty();
    }

    @Test
    void everyReferenceResolves() throws IOException {
        assertThat(checks.references(committed())).isEmpty();
        // The payloads' path from docs/ reaches the schema the tests load from the class path.
        Path file =
                AsyncApiDocument.FILE.resolveSibling(AsyncApiDocument.SCHEMA).normalize();
        assertThat(JSON.readTree(file.toFile())).as(file.toString()).isEqualTo(schema);
    }

    @Test
    void channelsOperationsAndMessagesCrossReference() {
        assertThat(checks.structure(committed())).isEmpty();
    }

    @Test
    void isValidByTheAsyncApiSpecificationsSchema() {
        assertThat(AsyncApiChecks.specification(committed())).isEmpty();
    }

    /** The checks above fail on a document that is wrong in each of the ways they look for. */
    @Test
    void eachCheckCatchesWhatItLooksFor() {
        assertThat(checks.messages(broken(d -> messages(d).remove("chat.send"))))
                .containsExactly("the schema's chat.send is not a message of the channel");
        assertThat(checks.messages(broken(d -> messages(d).remove("ok.welcome"))))
                .containsExactly("the schema's ok.welcome is not a message of the channel");
        assertThat(checks.messages(
                        broken(d -> messages(d).putObject("chat.delete").put("name", "chat.delete"))))
                .containsExactly("the message chat.delete is not a type or result kind of the schema");
        assertThat(checks.messages(
                        broken(d -> messages(d).putObject("ok.chat.deleted").put("name", "ok"))))
                .containsExactly("the message ok.chat.deleted is not a type or result kind of the schema");

        assertThat(checks.payloads(broken(d -> ((ObjectNode) messages(d).at("/hello/payload"))
                        .put("$ref", AsyncApiDocument.SCHEMA + "#/$defs/ping"))))
                .hasSize(1)
                .first()
                .asString()
                .startsWith("the payload of hello is not the schema's hello");
        // An embedded copy of the definition, one field short: not the schema's.
        JsonNode hello = schema.at("/$defs/hello").deepCopy();
        ((ObjectNode) hello.get("properties")).remove("device");
        assertThat(checks.payloads(broken(d -> ((ObjectNode) messages(d).get("hello")).set("payload", hello))))
                .hasSize(1);
        assertThat(checks.payloads(
                        broken(d -> ((ObjectNode) messages(d).at("/ok.welcome/payload/allOf/1/properties/result"))
                                .put("$ref", AsyncApiDocument.SCHEMA + "#/$defs/result.room.snapshot"))))
                .hasSize(1);

        assertThat(checks.operations(broken(d -> ((ObjectNode) d.get("operations")).remove("send.room.join"))))
                .containsExactly("no operation send.room.join that does send");
        assertThat(checks.operations(
                        broken(d -> ((ArrayNode) d.at("/operations/send.hello/reply/messages")).remove(1))))
                .containsExactly("the reply of send.hello is not an ok and an error: [ok.welcome]");
        assertThat(checks.operations(broken(d -> ((ObjectNode) d.get("operations")).putObject("receive.ok"))))
                .containsExactly("the operation receive.ok is not for a message of the schema");

        assertThat(checks.references(broken(d -> ((ObjectNode) messages(d).at("/hello/correlationId"))
                        .put("$ref", "#/components/correlationIds/nope"))))
                .containsExactly("/channels/socket/messages/hello/correlationId: "
                        + "#/components/correlationIds/nope resolves to nothing in the document");
        assertThat(checks.references(broken(d -> ((ObjectNode) messages(d).at("/ping/payload"))
                        .put("$ref", AsyncApiDocument.SCHEMA + "#/$defs/pong"))))
                .hasSize(1);
        assertThat(checks.references(broken(d -> ((ObjectNode) messages(d).at("/ping/payload"))
                        .put("$ref", "haven-protocol.schema.json#/$defs/ping"))))
                .hasSize(1);

        assertThat(checks.structure(broken(d -> ((ObjectNode) d.at("/operations/send.ping/messages/0"))
                        .put("$ref", "#/channels/other/messages/ping"))))
                .contains("operation send.ping: {\"$ref\":\"#/channels/other/messages/ping\"} is not a"
                        + " message of its channel socket");
        assertThat(checks.structure(broken(d -> ((ObjectNode) d.at("/operations/receive.chat.message/channel"))
                        .put("$ref", "#/channels/chat"))))
                .contains("operation receive.chat.message: the channel {\"$ref\":\"#/channels/chat\"} is not a"
                        + " channel of the document");
        assertThat(checks.structure(broken(d -> ((ObjectNode) d.get("operations")).remove("receive.keys.changed"))))
                .containsExactly("no operation sends, receives or replies with keys.changed");
        assertThat(checks.structure(broken(d -> ((ObjectNode) d.at("/servers/production")).put("host", "{node}"))))
                .containsExactly("server production does not define the variable node");
        assertThat(checks.structure(broken(d -> d.remove("info"))))
                .contains("info.title is missing", "info.version is not the protocol version 1");

        assertThat(AsyncApiChecks.specification(broken(d -> d.remove("info")))).isNotEmpty();
        assertThat(AsyncApiChecks.specification(broken(d -> d.put("asyncapi", "2.6.0"))))
                .isNotEmpty();
        assertThat(AsyncApiChecks.specification(
                        broken(d -> ((ObjectNode) d.at("/operations/send.ping")).put("action", "publish"))))
                .isNotEmpty();
    }

    /**
     * AsyncAPI reads a payload as an AsyncAPI Schema, a superset of JSON Schema draft 07: the
     * published schema (draft 2020-12) uses only keywords the two share, so tools read the payloads
     * as the protocol means them ({@code $defs} is only where the definitions are kept).
     */
    @Test
    void schemaUsesOnlyKeywordsOfDraft07() {
        Set<String> used = new LinkedHashSet<>();
        keywords(schema, used);
        used.remove("$defs");
        assertThat(DRAFT_07).containsAll(used);
    }

    private static final Set<String> DRAFT_07 = Set.of(
            "$schema",
            "$id",
            "$ref",
            "$comment",
            "title",
            "description",
            "default",
            "readOnly",
            "writeOnly",
            "examples",
            "multipleOf",
            "maximum",
            "exclusiveMaximum",
            "minimum",
            "exclusiveMinimum",
            "maxLength",
            "minLength",
            "pattern",
            "additionalItems",
            "items",
            "maxItems",
            "minItems",
            "uniqueItems",
            "contains",
            "maxProperties",
            "minProperties",
            "required",
            "additionalProperties",
            "definitions",
            "properties",
            "patternProperties",
            "dependencies",
            "propertyNames",
            "const",
            "enum",
            "type",
            "format",
            "contentMediaType",
            "contentEncoding",
            "if",
            "then",
            "else",
            "allOf",
            "anyOf",
            "oneOf",
            "not");

    /** The keywords of a schema and of every schema inside it. */
    private static void keywords(JsonNode schema, Set<String> out) {
        if (!schema.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.add(e.getKey());
            JsonNode value = e.getValue();
            switch (e.getKey()) {
                case "properties", "patternProperties", "$defs", "definitions" -> value.forEach(s -> keywords(s, out));
                case "items",
                        "additionalProperties",
                        "additionalItems",
                        "not",
                        "contains",
                        "propertyNames",
                        "if",
                        "then",
                        "else" -> {
                    if (value.isArray()) {
                        value.forEach(s -> keywords(s, out));
                    } else {
                        keywords(value, out);
                    }
                }
                case "allOf", "anyOf", "oneOf" -> value.forEach(s -> keywords(s, out));
                default -> {} // values, not schemas
            }
        }
    }

    // ---- the document under test ----------------------------------------------------------------

    private static JsonNode committed() {
        try {
            return AsyncApiDocument.YAML.readTree(AsyncApiDocument.FILE.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("docs/asyncapi.yaml is missing or not YAML", e);
        }
    }

    /** A copy of the committed document with one thing broken. */
    private static JsonNode broken(Consumer<ObjectNode> breakIt) {
        ObjectNode copy = (ObjectNode) committed().deepCopy();
        breakIt.accept(copy);
        return copy;
    }

    private static ObjectNode messages(ObjectNode doc) {
        return (ObjectNode) doc.at("/channels/" + AsyncApiDocument.CHANNEL + "/messages");
    }
}
