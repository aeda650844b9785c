package org.haven.server.alert;

import java.util.Locale;
import org.haven.protocol.Alerts.Severity;
import org.haven.protocol.Care;
import org.jspecify.annotations.Nullable;

/**
 * The least severity a client's help press is raised at, by the risk the care team assessed for
 * them (docs/protocol.md, "Distress alerts", "Known risk"): {@code high} → {@code high}, {@code
 * moderate} → {@code moderate}, {@code low} → as pressed. A floor never lowers a press. Only the
 * client's own presses have one: a clinician's flag keeps the severity the clinician chose, and
 * check-in and coverage alerts keep theirs.
 *
 * <p>Threading: any thread; stateless.
 */
final class RiskFloor {

    private RiskFloor() {}

    /** The floor of a risk level. */
    static Severity of(Care.RiskLevel level) {
        return switch (level) {
            case HIGH -> Severity.HIGH;
            case MODERATE -> Severity.MODERATE;
            case LOW -> Severity.LOW;
        };
    }

    /** {@code pressed}, or the floor of {@code risk} when that is higher; as pressed with no risk known. */
    static Severity apply(Severity pressed, Care.@Nullable Risk risk) {
        if (risk == null) {
            return pressed;
        }
        Severity floor = of(risk.level());
        return floor.compareTo(pressed) > 0 ? floor : pressed;
    }

    /** The detail of the history line: {@code moderate -> high (risk high)}. */
    static String detail(Severity from, Severity to, Care.RiskLevel level) {
        return wire(from) + " -> " + wire(to) + " (risk " + level.name().toLowerCase(Locale.ROOT) + ")";
    }

    private static String wire(Severity s) {
        return s.name().toLowerCase(Locale.ROOT);
    }
}
