package org.haven.server.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Haven node as operators run it: the packaged jar in its own JVM on a free loopback port, with
 * the given environment, its output in {@code target/haven-nodes/<port>.log}. It can be killed
 * (SIGKILL: no goodbye, no lease released) or stopped.
 */
public final class HavenProcess implements AutoCloseable {

    /** The audit key of every node started here ({@code HAVEN_AUDIT_KEY}): what {@code audit-verify} needs. */
    public static final String AUDIT_KEY = "dGVzdC1vbmx5LWF1ZGl0LWtleS1mb3ItaGF2ZW4tbm9kZXM=";

    private static final Path JAR = Path.of("target", "haven-server.jar");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private HavenProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts a node with {@code env} over a quiet test configuration, Netty's leak detection paranoid. */
    public static HavenProcess start(Map<String, String> env) throws IOException {
        return start(env, true);
    }

    /**
     * Starts a node with {@code env} over a quiet test configuration; {@code paranoid}: Netty's leak
     * detection records every buffer's use (catches a leak, and costs most of the event loops' time
     * under load: a test that measures load starts the node as operators do, without it).
     */
    public static HavenProcess start(Map<String, String> env, boolean paranoid) throws IOException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run the tests through `mvn verify`"
                    + " (the jar is packaged before the integration tests)");
        }
        int port = freePort();
        Path dir = Files.createDirectories(Path.of("target", "haven-nodes"));
        Path log = dir.resolve(port + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dio.netty.leakDetection.level=" + (paranoid ? "paranoid" : "simple"),
                "-jar",
                JAR.toString()));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("HAVEN_") || k.equals("REDIS_URL"));
        builder.environment().put("HAVEN_HOST", "127.0.0.1");
        builder.environment().put("HAVEN_PORT", Integer.toString(port));
        // One key for every node a test starts: nodes sharing a database seal one audit trail with it.
        builder.environment().put("HAVEN_AUDIT_KEY", AUDIT_KEY);
        builder.environment().put("HAVEN_LOG_FORMAT", "text");
        // A node's own records and audit trail (SQLite), unless the test names a directory (a restart
        // on the same data).
        builder.environment()
                .put(
                        "HAVEN_DATA_DIR",
                        Files.createTempDirectory(dir, port + "-data-").toString());
        builder.environment().putAll(env);
        return new HavenProcess(builder.start(), port, log);
    }

    public int port() {
        return port;
    }

    /** The node's process id (for {@code jcmd}). */
    public long pid() {
        return process.pid();
    }

    /**
     * Freezes the node without closing anything (SIGSTOP): its sockets stay open, Redis still counts
     * its subscriptions, and it answers nothing, as a hung or partitioned node would. {@link #resume}
     * wakes it.
     */
    public void pause() {
        signal("-STOP");
    }

    /** Lets a {@link #pause() paused} node run again (SIGCONT). */
    public void resume() {
        signal("-CONT");
    }

    private void signal(String which) {
        Signals.send(which, process, false, "the node on port " + port);
    }

    /** Whether the node's process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    public URI uri() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    /** The {@code /readyz} status word ({@code ready}, {@code standby}, ...), or null while it does not answer. */
    public String readiness() {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.body().replaceAll(".*\"status\":\"([a-z_]+)\".*", "$1");
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Waits until {@code /readyz} says {@code status}; fails with the node's log when it does not in time. */
    public void awaitReadiness(String status, Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (status.equals(readiness())) {
                return;
            }
            if (!process.isAlive()) {
                break;
            }
            RedisProcess.sleep(100);
        }
        throw new AssertionError("node on port " + port + " is not '" + status + "' (it says " + readiness()
                + ", alive=" + process.isAlive() + "); its log:\n" + Files.readString(log));
    }

    /** The node's output so far. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    /** SIGKILL: the node vanishes mid-work, as in a crash or a lost machine. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
