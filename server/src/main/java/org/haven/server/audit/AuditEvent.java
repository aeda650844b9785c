package org.haven.server.audit;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Something that happened and must be accountable: who did what to which thing, and how it ended.
 * Every field holds opaque ids and codes only, never names or message text, because the trail is
 * kept for a long time and read by people who need not see content.
 *
 * @param org the opaque id of the organisation it happened in: each organisation's trail is its own
 *     chain, and a user id names a user only within an organisation
 * @param actor the opaque id of the user who acted (within {@code org}), or {@code "system"}
 * @param action what was attempted, such as {@code "alert.acknowledge"}
 * @param subject the opaque id of what it concerns, such as {@code "alert:a-123"}
 * @param outcome how it ended, such as {@code "ok"} or {@code "refused:forbidden"}
 * @param details a few further opaque ids or codes; copied, immutable, sorted by key, may be empty
 */
public record AuditEvent(
        String org, String actor, String action, String subject, String outcome, Map<String, String> details) {

    /** The actor for what the server does on its own account. */
    public static final String SYSTEM = "system";

    public AuditEvent {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(outcome, "outcome");
        details = sortedCopy(details);
    }

    /** An event without details. */
    public AuditEvent(String org, String actor, String action, String subject, String outcome) {
        this(org, actor, action, subject, outcome, Map.of());
    }

    /** An immutable copy in key order; refuses null keys and values (Map.copyOf checks both). */
    static Map<String, String> sortedCopy(Map<String, String> details) {
        Objects.requireNonNull(details, "details");
        return Collections.unmodifiableSortedMap(new TreeMap<>(Map.copyOf(details)));
    }
}
