package org.haven.server.alert;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.haven.protocol.Alerts.Severity;
import org.haven.protocol.Alerts.State;

/**
 * The alert service's meters. Tags are states and severities only: no alert, client or
 * organisation id, nothing about the person.
 *
 * <ul>
 *   <li>{@code haven_alerts{state}} — alerts this node holds, by state (refreshed every tick)</li>
 *   <li>{@code haven_alerts_raised_total{severity}} — alerts raised</li>
 *   <li>{@code haven_alert_escalations_total} — escalations to a further tier</li>
 *   <li>{@code haven_alerts_undelivered_total} — alerts that found no responder connected</li>
 *   <li>{@code haven_alert_delivery_seconds} — raise to the first responder's confirmed receipt</li>
 * </ul>
 *
 * <p>Threading: Updated on the alert thread; read by the metrics scrape on any thread (atomic
 * counters).
 */
final class AlertMetrics {

    private final Map<State, AtomicInteger> byState = new EnumMap<>(State.class);
    private final Map<Severity, Counter> raised = new EnumMap<>(Severity.class);
    private final Counter escalations;
    private final Counter undelivered;
    private final Timer delivery;

    AlertMetrics(MeterRegistry meters) {
        for (State state : State.values()) {
            AtomicInteger count = new AtomicInteger();
            byState.put(state, count);
            Gauge.builder("haven.alerts", count, AtomicInteger::get)
                    .description("Alerts held by this node, by state")
                    .tag("state", state.name().toLowerCase(Locale.ROOT))
                    .register(meters);
        }
        for (Severity severity : Severity.values()) {
            raised.put(
                    severity,
                    Counter.builder("haven.alerts.raised")
                            .description("Alerts raised")
                            .tag("severity", severity.name().toLowerCase(Locale.ROOT))
                            .register(meters));
        }
        escalations = Counter.builder("haven.alert.escalations")
                .description("Escalations to a further tier")
                .register(meters);
        undelivered = Counter.builder("haven.alerts.undelivered")
                .description("Alerts that found no responder connected")
                .register(meters);
        delivery = Timer.builder("haven.alert.delivery")
                .description("From the raise to the first responder's confirmed receipt")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(meters);
    }

    void raised(Severity severity) {
        Objects.requireNonNull(raised.get(severity), "a counter per severity").increment();
    }

    void escalated() {
        escalations.increment();
    }

    void undelivered() {
        undelivered.increment();
    }

    void delivered(Duration sinceRaise) {
        delivery.record(sinceRaise.isNegative() ? Duration.ZERO : sinceRaise);
    }

    <A> void countStates(Collection<A> alerts, Function<A, State> stateOf) {
        Map<State, Integer> counts = new EnumMap<>(State.class);
        for (A alert : alerts) {
            counts.merge(stateOf.apply(alert), 1, Integer::sum);
        }
        byState.forEach((state, gauge) -> gauge.set(counts.getOrDefault(state, 0)));
    }
}
