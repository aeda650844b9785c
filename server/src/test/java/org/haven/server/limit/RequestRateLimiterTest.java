package org.haven.server.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.haven.server.limit.RequestRateLimiter.Decision;
import org.haven.server.testing.MutableClock;
import org.junit.jupiter.api.Test;

/** The token bucket, driven by a controllable ticker: no sleeping. */
class RequestRateLimiterTest {

    private final MutableClock ticker = new MutableClock(Instant.EPOCH);
    private final RequestRateLimiter limiter = new RequestRateLimiter(10, 20, 5, ticker);
    private final RequestRateLimiter.Bucket c1 = limiter.bucket();

    @Test
    void allowsABurstThenLimits() {
        for (int i = 0; i < 20; i++) {
            assertThat(c1.acquire()).isEqualTo(Decision.ALLOWED);
        }
        assertThat(c1.acquire()).isEqualTo(Decision.LIMITED);
    }

    @Test
    void refillsAtTheConfiguredRate() {
        for (int i = 0; i < 20; i++) {
            c1.acquire();
        }
        assertThat(c1.acquire()).isEqualTo(Decision.LIMITED);
        ticker.advance(Duration.ofMillis(100)); // one token at 10 per second
        assertThat(c1.acquire()).isEqualTo(Decision.ALLOWED);
        assertThat(c1.acquire()).isEqualTo(Decision.LIMITED);
        ticker.advance(Duration.ofSeconds(10)); // refills to the burst, no further
        for (int i = 0; i < 20; i++) {
            assertThat(c1.acquire()).isEqualTo(Decision.ALLOWED);
        }
        assertThat(c1.acquire()).isEqualTo(Decision.LIMITED);
    }

    @Test
    void sustainedRefusalsAreAFlood() {
        for (int i = 0; i < 20; i++) {
            c1.acquire();
        }
        for (int i = 0; i < 4; i++) {
            assertThat(c1.acquire()).isEqualTo(Decision.LIMITED);
        }
        assertThat(c1.acquire()).isEqualTo(Decision.FLOOD);
    }

    @Test
    void aFloodIsClosedEvenWhenTheTokensItEarnsFallBetweenItsRefusals() {
        // The attack: 20 requests every 10 ms (2,000 a second) against the defaults (20 a second,
        // bursts of 40, 200 refusals): a token every 50 ms interrupted each run of refusals.
        RequestRateLimiter defaults = new RequestRateLimiter(20, 40, 200, ticker);
        RequestRateLimiter.Bucket flooder = defaults.bucket();
        Decision last = Decision.ALLOWED;
        int sent = 0;
        while (last != Decision.FLOOD && sent < 16_000) { // 8 s of it at most
            for (int i = 0; i < 20 && last != Decision.FLOOD; i++, sent++) {
                last = flooder.acquire();
            }
            ticker.advance(Duration.ofMillis(10));
        }
        assertThat(last).isEqualTo(Decision.FLOOD);
        assertThat(sent).as("closed within a few hundred requests, not never").isLessThan(400);
    }

    @Test
    void aClientALittleOverTheLimitIsSlowedDownNeverClosed() {
        RequestRateLimiter defaults = new RequestRateLimiter(20, 40, 200, ticker);
        RequestRateLimiter.Bucket eager = defaults.bucket();
        int limited = 0;
        for (int i = 0; i < 25 * 600; i++) { // 25 a second for ten minutes
            Decision d = eager.acquire();
            assertThat(d).isNotEqualTo(Decision.FLOOD);
            if (d == Decision.LIMITED) {
                limited++;
            }
            ticker.advance(Duration.ofMillis(40));
        }
        assertThat(limited).as("a fifth of them refused").isBetween(2_900, 3_100);
    }

    @Test
    void eachConnectionHasItsOwnBucket() {
        for (int i = 0; i < 21; i++) {
            c1.acquire();
        }
        assertThat(c1.acquire()).isEqualTo(Decision.LIMITED);
        assertThat(limiter.bucket().acquire()).isEqualTo(Decision.ALLOWED);
    }
}
