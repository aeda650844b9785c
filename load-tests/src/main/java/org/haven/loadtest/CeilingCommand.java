package org.haven.loadtest;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.haven.loadtest.ceiling.CeilingServer;

/**
 * {@code haven-load.jar ceiling-server [--host 127.0.0.1] [--port 0]}: runs the bare Netty ceiling
 * in its own process (so that its memory and CPU are its own, as the other targets' are) until it
 * is stopped; prints "Ceiling server is listening on port N".
 */
final class CeilingCommand {

    static final String NAME = "ceiling-server";

    private CeilingCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        CeilingServer server;
        try {
            CommandLine line = new CommandLine(args, Set.of("--host", "--port"));
            server = CeilingServer.start(line.text("--host", "127.0.0.1"), line.integer("--port", 0, 0, 65535));
        } catch (LoadOptions.UsageException | IllegalArgumentException e) {
            err.println("haven-load: " + e.getMessage());
            return LoadMain.USAGE;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "ceiling-stop"));
        out.println(
                "Ceiling server is listening on port " + server.port() + " (bare Netty WebSocket broadcast at /ws)");
        out.flush();
        stopped.await();
        return LoadMain.OK;
    }
}
