package org.haven.server.push;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * What the {@link PushSender} counts, and the meters that show it. Tags are reasons only: no
 * subscription, endpoint or alert.
 *
 * <ul>
 *   <li>{@code haven_push_sent_total} — pages a push service accepted
 *   <li>{@code haven_push_failed_total{reason}} — pages not sent: {@code refused} (queue full or
 *       sender closed), {@code rejected} (a status that retrying cannot help), {@code exhausted}
 *       (out of attempts)
 *   <li>{@code haven_push_subscriptions_removed_total} — subscriptions a push service said were gone
 *   <li>{@code haven_push_skipped_total} — pages no longer wanted when their turn came
 *   <li>{@code haven_push_pending} — pages accepted and not yet finished
 * </ul>
 *
 * <p>Threading: atomic counters, updated on any thread and read by the scrape on any thread.
 */
final class PushCounters {

    final LongAdder sent = new LongAdder();
    final LongAdder removed = new LongAdder();
    final LongAdder skipped = new LongAdder();
    final LongAdder retried = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder exhausted = new LongAdder();

    /** Counts with meters in {@code meters}, or none when null; {@code pending} is shown as a gauge. */
    PushCounters(@Nullable MeterRegistry meters, AtomicInteger pending) {
        if (meters == null) {
            return;
        }
        FunctionCounter.builder("haven.push.sent", sent, LongAdder::sum)
                .description("Pages a push service accepted")
                .register(meters);
        failed(meters, "refused", refused);
        failed(meters, "rejected", rejected);
        failed(meters, "exhausted", exhausted);
        FunctionCounter.builder("haven.push.subscriptions.removed", removed, LongAdder::sum)
                .description("Subscriptions a push service said were gone (404, 410), for the store to remove")
                .register(meters);
        FunctionCounter.builder("haven.push.skipped", skipped, LongAdder::sum)
                .description("Pages no longer wanted when their turn came (the alert was acknowledged)")
                .register(meters);
        Gauge.builder("haven.push.pending", pending, AtomicInteger::get)
                .description("Pages accepted and not yet finished: waiting, in flight or backing off")
                .register(meters);
    }

    long failed() {
        return refused.sum() + rejected.sum() + exhausted.sum();
    }

    private static void failed(MeterRegistry meters, String reason, LongAdder count) {
        FunctionCounter.builder("haven.push.failed", count, LongAdder::sum)
                .description("Pages not sent, by reason: refused (queue full or sender closed), rejected"
                        + " (a status that retrying cannot help), exhausted (out of attempts)")
                .tag("reason", reason)
                .register(meters);
    }
}
