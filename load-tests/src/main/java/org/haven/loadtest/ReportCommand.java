package org.haven.loadtest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.haven.loadtest.report.ComparisonReport;

/**
 * {@code haven-load.jar report --results DIR --doc FILE --date D --machine M --command C [--notes N]}:
 * turns the result files of one comparison run into a Markdown block, prints it, and puts it first
 * between the comparison markers of the document.
 */
final class ReportCommand {

    static final String NAME = "report";

    private ReportCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            CommandLine line =
                    new CommandLine(args, Set.of("--results", "--doc", "--date", "--machine", "--command", "--notes"));
            ComparisonReport report = ComparisonReport.read(Path.of(line.text("--results", null)));
            String block = report.render(new ComparisonReport.RunInfo(
                    line.text("--date", null),
                    line.text("--machine", null),
                    line.text("--command", null),
                    line.optional("--notes") == null ? "" : line.optional("--notes")));
            ComparisonReport.insert(Path.of(line.text("--doc", null)), block);
            out.print(block);
            return LoadMain.OK;
        } catch (LoadOptions.UsageException e) {
            err.println("haven-load: report: " + e.getMessage());
            return LoadMain.USAGE;
        } catch (IOException e) {
            err.println("haven-load: report: " + e.getMessage());
            return LoadMain.FAILED;
        }
    }
}
