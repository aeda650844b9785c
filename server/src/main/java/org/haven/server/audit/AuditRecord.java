package org.haven.server.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of the audit trail: an {@link AuditEvent} with its place in the chain. {@code seq}
 * starts at 1 and grows by one; {@code prev} is the hash of the record before ({@link #GENESIS} for
 * the first); {@code hash} is the lowercase hex HMAC-SHA256, under the trail's {@link AuditKey}, of
 * the record's canonical JSON without the {@code hash} field, so changing, removing or reordering a
 * record breaks the chain after it, and only a holder of the key can write a chain that holds.
 *
 * <p>The canonical JSON is compact, with the fields in the order seq, at (ISO-8601), org, actor,
 * action, subject, outcome, details (keys sorted), prev, and every character outside ASCII written as a
 * &#92;uXXXX escape, so the hashed bytes are plain ASCII whatever the text. A stored line is that JSON
 * with {@code hash} as the last field.
 */
public record AuditRecord(
        long seq,
        Instant at,
        String org,
        String actor,
        String action,
        String subject,
        String outcome,
        Map<String, String> details,
        String prev,
        String hash) {

    /** The {@code prev} of the first record: 64 zeros. */
    public static final String GENESIS = "0".repeat(64);

    private static final List<String> FIELDS =
            List.of("seq", "at", "org", "actor", "action", "subject", "outcome", "details", "prev", "hash");

    // Duplicate keys are refused so that a line cannot show one value to a reader and another to us.
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());

    public AuditRecord {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(outcome, "outcome");
        details = AuditEvent.sortedCopy(details);
        Objects.requireNonNull(prev, "prev");
        Objects.requireNonNull(hash, "hash");
    }

    /**
     * The record that puts {@code event} at {@code seq}, after the record whose hash is {@code prev},
     * sealed with {@code key}.
     */
    public static AuditRecord of(long seq, Instant at, AuditEvent event, String prev, AuditKey key) {
        Objects.requireNonNull(event, "event");
        AuditRecord unsealed = new AuditRecord(
                seq,
                at,
                event.org(),
                event.actor(),
                event.action(),
                event.subject(),
                event.outcome(),
                event.details(),
                prev,
                "");
        return unsealed.withHash(unsealed.expectedHash(key));
    }

    /**
     * The hash this record must carry: the HMAC-SHA256 of its canonical JSON under {@code key},
     * whatever {@code hash} holds now.
     */
    public String expectedHash(AuditKey key) {
        return key.mac(json(false));
    }

    /** The line stored for this record, without the line break. */
    public String toJsonLine() {
        return json(true);
    }

    /**
     * The record a stored line holds. The line must be exactly what {@link #toJsonLine()} writes, so
     * what a reader sees is what was hashed; the hash itself is not checked here.
     *
     * @throws IllegalArgumentException naming what is wrong, never quoting the line
     */
    public static AuditRecord parseLine(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        List<String> names = node.properties().stream().map(Map.Entry::getKey).toList();
        if (!names.equals(FIELDS)) {
            throw new IllegalArgumentException("fields are not exactly " + FIELDS + " in that order");
        }
        JsonNode seq = node.get("seq");
        if (!seq.isIntegralNumber() || !seq.canConvertToLong()) {
            throw new IllegalArgumentException("seq is not an integer");
        }
        Instant at;
        try {
            at = Instant.parse(field(node, "at"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("at is not an ISO-8601 instant");
        }
        Map<String, String> details = new LinkedHashMap<>();
        JsonNode detailsNode = node.get("details");
        if (!detailsNode.isObject()) {
            throw new IllegalArgumentException("details is not an object");
        }
        detailsNode.properties().forEach(e -> details.put(e.getKey(), text(e.getValue(), "a details value")));
        AuditRecord record = new AuditRecord(
                seq.longValue(),
                at,
                field(node, "org"),
                field(node, "actor"),
                field(node, "action"),
                field(node, "subject"),
                field(node, "outcome"),
                details,
                field(node, "prev"),
                field(node, "hash"));
        if (!record.toJsonLine().equals(line)) {
            throw new IllegalArgumentException("not in canonical form");
        }
        return record;
    }

    private AuditRecord withHash(String newHash) {
        return new AuditRecord(seq, at, org, actor, action, subject, outcome, details, prev, newHash);
    }

    private String json(boolean withHash) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("seq", seq);
            g.writeStringField("at", at.toString());
            g.writeStringField("org", org);
            g.writeStringField("actor", actor);
            g.writeStringField("action", action);
            g.writeStringField("subject", subject);
            g.writeStringField("outcome", outcome);
            g.writeObjectFieldStart("details");
            for (Map.Entry<String, String> e : details.entrySet()) { // sorted by the compact constructor
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeStringField("prev", prev);
            if (withHash) {
                g.writeStringField("hash", hash);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to a string", e);
        }
        return out.toString();
    }

    private static String field(JsonNode parent, String name) {
        return text(parent.get(name), name);
    }

    private static String text(JsonNode value, String what) {
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(what + " is not a string");
        }
        return value.textValue();
    }
}
