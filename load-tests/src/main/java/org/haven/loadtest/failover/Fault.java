package org.haven.loadtest.failover;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A failure injected at a set time of a failover run: its name (which names a phase of the report),
 * when it happens (seconds after the first scheduled press), and what does it. The run records the
 * moment it started the action, so the report's phases follow the fault as it really happened.
 *
 * @param name for the report, e.g. "node killed"
 * @param atSeconds seconds after the first scheduled press
 * @param action what injects the fault; it may block (it runs on a thread of its own)
 */
public record Fault(String name, double atSeconds, Action action) {

    /** Injects the fault; a failure is reported as a problem of the run. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    public Fault {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(action, "action");
        if (!(atSeconds >= 0)) {
            throw new IllegalArgumentException("atSeconds: " + atSeconds + " (expected: >= 0)");
        }
    }

    /**
     * A fault a shell command injects ({@code bash -c command}, as the script that started the
     * processes knows their ids): its output is discarded, its errors go to this process' standard
     * error, and it must end within {@code limit} with status 0.
     */
    public static Fault shell(String name, double atSeconds, String command, Duration limit) {
        Objects.requireNonNull(command, "command");
        return new Fault(name, atSeconds, () -> runShell(command, limit));
    }

    private static void runShell(String command, Duration limit) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("the fault command did not end within " + limit.toSeconds() + " s");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("the fault command exited with " + p.exitValue());
        }
    }
}
