package org.haven.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every enumeration of the published JSON Schema (its name under {@code $defs}) with the values the
 * Java side has for it, in their wire form: an enum of this module, or the constants of {@link E2e}.
 * The contract test requires the two to agree, the document test requires docs/protocol.md to list
 * each value; a schema enumeration missing here fails both.
 */
final class ProtocolEnums {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProtocolEnums() {}

    /** Schema enumeration name → the Java side's wire values, in declaration order. */
    static Map<String, Set<String>> javaValues() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        out.put("Role", wire(Role.class));
        out.put("PresenceStatus", wire(PresenceStatus.class));
        out.put("ErrorCode", wire(ErrorCode.class));
        out.put("RoomKind", wire(Sessions.RoomKind.class));
        out.put("RoomRole", wire(Sessions.RoomRole.class));
        out.put("SessionState", wire(Sessions.State.class));
        out.put("Signal", wire(Sessions.Signal.class));
        out.put("AlertReason", wire(ServerMessage.AlertReason.class));
        out.put("AlertKind", wire(Alerts.Kind.class));
        out.put("Severity", wire(Alerts.Severity.class));
        out.put("AlertSource", wire(Alerts.Source.class));
        out.put("AlertState", wire(Alerts.State.class));
        out.put("AlertTier", wire(Alerts.Tier.class));
        out.put("AlertHistoryEvent", wire(Alerts.HistoryEvent.class));
        out.put("ActionType", wire(Alerts.ActionType.class));
        out.put("Outcome", wire(Alerts.Outcome.class));
        out.put("CrisisChannel", wire(Care.Channel.class));
        out.put("RiskLevel", wire(Care.RiskLevel.class));
        out.put("RiskSource", wire(Care.RiskSource.class));
        out.put("KeyAlgorithm", new LinkedHashSet<>(Arrays.asList(E2e.X25519, E2e.P256, E2e.ED25519, E2e.P256_ECDSA)));
        out.put("EnvelopeAlgorithm", new LinkedHashSet<>(Arrays.asList(E2e.X25519_AES_GCM, E2e.P256_AES_GCM)));
        return out;
    }

    /** The wire form of every constant, as the codec writes it ({@code @JsonProperty} or {@code @JsonValue}). */
    static <E extends Enum<E>> Set<String> wire(Class<E> type) {
        return Arrays.stream(type.getEnumConstants())
                .map(e -> JSON.convertValue(e, String.class))
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }
}
