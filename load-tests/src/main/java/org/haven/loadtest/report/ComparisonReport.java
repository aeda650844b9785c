package org.haven.loadtest.report;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The side-by-side comparison as Markdown: one block per run of {@code run-comparison.sh}, with the
 * machine, date and command, a table of each scenario's figures for Haven, the Socket.IO peer and
 * the bare Netty ceiling, Haven's ratios to both, and whether Haven meets each target. The block
 * goes first between the comparison markers of {@code docs/benchmarks.md}; earlier runs stay below.
 */
public final class ComparisonReport {

    public static final String BEGIN = "<!-- comparison-results:begin -->";
    public static final String END = "<!-- comparison-results:end -->";
    static final String HAVEN = "haven";
    static final String SOCKETIO = "socketio";
    static final String CEILING = "ceiling";
    /** Group chat's target, judged on each target's better ramp (coarse or fine). */
    public static final String RAMP_TARGET = "Haven ≥ 5 × Socket.IO and ≥ 0.6 × ceiling (better of the two ramps)";

    private static final List<Figure> FIGURES = List.of(
            new Figure(
                    "group-chat-ramp",
                    "highest_sustained_per_s",
                    "highest delivered/s sustained with p99 ≤ 50 ms (steps × 1.5)",
                    true,
                    RAMP_TARGET),
            new Figure("group-chat-ramp", "highest_sustained_p99_ms", "p99 at that rate (ms)", false, ""),
            new Figure("group-chat-ramp", "highest_sustained_posts_per_s", "posts/s at that rate", false, ""),
            new Figure(
                    "group-chat-fine",
                    "highest_sustained_per_s",
                    "the same, steps × 1.1 from that rate (finer, near the top)",
                    true,
                    RAMP_TARGET),
            new Figure("group-chat-fine", "highest_sustained_p99_ms", "p99 at that rate (ms)", false, ""),
            new Figure(
                    "alert-under-load",
                    "alert_p99_ms",
                    "alert raise → clinician p99 (ms)",
                    false,
                    "Haven ≤ 10 ms (one node)"),
            new Figure("alert-under-load", "alert_p50_ms", "alert p50 (ms)", false, ""),
            new Figure("alert-under-load", "alerts_lost", "alerts lost", false, "0"),
            new Figure("alert-under-load", "p99_ms", "chat p99 meanwhile (ms)", false, ""),
            new Figure("alert-under-load", "delivered_per_s", "chat delivered/s meanwhile", true, ""),
            new Figure("capacity", "held", "authenticated idle connections held", true, "Haven ≥ 100,000"),
            new Figure("capacity", "heap_after_mib", "server heap after GC, held (MiB)", false, "Haven ≤ 2048 MiB"),
            new Figure("capacity", "heap_per_connection_kib", "heap per connection (KiB)", false, ""),
            new Figure("capacity", "rss_per_connection_kib", "RSS per connection (KiB)", false, ""),
            new Figure("connect-storm", "connections_per_s", "authenticated connections/s", true, "Haven ≥ 5,000/s"),
            new Figure("connect-storm", "p99_ms", "connect p99 (ms)", false, ""),
            new Figure("slow-consumers", "baseline_p99_ms", "readers' p99, everyone reading (ms)", false, ""),
            new Figure("slow-consumers", "p99_ms", "readers' p99 while 10% do not read (ms)", false, ""),
            new Figure("slow-consumers", "deliveries_missing", "deliveries to readers missing", false, "0"),
            new Figure("slow-consumers", "slow_disconnected", "slow consumers disconnected by server", false, ""),
            new Figure("slow-consumers", "rss_peak_mib", "server RSS peak while slow (MiB)", false, ""),
            new Figure("slow-consumers", "heap_after_gc_mib", "server heap after GC at end (MiB)", false, ""));

    /** What the block says about the run besides the figures. */
    public record RunInfo(String date, String machine, String command, String notes) {}

    private final Map<String, Map<String, Map<String, String>>> results; // target -> scenario -> figures

    private ComparisonReport(Map<String, Map<String, Map<String, String>>> results) {
        this.results = results;
    }

    /** Reads every {@code *.properties} result file of a directory. */
    public static ComparisonReport read(Path directory) throws IOException {
        Map<String, Map<String, Map<String, String>>> results = new HashMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".properties"))
                    .sorted()
                    .toList()) {
                Properties p = new Properties();
                try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    p.load(in);
                }
                Map<String, String> figures = new HashMap<>();
                p.stringPropertyNames().forEach(k -> figures.put(k, p.getProperty(k)));
                if (figures.containsKey("scenario") && figures.containsKey("target")) {
                    results.computeIfAbsent(figures.get("target"), t -> new HashMap<>())
                            .put(figures.get("scenario"), figures);
                }
            }
        }
        return new ComparisonReport(results);
    }

    /** The Markdown block of this run. */
    public String render(RunInfo info) {
        StringBuilder out = new StringBuilder();
        out.append("### Comparison run of ").append(info.date()).append("\n\n");
        out.append("- machine: ").append(info.machine()).append('\n');
        out.append("- command: `").append(info.command()).append("`\n");
        if (!info.notes().isBlank()) {
            out.append("- notes: ").append(info.notes()).append('\n');
        }
        out.append("- runs that did not go as planned: ").append(failedRuns()).append("\n\n");
        out.append(
                "| scenario | figure | Haven | Socket.IO | bare Netty | Haven ÷ Socket.IO | Haven ÷ ceiling | target | Haven meets it |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---|---|\n");
        for (Figure f : FIGURES) {
            String haven = f.value(of(HAVEN));
            String socketio = f.value(of(SOCKETIO));
            String ceiling = f.value(of(CEILING));
            out.append("| ")
                    .append(f.scenario())
                    .append(" | ")
                    .append(f.label())
                    .append(" | ")
                    .append(haven)
                    .append(" | ")
                    .append(socketio)
                    .append(" | ")
                    .append(ceiling)
                    .append(" | ")
                    .append(f.ratios() ? Figure.ratio(haven, socketio) : "")
                    .append(" | ")
                    .append(f.ratios() ? Figure.ratio(haven, ceiling) : "")
                    .append(" | ")
                    .append(f.target())
                    .append(" | ")
                    .append(verdict(f))
                    .append(" |\n");
        }
        out.append("| two nodes on Redis | alert p99 across nodes | see below | not run | — | | | ≤ 25 ms | measured by"
                + " `load-tests/run-cluster.sh` (two nodes and Redis of their own), not in this comparison |\n");
        return out.toString();
    }

    private Map<String, Map<String, String>> of(String target) {
        return results.getOrDefault(target, Map.of());
    }

    private String failedRuns() {
        List<String> failed = results.entrySet().stream()
                .flatMap(t -> t.getValue().values().stream()
                        .filter(f -> !"true".equals(f.get("passed")))
                        .map(f -> f.get("scenario") + " on " + t.getKey()))
                .sorted()
                .toList();
        return failed.isEmpty() ? "none" : String.join(", ", failed);
    }

    /** Whether Haven meets the figure's target, in words; empty where there is no target. */
    String verdict(Figure f) {
        OptionalDouble haven = Figure.number(f.value(of(HAVEN)));
        if (f.target().isEmpty()) {
            return "";
        }
        if (haven.isEmpty()) {
            return "not measured";
        }
        double h = haven.getAsDouble();
        return switch (f.scenario() + "/" + f.key()) {
            case "group-chat-ramp/highest_sustained_per_s", "group-chat-fine/highest_sustained_per_s" -> {
                OptionalDouble best = bestRate(HAVEN);
                OptionalDouble s = bestRate(SOCKETIO);
                OptionalDouble c = bestRate(CEILING);
                if (s.isEmpty() || c.isEmpty()) {
                    yield "not measured (a peer is missing)";
                }
                yield yesNo(best.getAsDouble() >= 5 * s.getAsDouble() && best.getAsDouble() >= 0.6 * c.getAsDouble());
            }
            case "alert-under-load/alert_p99_ms" -> yesNo(h <= 10);
            case "capacity/held" ->
                h >= 100_000 ? "yes" : String.format(Locale.ROOT, "not measured at 100,000 (%.0f held)", h);
            case "capacity/heap_after_mib" -> {
                double held = Figure.number(
                                of(HAVEN).getOrDefault("capacity", Map.of()).get("held"))
                        .orElse(0);
                yield h > 2048
                        ? "**no**"
                        : held >= 100_000 ? "yes" : String.format(Locale.ROOT, "yes at %.0f connections", held);
            }
            case "connect-storm/connections_per_s" -> yesNo(h >= 5000);
            default -> yesNo(h == 0);
        };
    }

    /** A target's highest sustained chat rate, the better of its coarse and fine ramps. */
    private OptionalDouble bestRate(String target) {
        OptionalDouble best = OptionalDouble.empty();
        for (String ramp : List.of("group-chat-ramp", "group-chat-fine")) {
            OptionalDouble rate =
                    Figure.number(of(target).getOrDefault(ramp, Map.of()).get("highest_sustained_per_s"));
            if (rate.isPresent() && (best.isEmpty() || rate.getAsDouble() > best.getAsDouble())) {
                best = rate;
            }
        }
        return best;
    }

    private static String yesNo(boolean met) {
        return met ? "yes" : "**no**";
    }

    /**
     * Puts {@code block} first between the comparison markers of {@code doc}, keeping earlier runs
     * below it; appends the markers at the end when the document has none.
     */
    public static void insert(Path doc, String block) throws IOException {
        String text = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "";
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        String updated;
        if (begin < 0 || end < begin) {
            updated = text + (text.endsWith("\n") || text.isEmpty() ? "" : "\n") + "\n" + BEGIN + "\n" + block + END
                    + "\n";
        } else {
            int at = begin + BEGIN.length();
            updated = text.substring(0, at) + "\n" + block + text.substring(at);
        }
        Files.writeString(doc, updated, StandardCharsets.UTF_8);
    }
}
