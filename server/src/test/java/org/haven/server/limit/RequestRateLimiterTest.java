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
    void anAllowedRequestResetsTheFloodCount() {
        for (int i = 0; i < 24; i++) {
            c1.acquire();
        }
        ticker.advance(Duration.ofMillis(100));
        assertThat(c1.acquire()).isEqualTo(Decision.ALLOWED);
        for (int i = 0; i < 4; i++) {
            assertThat(c1.acquire()).isEqualTo(Decision.LIMITED);
        }
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
