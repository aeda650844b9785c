package org.haven.loadtest.report;

import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One row of the comparison: a figure of a scenario, read from each target's results, with the
 * target it is held to (if any) and whether Haven's ratios to the other targets matter for it.
 *
 * @param key the figure's key in the result files
 * @param ratios whether to print Haven ÷ Socket.IO and Haven ÷ ceiling (rates, where more is better)
 * @param target the goal in words, or empty
 */
record Figure(String scenario, String key, String label, boolean ratios, String target) {

    static final String MISSING = "—";

    /** A target's value of this figure, or {@link #MISSING}. */
    String value(Map<String, Map<String, String>> resultsByScenario) {
        Map<String, String> results = resultsByScenario.get(scenario);
        String value = results == null ? null : results.get(key);
        return value == null ? MISSING : value;
    }

    static OptionalDouble number(String value) {
        try {
            return OptionalDouble.of(Double.parseDouble(value));
        } catch (NumberFormatException | NullPointerException e) {
            return OptionalDouble.empty();
        }
    }

    /** {@code a ÷ b} to two decimals, or {@link #MISSING}. */
    static String ratio(String a, String b) {
        OptionalDouble x = number(a);
        OptionalDouble y = number(b);
        if (x.isEmpty() || y.isEmpty() || y.getAsDouble() == 0) {
            return MISSING;
        }
        return String.format(Locale.ROOT, "%.2f×", x.getAsDouble() / y.getAsDouble());
    }
}
