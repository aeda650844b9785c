package org.haven.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The records, the codec and the published JSON Schema describe the same protocol. */
class ProtocolContractTest {

    private final ProtocolCodec codec = ProtocolCodec.instance();
    private final ProtocolSchema schema = ProtocolSchema.instance();

    @Test
    void everyTypeHasAnExample() {
        assertThat(ProtocolExamples.CLIENT.keySet()).containsExactlyInAnyOrder(leaves(ClientMessage.class));
        assertThat(ProtocolExamples.SERVER.keySet()).containsExactlyInAnyOrder(leaves(ServerMessage.class));
        assertThat(ProtocolExamples.RESULTS.keySet()).containsExactlyInAnyOrder(leaves(Result.class));
    }

    @Test
    void everyClientExampleConformsAndRoundTrips() {
        ProtocolExamples.CLIENT.values().forEach(message -> {
            String json = codec.encode(message);
            assertThat(schema.validateClient(json)).as(json).isEmpty();
            assertThat(codec.decodeClient(json)).isEqualTo(new Decoded.Message(message));
        });
    }

    @Test
    void everyServerExampleConformsAndRoundTrips() {
        ProtocolExamples.SERVER.values().forEach(message -> {
            String json = codec.encode(message);
            assertThat(schema.validateServer(json)).as(json).isEmpty();
            assertThat(codec.decodeServer(json)).isEqualTo(message);
        });
    }

    @Test
    void everyResultConformsInsideAnOk() {
        ProtocolExamples.RESULTS.values().forEach(result -> {
            ServerMessage ok = new ServerMessage.Ok("r", result);
            String json = codec.encode(ok);
            assertThat(schema.validateServer(json)).as(json).isEmpty();
            assertThat(codec.decodeServer(json)).isEqualTo(ok);
        });
    }

    @Test
    void schemaListsExactlyTheTypesOfTheCodec() {
        assertThat(oneOfNames("ClientMessage")).isEqualTo(typeNames(ClientMessage.class));
        assertThat(oneOfNames("ServerMessage")).isEqualTo(typeNames(ServerMessage.class));
        Set<String> results =
                typeNames(Result.class).stream().map(n -> "result." + n).collect(Collectors.toSet());
        assertThat(oneOfNames("Result")).isEqualTo(results);
    }

    @Test
    void schemaListsEveryErrorCode() {
        Set<String> inSchema = new HashSet<>();
        schema.document().at("/$defs/ErrorCode/enum").forEach(n -> inSchema.add(n.asText()));
        assertThat(inSchema)
                .isEqualTo(
                        Arrays.stream(ErrorCode.values()).map(ErrorCode::wire).collect(Collectors.toSet()));
    }

    @Test
    void schemaEnumerationsAreTheJavaOnes() {
        Map<String, Set<String>> inSchema = new LinkedHashMap<>();
        schema.document().get("$defs").fields().forEachRemaining(def -> {
            if (def.getValue().has("enum")) {
                Set<String> values = new LinkedHashSet<>();
                def.getValue().get("enum").forEach(v -> values.add(v.asText()));
                inSchema.put(def.getKey(), values);
            }
        });
        assertThat(inSchema.keySet())
                .as("named enumerations of the schema (an enumeration inside a message belongs under $defs)")
                .containsExactlyInAnyOrderElementsOf(ProtocolEnums.javaValues().keySet());
        ProtocolEnums.javaValues()
                .forEach((name, values) ->
                        assertThat(inSchema.get(name)).as(name).containsExactlyInAnyOrderElementsOf(values));
        // No enumeration is written inline: each has a name the document can give a table.
        assertThat(enumerations(schema.document().get("$defs")))
                .as("enumerations in the schema, named or inline")
                .isEqualTo(inSchema.size());
    }

    private static int enumerations(JsonNode node) {
        int n = node.isObject() && node.has("enum") ? 1 : 0;
        for (JsonNode child : node) {
            n += enumerations(child);
        }
        return n;
    }

    @Test
    void schemaRejectsWhatTheProtocolForbids() {
        assertThat(schema.validateServer("{\"type\":\"ok\"}")).isNotEmpty();
        assertThat(schema.validateServer("{\"type\":\"chat.message\",\"room\":\"r\",\"seq\":1,\"from\":\"u\","
                        + "\"text\":\"t\",\"sentAt\":\"2026-11-27T10:00:00Z\",\"location\":\"x\"}"))
                .isNotEmpty();
        assertThat(schema.validateClient("{\"type\":\"room.join\",\"id\":\"1\"}"))
                .isNotEmpty();
        assertThat(schema.validateServer("{\"type\":\"error\",\"code\":\"nope\",\"message\":\"m\"}"))
                .isNotEmpty();
    }

    private Set<String> oneOfNames(String definition) {
        JsonNode oneOf = schema.document().at("/$defs/" + definition + "/oneOf");
        return StreamSupport.stream(oneOf.spliterator(), false)
                .map(ref -> ref.get("$ref").asText().substring("#/$defs/".length()))
                .collect(Collectors.toSet());
    }

    private static Set<String> typeNames(Class<?> root) {
        return Arrays.stream(root.getAnnotation(JsonSubTypes.class).value())
                .map(JsonSubTypes.Type::name)
                .collect(Collectors.toSet());
    }

    @SuppressWarnings("unchecked")
    private static <T> Class<? extends T>[] leaves(Class<T> root) {
        Set<Class<?>> out = new HashSet<>();
        collect(root, out);
        return out.toArray(Class[]::new);
    }

    private static void collect(Class<?> type, Set<Class<?>> out) {
        if (type.isSealed()) {
            for (Class<?> sub : type.getPermittedSubclasses()) {
                collect(sub, out);
            }
        } else {
            out.add(type);
        }
    }
}
