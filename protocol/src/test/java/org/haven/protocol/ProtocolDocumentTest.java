package org.haven.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docs/protocol.md documents every message type, result kind, error code and close code, and, in
 * its reference section, every field of every message the server sends (of its results, and of the
 * objects they carry) and every value of every enumeration, each on a line of its own: checked here
 * against the records of this module and the published JSON Schema, so a new field or value without
 * its line fails the build.
 */
class ProtocolDocumentTest {

    private final String document = read();
    private final JsonNode defs = ProtocolSchema.instance().document().get("$defs");

    private static String read() {
        try {
            return Files.readString(Path.of("..", "docs", "protocol.md"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("docs/protocol.md is missing", e);
        }
    }

    @Test
    void documentsEveryMessageTypeAndResultKind() {
        for (Class<?> root : new Class<?>[] {ClientMessage.class, ServerMessage.class, Result.class}) {
            for (JsonSubTypes.Type type : root.getAnnotation(JsonSubTypes.class).value()) {
                assertThat(document).as(type.name()).contains("`" + type.name() + "`");
            }
        }
    }

    @Test
    void documentsEveryErrorCode() {
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(document).as(code.wire()).contains("| `" + code.wire() + "` |");
        }
    }

    @Test
    void documentsEveryCloseCode() {
        for (CloseCode code : CloseCode.values()) {
            assertThat(document).as(code.name()).contains("| " + code.code() + " |");
        }
    }

    /**
     * Every server message, result and object they carry has a table under a heading of its schema
     * name: one line per field, exactly the fields of its record and of its schema definition, marked
     * "optional" exactly when the schema does not require it.
     */
    @Test
    void documentsEveryFieldOfEveryServerMessage() {
        Map<String, Class<?>> definitions = serverDefinitions();
        assertThat(definitions.keySet())
                .as("definitions the server's frames reach, by the records and by the schema")
                .containsExactlyInAnyOrderElementsOf(reachableObjects());
        definitions.forEach((name, record) -> {
            JsonNode def = defs.get(name);
            Set<String> fields = new LinkedHashSet<>();
            def.get("properties").fields().forEachRemaining(p -> {
                if (!p.getValue().has("const")) { // type and kind: named by the heading
                    fields.add(p.getKey());
                }
            });
            Set<String> components = new LinkedHashSet<>();
            for (RecordComponent c : record.getRecordComponents()) {
                components.add(c.getName());
            }
            assertThat(components)
                    .as("the fields of %s (record %s) and of its schema", name, record.getName())
                    .containsExactlyInAnyOrderElementsOf(fields);

            List<Row> rows = table("#### `" + name + "`");
            assertThat(rows).as("docs/protocol.md: the table of %s", name).isNotEmpty();
            assertThat(rows.stream().map(Row::name).toList())
                    .as("docs/protocol.md: the fields of %s", name)
                    .containsExactlyInAnyOrderElementsOf(fields);
            Set<String> required = new LinkedHashSet<>();
            def.path("required").forEach(r -> required.add(r.asText()));
            for (Row row : rows) {
                assertThat(row.type().contains("optional"))
                        .as(
                                "docs/protocol.md: %s.%s is marked optional exactly when the schema does not require it",
                                name, row.name())
                        .isEqualTo(!required.contains(row.name()));
                assertThat(row.meaning())
                        .as("docs/protocol.md: the meaning of %s.%s", name, row.name())
                        .isNotBlank();
            }
        });
    }

    /**
     * Every value of every enumeration (alert reasons, kinds, severities, sources, states, tiers,
     * history events, actions, outcomes, roles, statuses, room kinds and roles, session states,
     * signals, channels, key and envelope algorithms, error codes) has a line with its meaning, under
     * a heading of the enumeration's schema name (error codes: under "Error codes").
     */
    @Test
    void documentsEveryValueOfEveryEnumeration() {
        ProtocolEnums.javaValues().forEach((name, javaValues) -> {
            Set<String> schemaValues = new LinkedHashSet<>();
            defs.path(name).path("enum").forEach(v -> schemaValues.add(v.asText()));
            List<Row> rows = table(name.equals("ErrorCode") ? "## Error codes" : "#### `" + name + "`");
            List<String> documented = rows.stream().map(Row::name).toList();
            assertThat(documented)
                    .as("docs/protocol.md: the values of %s, as the Java side has them", name)
                    .containsExactlyInAnyOrderElementsOf(javaValues);
            assertThat(documented)
                    .as("docs/protocol.md: the values of %s, as the schema has them", name)
                    .containsExactlyInAnyOrderElementsOf(schemaValues);
            for (Row row : rows) {
                assertThat(row.meaning())
                        .as("docs/protocol.md: the meaning of %s %s", name, row.name())
                        .isNotBlank();
            }
        });
    }

    // ---- the records and the schema, walked together ---------------------------------------------

    /** Schema name → record, for every server message, result and object reached from them. */
    private Map<String, Class<?>> serverDefinitions() {
        Map<String, Class<?>> out = new LinkedHashMap<>();
        for (JsonSubTypes.Type t :
                ServerMessage.class.getAnnotation(JsonSubTypes.class).value()) {
            walk(t.name(), t.value(), out);
        }
        for (JsonSubTypes.Type t :
                Result.class.getAnnotation(JsonSubTypes.class).value()) {
            walk("result." + t.name(), t.value(), out);
        }
        return out;
    }

    private void walk(String name, Class<?> record, Map<String, Class<?>> out) {
        assertThat(record.isRecord()).as("%s is a record", record).isTrue();
        assertThat(defs.has(name))
                .as("the schema defines %s (record %s)", name, record.getName())
                .isTrue();
        if (out.putIfAbsent(name, record) != null) {
            return;
        }
        JsonNode properties = defs.get(name).get("properties");
        for (RecordComponent c : record.getRecordComponents()) {
            JsonNode property = properties.get(c.getName());
            assertThat(property)
                    .as("the schema of %s has the field %s", name, c.getName())
                    .isNotNull();
            Class<?> type = elementType(c.getGenericType());
            String ref = property.has("items")
                    ? property.get("items").path("$ref").asText(null)
                    : property.path("$ref").asText(null);
            if (type != null && type.isRecord() && ref != null) {
                walk(ref.substring("#/$defs/".length()), type, out);
            }
        }
    }

    /** The type of a field, or of the elements of a list field; null when it is a type variable. */
    private static Class<?> elementType(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            return List.class.isAssignableFrom(raw) ? elementType(p.getActualTypeArguments()[0]) : raw;
        }
        return null;
    }

    /** Every object definition the schema of a server frame reaches. */
    private Set<String> reachableObjects() {
        Set<String> seen = new LinkedHashSet<>();
        reach(defs.get("ServerMessage"), seen);
        seen.removeIf(n -> !defs.get(n).has("properties"));
        return seen;
    }

    private void reach(JsonNode node, Set<String> seen) {
        if (node.isObject() && node.has("$ref")) {
            String name = node.get("$ref").asText().substring("#/$defs/".length());
            if (seen.add(name)) {
                reach(defs.get(name), seen);
            }
        }
        for (JsonNode child : node) {
            reach(child, seen);
        }
    }

    // ---- the document's tables ---------------------------------------------------------------------

    /** One line of a reference table: the name in the first column, the second, and the last. */
    private record Row(String name, String type, String meaning) {}

    /**
     * The lines of the first table under the heading line {@code heading} (exactly), up to the next
     * heading; each line's first column is one name in backticks.
     */
    private List<Row> table(String heading) {
        List<String> lines = document.lines().toList();
        int at = lines.indexOf(heading);
        assertThat(at).as("docs/protocol.md has the heading %s", heading).isNotNegative();
        List<Row> rows = new ArrayList<>();
        for (int i = at + 1; i < lines.size() && !lines.get(i).startsWith("#"); i++) {
            String line = lines.get(i);
            if (line.startsWith("| `")) {
                String[] cells = line.split("\\|", -1);
                String first = cells[1].trim();
                assertThat(first).as("a name in backticks: %s", line).matches("`[^`]+`");
                rows.add(new Row(
                        first.substring(1, first.length() - 1),
                        cells.length > 4 ? cells[2].trim() : "",
                        cells[cells.length - 2].trim()));
            } else if (!rows.isEmpty() && !line.startsWith("|")) {
                break; // the table ended
            }
        }
        return rows;
    }
}
