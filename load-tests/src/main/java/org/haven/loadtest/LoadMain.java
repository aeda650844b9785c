package org.haven.loadtest;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * The {@code haven-load.jar} command: runs one bounded load scenario against a server on this
 * machine and prints what it measured ({@code alert-latency} on an idle Haven, or one of the
 * comparison scenarios against Haven, the Socket.IO peer or the bare Netty ceiling, or
 * {@code failover} across two nodes of a cluster while faults happen); also runs the
 * ceiling server ({@code ceiling-server}) and writes the comparison report ({@code report}).
 * Exit status 0 when the run went as planned, 1 when it did not, 2 for a usage error.
 */
public final class LoadMain {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private LoadMain() {}

    public static void main(String[] args) throws InterruptedException {
        int status = run(args, System.out, System.err);
        System.exit(status);
    }

    /** Runs the command line; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        String command = args.length > 0 ? args[0] : "";
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            out.print(
                    ScenarioCommand.SCENARIOS.contains(command)
                            ? ScenarioCommand.USAGE
                            : command.equals(FailoverCommand.NAME)
                                    ? FailoverCommand.USAGE
                                    : LoadOptions.USAGE + "\n" + ScenarioCommand.USAGE + "\n" + FailoverCommand.USAGE);
            return OK;
        }
        if (ScenarioCommand.SCENARIOS.contains(command)) {
            return ScenarioCommand.run(args, out, err);
        }
        if (command.equals(FailoverCommand.NAME)) {
            return FailoverCommand.run(args, out, err);
        }
        if (command.equals(CeilingCommand.NAME)) {
            return CeilingCommand.run(args, out, err);
        }
        if (command.equals(ReportCommand.NAME)) {
            return ReportCommand.run(args, out, err);
        }
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (LoadOptions.UsageException e) {
            err.println("haven-load: " + e.getMessage());
            err.print(LoadOptions.USAGE);
            return USAGE;
        }
        AlertLatencyResult result;
        try {
            result = new AlertLatencyScenario(options.settings()).run();
        } catch (IllegalStateException e) {
            err.println("haven-load: alert-latency could not run: " + e.getMessage());
            return FAILED;
        }
        out.print(result.table());
        out.flush();
        if (!result.passed()) {
            err.println("haven-load: FAILED: " + result.lost() + " of " + result.sent()
                    + " alerts lost (not received within "
                    + options.settings().receiveTimeout().toSeconds() + " s)"
                    + (result.problems().isEmpty() ? "" : "; see the problems above"));
            return FAILED;
        }
        return OK;
    }
}
