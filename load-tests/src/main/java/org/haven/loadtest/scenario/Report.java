package org.haven.loadtest.scenario;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What one scenario run measured: a plain-text table for people, and the same figures as
 * {@code key=value} lines for the comparison report. A run "passes" when it ran as planned (every
 * connection made, every message accounted for); whether a figure meets its target is the
 * comparison's business, not the run's.
 */
public final class Report {

    /** Printed for a figure that could not be measured in this run. */
    public static final String NOT_MEASURED = "n/a";

    private final String scenario;
    private final String target;
    private final List<String> header = new ArrayList<>();
    private final List<String[]> rows = new ArrayList<>();
    private final List<String> sections = new ArrayList<>();
    private final Map<String, String> figures = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    Report(String scenario, String target, String title) {
        this.scenario = Objects.requireNonNull(scenario, "scenario");
        this.target = Objects.requireNonNull(target, "target");
        header.add(title);
        figures.put("scenario", scenario);
        figures.put("target", target);
    }

    /** A line under the title (what was planned, against what). */
    Report line(String label, String text) {
        header.add(String.format(Locale.ROOT, "%-9s%s", label, text));
        return this;
    }

    /** A table row; with a {@code key}, also a figure. */
    Report row(String label, String key, String value) {
        rows.add(new String[] {label, value});
        if (key != null) {
            figures.put(key, value);
        }
        return this;
    }

    /** Pre-formatted lines after the table (the steps of a ramp). */
    Report section(String text) {
        sections.add(text);
        return this;
    }

    /** Something that went wrong: the run fails. */
    Report problem(String text) {
        problems.add(text);
        return this;
    }

    public boolean passed() {
        return problems.isEmpty();
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    public String scenario() {
        return scenario;
    }

    public String target() {
        return target;
    }

    /** The figures, keyed as in the result file; {@code passed} included. */
    public Map<String, String> figures() {
        Map<String, String> all = new LinkedHashMap<>(figures);
        all.put("passed", Boolean.toString(passed()));
        return all;
    }

    /** The value of one figure, or {@code null}. */
    public String figure(String key) {
        return figures().get(key);
    }

    /** The run as a plain-text table. */
    public String table() {
        StringBuilder out = new StringBuilder();
        header.forEach(h -> out.append(h).append('\n'));
        out.append("-".repeat(52)).append('\n');
        out.append(String.format(Locale.ROOT, "%-36s %15s%n", "metric", "value"));
        for (String[] row : rows) {
            out.append(String.format(Locale.ROOT, "%-36s %15s%n", row[0], row[1]));
        }
        out.append(String.format(Locale.ROOT, "%-36s %15s%n", "result", passed() ? "PASS" : "FAIL"));
        sections.forEach(s -> out.append('\n').append(s));
        problems.forEach(p -> out.append("problem: ").append(p).append('\n'));
        return out.toString();
    }

    /** Writes the figures as {@code key=value} lines. */
    public void writeFigures(Path file) throws IOException {
        StringBuilder out = new StringBuilder();
        figures()
                .forEach((k, v) ->
                        out.append(k).append('=').append(v.replace('\n', ' ')).append('\n'));
        Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
    }

    static String ms(double millis) {
        return String.format(Locale.ROOT, "%.2f", millis);
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.0f", perSecond);
    }

    static String mib(OptionalLong bytes) {
        return bytes.isPresent() ? String.format(Locale.ROOT, "%.1f", bytes.getAsLong() / 1048576.0) : NOT_MEASURED;
    }
}
