package org.haven.protocol;

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
import java.util.List;

/**
 * The published JSON Schema of the protocol, loaded for tests: validates frames as a client or a
 * server would send them. Shared with the server's integration tests through the test jar.
 */
public final class ProtocolSchema {

    public static final String RESOURCE = "/schema/haven-protocol.schema.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ProtocolSchema INSTANCE = new ProtocolSchema();

    private final JsonNode document;
    private final Schema clientMessage;
    private final Schema serverMessage;

    private ProtocolSchema() {
        try (InputStream in = ProtocolSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing " + RESOURCE);
            }
            document = JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        clientMessage = registry.getSchema(rootedAt("ClientMessage"));
        serverMessage = registry.getSchema(rootedAt("ServerMessage"));
    }

    public static ProtocolSchema instance() {
        return INSTANCE;
    }

    /** The schema document as a tree. */
    public JsonNode document() {
        return document;
    }

    /** Errors of a client frame against {@code #/$defs/ClientMessage}; empty when it conforms. */
    public List<String> validateClient(String json) {
        return validate(clientMessage, json);
    }

    /** Errors of a server frame against {@code #/$defs/ServerMessage}; empty when it conforms. */
    public List<String> validateServer(String json) {
        return validate(serverMessage, json);
    }

    private static List<String> validate(Schema schema, String json) {
        try {
            List<Error> errors = schema.validate(JSON.readTree(json));
            return errors.stream().map(Error::toString).toList();
        } catch (IOException e) {
            return List.of("not JSON: " + e.getMessage());
        }
    }

    /** The same document with its root pointing at one definition, so local references resolve. */
    private JsonNode rootedAt(String definition) {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", document.get("$schema").asText());
        root.set("$defs", document.get("$defs"));
        root.put("$ref", "#/$defs/" + definition);
        return root;
    }
}
