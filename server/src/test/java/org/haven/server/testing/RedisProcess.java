package org.haven.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} on a free loopback port, with no persistence ({@code --save ''},
 * {@code --appendonly no}): a restart starts empty, as after losing a Redis without disk. Its log
 * and files go to {@code target/redis/<port>/}. A test can {@link #kill()} it (SIGKILL), start it
 * again on the same port ({@link #restart()}), and {@link #close()} it.
 *
 * <p>Fails with a clear message when {@code redis-server} is not installed: the test command
 * ({@code scripts/test.sh}) installs it.
 */
public final class RedisProcess implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(10);

    private final int port;
    private final List<String> extraArgs;
    private final Path dir;
    private Process process;

    private RedisProcess(int port, List<String> extraArgs) {
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
        this.dir = Path.of("target", "redis", Integer.toString(port)).toAbsolutePath();
    }

    /** Starts a server on a free port; {@code extraArgs} are added to its command line. */
    public static RedisProcess start(String... extraArgs) {
        String binary = executable("redis-server");
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            RedisProcess redis = new RedisProcess(freePort(), List.of(extraArgs));
            try {
                redis.launch(binary);
                return redis;
            } catch (IOException e) {
                // Another process may have taken the free port in between: try another.
                last = e;
                redis.close();
            }
        }
        throw new IllegalStateException("redis-server did not start on a free port", last);
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Kills the server at once (SIGKILL): no shutdown, no goodbye to its clients. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitForExit();
        }
    }

    /**
     * Stops the server without closing anything (SIGSTOP): its sockets stay open and it answers
     * nothing, as a blocked server or a partition that drops packets would. {@link #resume()} wakes it.
     */
    public synchronized void pause() {
        signal("-STOP");
    }

    /** Lets a {@link #pause() paused} server run again (SIGCONT): it answers what waited. */
    public synchronized void resume() {
        signal("-CONT");
    }

    private void signal(String which) {
        if (process == null) {
            throw new IllegalStateException("redis-server on port " + port + " is not running");
        }
        Signals.send(which, process, false, "redis-server on port " + port);
    }

    /** Starts the server again on the same port, empty, and waits until it answers. */
    public synchronized void restart() {
        kill();
        try {
            launch(executable("redis-server"));
        } catch (IOException e) {
            throw new IllegalStateException("redis-server did not restart on port " + port, e);
        }
    }

    /** Sends one command (inline form) and returns its reply as text. */
    public String command(String inline) throws IOException {
        return Resp.call(port, inline);
    }

    @Override
    public synchronized void close() {
        kill();
        process = null;
    }

    private void launch(String binary) throws IOException {
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(List.of(
                binary,
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--logfile",
                dir.resolve("redis.log").toString(),
                "--daemonize",
                "no"));
        command.addAll(extraArgs);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("stdout.log").toFile()))
                .start();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with " + process.exitValue() + "; see " + dir);
            }
            try {
                if (Resp.call(port, "PING").equals("PONG")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            sleep(20);
        }
        process.destroyForcibly();
        throw new IOException("redis-server did not answer PING within " + STARTUP + "; see " + dir);
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server on port " + port + " did not die");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The absolute path of {@code name} on the PATH; fails the test with a clear message when missing. */
    static String executable(String name) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(entry, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(name + " is not installed (not on the PATH): the Redis engine tests run real"
                + " Redis servers. Install it with `apt-get install -y redis-server`, or run ./scripts/test.sh,"
                + " which does.");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Just enough of the Redis protocol to PING a server and read INFO-like and array replies, without a client library. */
    static final class Resp {
        private Resp() {}

        static String call(int port, String inline) throws IOException {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                socket.setSoTimeout(2000);
                OutputStream out = socket.getOutputStream();
                out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                return value(socket.getInputStream());
            }
        }

        /** One reply; an array's elements one per line. */
        private static String value(InputStream in) throws IOException {
            String first = line(in);
            return switch (first.charAt(0)) {
                case '+', ':' -> first.substring(1);
                case '-' -> throw new IOException("redis error: " + first.substring(1));
                case '$' -> bulk(in, Integer.parseInt(first.substring(1)));
                case '*' -> {
                    StringBuilder all = new StringBuilder();
                    for (int i = Integer.parseInt(first.substring(1)); i > 0; i--) {
                        all.append(value(in)).append(i > 1 ? "\n" : "");
                    }
                    yield all.toString();
                }
                default -> throw new IOException("unexpected reply: " + first);
            };
        }

        private static String bulk(InputStream in, int length) throws IOException {
            if (length < 0) {
                return "";
            }
            byte[] data = in.readNBytes(length + 2);
            return new String(data, 0, length, StandardCharsets.UTF_8);
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\r') {
                    in.read();
                    return sb.toString();
                }
                sb.append((char) c);
            }
            throw new IOException("connection closed");
        }
    }
}
