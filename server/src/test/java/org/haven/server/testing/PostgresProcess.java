package org.haven.server.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server on a free loopback port, in a fresh cluster ({@code initdb}) under
 * {@code target/postgres/<port>/}, user {@code haven} trusted on loopback. Each test takes a
 * fresh database of its own ({@link #newDatabase()}). A test can {@link #kill()} it (SIGKILL) and
 * {@link #close()} it.
 *
 * <p>PostgreSQL refuses to run as root: as root, the server runs as the {@code postgres} user
 * (Debian's package makes it). Fails with a clear message when PostgreSQL is not installed: the test
 * command ({@code scripts/test.sh}) installs it.
 */
public final class PostgresProcess implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final int port;
    private final Path dir;
    private final Path bin;
    private Process process;

    private PostgresProcess(Path bin, int port) {
        this.bin = bin;
        this.port = port;
        this.dir = Path.of("target", "postgres", Integer.toString(port)).toAbsolutePath();
    }

    /** Makes a cluster and starts its server on a free port. */
    public static PostgresProcess start() {
        PostgresProcess pg = new PostgresProcess(binaries(), freePort());
        try {
            pg.launch();
            return pg;
        } catch (IOException | InterruptedException e) {
            pg.close();
            throw new IllegalStateException("PostgreSQL did not start", e);
        }
    }

    private static boolean asRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The command, run as the {@code postgres} user when this process is root. */
    private List<String> command(String program, String... args) {
        List<String> cmd = new ArrayList<>();
        if (asRoot()) {
            cmd.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"));
        }
        cmd.add(bin.resolve(program).toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    private void launch() throws IOException, InterruptedException {
        deleteTree(dir);
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        if (asRoot()) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
        }
        run(command("initdb", "-D", data.toString(), "-U", "haven", "-A", "trust", "-E", "UTF8", "--no-sync"));
        startServer();
    }

    /** Starts the server on the cluster in {@code dir} and waits until it accepts connections. */
    private void startServer() throws IOException, InterruptedException {
        Path data = dir.resolve("data");
        process = new ProcessBuilder(command(
                        "postgres",
                        "-D",
                        data.toString(),
                        "-p",
                        Integer.toString(port),
                        "-c",
                        "listen_addresses=127.0.0.1",
                        "-c",
                        "unix_socket_directories=" + dir,
                        "-c",
                        "fsync=off",
                        "-c",
                        "max_connections=200"))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("postgres.log").toFile())
                .start();
        long until = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < until) {
            if (!process.isAlive()) {
                throw new IOException("postgres exited: see " + dir.resolve("postgres.log"));
            }
            try (Connection c = DriverManager.getConnection(url("postgres"), "haven", "")) {
                return;
            } catch (SQLException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IOException("postgres did not accept connections within " + STARTUP);
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    /** A JDBC URL of database {@code name}, user {@code haven}. */
    public String url(String name) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=haven";
    }

    /** A fresh, empty database; its JDBC URL. */
    public String newDatabase() {
        String name = "haven_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"));
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("database not created", e);
        }
        return url(name);
    }

    public int port() {
        return port;
    }

    /**
     * Stops every process of the server at once, as a crash of the machine's database would
     * ({@code pg_ctl stop -m immediate}: no checkpoint, clients cut off); {@link #startAgain} brings
     * it back on the same data.
     */
    public synchronized void crash() throws IOException, InterruptedException {
        run(command("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"));
        if (process != null) {
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts the server again on its data, on the same port, after {@link #crash}. */
    public synchronized void startAgain() throws IOException, InterruptedException {
        startServer();
    }

    /**
     * Freezes every process of the server (SIGSTOP): connections stay open and the kernel still
     * accepts new ones, but nothing answers, as a hung database or a partition that drops packets
     * would. {@link #resume()} wakes it, and it answers what waited.
     */
    public synchronized void pause() {
        signal("-STOP");
    }

    /** Lets a {@link #pause() paused} server run again (SIGCONT). */
    public synchronized void resume() {
        signal("-CONT");
    }

    /** {@code which} to the postmaster and every process it started (its backends, its workers). */
    private void signal(String which) {
        if (process == null) {
            throw new IllegalStateException("postgres on port " + port + " is not running");
        }
        Signals.send(which, process, true, "postgres on port " + port);
    }

    /** SIGKILL, as a crash would. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            try {
                signal("-CONT"); // a paused server would take neither SIGTERM nor its backends SIGKILL
            } catch (IllegalStateException gone) {
                // it ended meanwhile
            }
            List<ProcessHandle> backends = process.descendants().toList();
            process.destroy(); // SIGTERM: PostgreSQL's smart shutdown; a SIGKILL after 10 s
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    backends.forEach(ProcessHandle::destroyForcibly);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        deleteTree(dir);
    }

    /** Where PostgreSQL's programs are: on the PATH, or Debian's newest version directory. */
    private static Path binaries() {
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path initdb = Path.of(p, "initdb");
            if (Files.isExecutable(initdb)) {
                try {
                    return initdb.toRealPath().getParent(); // Debian links it from its version directory
                } catch (IOException e) {
                    return initdb.getParent();
                }
            }
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(
                            b -> Integer.parseInt(b.getParent().getFileName().toString())))
                    .orElseThrow();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "PostgreSQL is not installed (initdb not found); scripts/test.sh installs Debian's postgresql");
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: target/ is cleaned by the build
        }
    }
}
