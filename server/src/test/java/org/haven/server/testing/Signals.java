package org.haven.server.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * POSIX signals to a server process a test started ({@code kill -STOP}, {@code -CONT}): to freeze a
 * server without closing anything, as a hung process or a partition that drops packets would.
 */
public final class Signals {

    private Signals() {}

    /**
     * Sends {@code which} (e.g. {@code -STOP}) to {@code process}, and, when {@code family}, to every
     * process it started (PostgreSQL's backends and workers). Fails when the process itself is not
     * running or does not take it; one of its children that ended meanwhile does not matter.
     *
     * @param what the process in words, for the failure's message ("postgres on port 5432")
     */
    public static void send(String which, Process process, boolean family, String what) {
        if (!process.isAlive()) {
            throw new IllegalStateException(what + " is not running");
        }
        run(List.of("kill", which, Long.toString(process.pid())), true, which, what);
        if (family) {
            List<String> children = new ArrayList<>(List.of("kill", which));
            process.descendants().forEach(p -> children.add(Long.toString(p.pid())));
            if (children.size() > 2) {
                run(children, false, which, what);
            }
        }
    }

    private static void run(List<String> cmd, boolean mustSucceed, String which, String what) {
        try {
            Process kill = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            kill.getInputStream().readAllBytes();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || (mustSucceed && kill.exitValue() != 0)) {
                throw new IllegalStateException("kill " + which + " failed for " + what);
            }
        } catch (IOException e) {
            throw new IllegalStateException("kill " + which + " could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
