package org.haven.server.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.haven.protocol.Alerts;
import org.junit.jupiter.api.Test;

class AlertSearchTest {

    private static final Instant FROM = Instant.parse("2030-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2030-01-31T00:00:00Z");

    @Test
    void timesAreKeptToTheMillisecond() {
        AlertSearch s = new AlertSearch(
                "demo",
                Instant.parse("2030-01-01T00:00:00.123999Z"),
                Instant.parse("2030-01-01T00:00:00.124999Z"),
                null,
                null,
                Instant.parse("2030-01-01T00:00:00.1239Z"),
                "a-1",
                10);
        assertThat(s.from()).isEqualTo(Instant.parse("2030-01-01T00:00:00.123Z"));
        assertThat(s.to()).isEqualTo(Instant.parse("2030-01-01T00:00:00.124Z"));
        assertThat(s.afterRaisedAt()).isEqualTo(Instant.parse("2030-01-01T00:00:00.123Z"));
    }

    @Test
    void anEmptyRangeIsRefused() {
        assertThatThrownBy(() -> AlertSearch.of("demo", TO, TO, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "from: 2030-01-31T00:00:00Z, to: 2030-01-31T00:00:00Z (expected: from before to");
        assertThatThrownBy(() -> AlertSearch.of(
                        "demo",
                        Instant.parse("2030-01-01T00:00:00.0001Z"),
                        Instant.parse("2030-01-01T00:00:00.0009Z"),
                        1))
                .as("within one millisecond")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AlertSearch.of("demo", Instant.MIN, TO, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("from: ");
    }

    @Test
    void theLimitIsOneToAThousand() {
        assertThat(AlertSearch.of("demo", FROM, TO, 1).limit()).isEqualTo(1);
        assertThat(AlertSearch.of("demo", FROM, TO, 1000).limit()).isEqualTo(1000);
        assertThatThrownBy(() -> AlertSearch.of("demo", FROM, TO, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit: 0 (expected: 1..1000)");
        assertThatThrownBy(() -> AlertSearch.of("demo", FROM, TO, 1001)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCursorHasBothItsParts() {
        assertThatThrownBy(() -> new AlertSearch("demo", FROM, TO, null, null, FROM, null, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("afterRaisedAt and afterId: both or neither");
        assertThatThrownBy(() -> new AlertSearch("demo", FROM, TO, null, null, null, "a-1", 10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAlertMatchesByItsMillisecondThenItsId() {
        StoredAlert a = AlertStoreContract.alertAt(
                "demo", "a-2", "alice", Alerts.State.RAISED, Instant.parse("2030-01-10T00:00:00.0005Z"));
        AlertSearch first = AlertSearch.of("demo", FROM, TO, 10);
        assertThat(first.matches(a)).isTrue();
        assertThat(first.after(a).matches(a)).as("not after itself").isFalse();
        assertThat(new AlertSearch("demo", FROM, TO, null, null, Instant.parse("2030-01-10T00:00:00.0009Z"), "a-1", 10)
                        .matches(a))
                .as("same millisecond, a greater id")
                .isTrue();
        assertThat(new AlertSearch("demo", FROM, TO, Alerts.State.CLOSED, null, null, null, 10).matches(a))
                .isFalse();
        assertThat(new AlertSearch("demo", FROM, TO, null, "bob", null, null, 10).matches(a))
                .isFalse();
        assertThat(AlertSearch.of("other", FROM, TO, 10).matches(a)).isFalse();
        assertThat(AlertSearch.of("demo", FROM, Instant.parse("2030-01-10T00:00:00.0009Z"), 10)
                        .matches(a))
                .as("to is exclusive, to the millisecond")
                .isFalse();
        assertThat(AlertSearch.of("demo", Instant.parse("2030-01-10T00:00:00.0009Z"), TO, 10)
                        .matches(a))
                .as("from is inclusive, to the millisecond")
                .isTrue();
    }
}
