package org.haven.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.haven.loadtest.report.ComparisonReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The comparison block: figures side by side, Haven's ratios, verdicts against the targets, and its place in the document. */
class ComparisonReportTest {

    @TempDir
    Path dir;

    private void result(String file, String... lines) throws IOException {
        Files.writeString(dir.resolve(file), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    private ComparisonReport.RunInfo info(String date) {
        return new ComparisonReport.RunInfo(date, "2 vCPUs", "load-tests/run-comparison.sh", "");
    }

    @Test
    void tablesEveryTargetWithRatiosAndVerdicts() throws IOException {
        result(
                "group-chat.haven.properties",
                "scenario=group-chat-ramp",
                "target=haven",
                "passed=true",
                "highest_sustained_per_s=90000");
        result(
                "group-chat.socketio.properties",
                "scenario=group-chat-ramp",
                "target=socketio",
                "passed=true",
                "highest_sustained_per_s=20000");
        result(
                "group-chat.ceiling.properties",
                "scenario=group-chat-ramp",
                "target=ceiling",
                "passed=true",
                "highest_sustained_per_s=200000");
        result(
                "alert-under-load.haven.properties",
                "scenario=alert-under-load",
                "target=haven",
                "passed=false",
                "alert_p99_ms=12.50",
                "alerts_lost=0");
        result(
                "capacity.haven.properties",
                "scenario=capacity",
                "target=haven",
                "passed=true",
                "held=18000",
                "heap_after_mib=300.0");

        String block = ComparisonReport.read(dir).render(info("Fri Nov 27 12:00:00 UTC 2026"));

        assertThat(block)
                .contains(
                        "### Comparison run of Fri Nov 27 12:00:00 UTC 2026",
                        "- machine: 2 vCPUs",
                        "- runs that did not go as planned: alert-under-load on haven");
        // 90000 / 20000 = 4.5, 90000 / 200000 = 0.45: below five times Socket.IO and 0.6 of the ceiling.
        assertThat(block)
                .contains("| 90000 | 20000 | 200000 | 4.50× | 0.45× | " + ComparisonReport.RAMP_TARGET + " | **no** |");
        assertThat(block).contains("| 12.50 | — | — |", "| Haven ≤ 10 ms (one node) | **no** |");
        assertThat(block).contains("not measured at 100,000 (18000 held)", "yes at 18000 connections");
        assertThat(block).contains("| connect-storm | authenticated connections/s | — | — | — |", "| not measured |");
        assertThat(block).contains("two nodes on Redis", "load-tests/run-cluster.sh");
    }

    private void ramp(String file, String scenario, String target, String highest) throws IOException {
        result(
                file + "." + target + ".properties",
                "scenario=" + scenario,
                "target=" + target,
                "passed=true",
                "highest_sustained_per_s=" + highest);
    }

    @Test
    void groupChatIsJudgedOnEachTargetsBetterRamp() throws IOException {
        for (String[] t : new String[][] {
            {"haven", "90000", "130000"}, {"socketio", "20000", "22000"}, {"ceiling", "200000", "190000"}
        }) {
            ramp("group-chat", "group-chat-ramp", t[0], t[1]);
            ramp("group-chat-fine", "group-chat-fine", t[0], t[2]);
        }

        String block = ComparisonReport.read(dir).render(info("fine"));

        // Haven's better ramp, 130000, is 5.9 × Socket.IO's better (22000) and 0.65 × the ceiling's (200000).
        assertThat(block)
                .contains("| 90000 | 20000 | 200000 | 4.50× | 0.45× | " + ComparisonReport.RAMP_TARGET + " | yes |");
        assertThat(block)
                .contains("| 130000 | 22000 | 190000 | 5.91× | 0.68× | " + ComparisonReport.RAMP_TARGET + " | yes |");
    }

    @Test
    void eachRunGoesFirstBetweenTheMarkersAndEarlierRunsStay() throws IOException {
        Path doc = dir.resolve("benchmarks.md");
        Files.writeString(
                doc, "# Benchmarks\n\ntext\n\n" + ComparisonReport.BEGIN + "\n" + ComparisonReport.END + "\n\ntail\n");
        ComparisonReport report = ComparisonReport.read(dir);

        ComparisonReport.insert(doc, report.render(info("first")));
        ComparisonReport.insert(doc, report.render(info("second")));

        String text = Files.readString(doc);
        assertThat(text)
                .startsWith("# Benchmarks\n\ntext\n\n" + ComparisonReport.BEGIN)
                .endsWith(ComparisonReport.END + "\n\ntail\n");
        assertThat(text.indexOf("run of second")).isLessThan(text.indexOf("run of first"));
    }

    @Test
    void aDocumentWithoutMarkersGetsThemAtTheEnd() throws IOException {
        Path doc = dir.resolve("other.md");
        Files.writeString(doc, "# Other\n");

        ComparisonReport.insert(doc, ComparisonReport.read(dir).render(info("only")));

        assertThat(Files.readString(doc))
                .startsWith("# Other\n\n" + ComparisonReport.BEGIN + "\n### Comparison run of only")
                .endsWith(ComparisonReport.END + "\n");
    }
}
