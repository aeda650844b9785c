package org.haven.server.config;

import java.time.Duration;
import java.util.Locale;

/**
 * Reads durations written as {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 2190d} (days
 * of 24 hours: retention periods) or ISO-8601 ({@code PT5S}).
 */
final class Durations {

    private Durations() {}

    static Duration parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("p")) {
            return Duration.parse(text.trim());
        }
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        return switch (s.charAt(s.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException("unit must be ms, s, m, h or d");
        };
    }

    /**
     * The shortest of those forms that is exact: {@code 90s}, {@code 2m}, {@code 250ms}; days only
     * past two of them ({@code 24h} stays as written, {@code 2190d} is not shown as hours).
     */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms > 2 * 86_400_000L) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0 && ms != 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms != 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
