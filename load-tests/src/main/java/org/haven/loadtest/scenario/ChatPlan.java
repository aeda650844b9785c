package org.haven.loadtest.scenario;

import java.util.Locale;

/**
 * The shape of a group-chat load: {@code rooms} rooms of {@code members} users (seat 0 the
 * facilitator), each user posting a {@code payloadChars}-character text once every
 * {@code intervalMillis}, first for {@code warmupSeconds} unmeasured, then for {@code seconds}
 * measured. Every post is delivered to every member of its room, its sender included.
 */
public record ChatPlan(
        int rooms, int members, double intervalMillis, int payloadChars, double warmupSeconds, double seconds) {

    /** Haven's default room limit. */
    public static final int MAX_MEMBERS = 500;

    public ChatPlan {
        check(rooms >= 1 && rooms <= 10_000, "rooms: " + rooms + " (expected: 1..10000)");
        check(members >= 2 && members <= MAX_MEMBERS, "members: " + members + " (expected: 2.." + MAX_MEMBERS + ")");
        check(
                intervalMillis >= 1 && intervalMillis <= 600_000,
                "interval: " + intervalMillis + " ms (expected: 1..600000)");
        check(payloadChars >= 32 && payloadChars <= 4000, "payload: " + payloadChars + " (expected: 32..4000)");
        check(warmupSeconds >= 0 && seconds > 0, "warm-up and measured seconds: expected >= 0 and > 0");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    int connections() {
        return rooms * members;
    }

    /** Posts per second of all members together. */
    double postsPerSecond() {
        return connections() * 1000.0 / intervalMillis;
    }

    /** Deliveries per second this plan offers: every post reaches every member of its room. */
    double offeredDeliveriesPerSecond() {
        return postsPerSecond() * members;
    }

    /** Rooms, members, rate and text size. */
    String shape() {
        return String.format(
                Locale.ROOT,
                "%d rooms x %d members (1 clinician + %d clients each), each posting every %.0f ms"
                        + " (%.0f posts/s, %.0f deliveries/s offered), %d-char texts",
                rooms,
                members,
                members - 1,
                intervalMillis,
                postsPerSecond(),
                offeredDeliveriesPerSecond(),
                payloadChars);
    }

    /** The shape and the timing. */
    String describe() {
        return shape() + String.format(Locale.ROOT, ", %.0f s warm-up + %.0f s measured", warmupSeconds, seconds);
    }
}
