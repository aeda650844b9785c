package org.haven.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.haven.client.HavenClient;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/client-guide.md, as a third party would follow it: a node with its own secret, issuer and
 * audience; tokens minted by {@code docs/examples/mint-token.mjs}; the example client
 * {@code docs/examples/HavenSession.java} run with the JDK's source launcher, once with a
 * clinician's token and once with a client's. The clinician's example receives an alert raised by a
 * third client and confirms it (it is never redelivered); the client's example, whose connection is
 * cut (no close frame), resumes and receives the chat message said while it was away.
 */
class ClientGuideIT {

    private static final Path EXAMPLES =
            Path.of("..", "docs", "examples").toAbsolutePath().normalize();
    private static final String SECRET = "a third party's own secret, at least 32 bytes long";
    private static final String ISSUER = "https://idp.example.test";
    private static final String AUDIENCE = "haven-guide";

    @RegisterExtension
    final TestServer haven = new TestServer(
            b -> b.hmacSecret(SECRET).issuer(ISSUER).audience(AUDIENCE).redeliveryInterval(Duration.ofSeconds(1)));

    private final List<Example> examples = new ArrayList<>();
    private Relay relay;

    @AfterEach
    void stop() throws IOException {
        examples.forEach(Example::stop);
        examples.forEach(e -> System.out.println("---- example output\n" + e.output())); // in the test report
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void theGuidesExamplesWorkAgainstANodeWithItsOwnSecret() throws Exception {
        assumeTrue(nodeInstalled(), "node is not installed");
        String clinicianToken =
                mint("--sub", "dr-bo", "--role", "clinician", "--org", "demo", "--rooms", "group-1", "--name", "Dr Bo");
        String clientToken =
                mint("--sub", "alice", "--role", "client", "--org", "demo", "--rooms", "group-1", "--name", "Alice");

        Example clinician = start(haven.uri().toString(), clinicianToken);
        clinician.waitFor("joined group-1");
        assertThat(clinician.output()).contains("welcome dr-bo (clinician)");

        relay = new Relay(haven.server().port());
        Example client = start("ws://127.0.0.1:" + relay.port() + "/ws", clientToken);
        client.waitFor("joined group-1"); // after checking in: the group asked for it

        HavenClient carol = haven.login("carol", Role.CLIENT, "demo", "group-1");
        haven.join(carol, "group-1");
        say(carol, "before the cut");
        client.waitFor("Name of carol: before the cut");

        // A help press reaches the clinician's example, which confirms every frame: none comes again.
        String alert = carol.call(
                        id -> new ClientMessage.AlertRaise(id, "group-1", null, null), Result.AlertReceived.class)
                .get(10, TimeUnit.SECONDS)
                .alert();
        clinician.waitFor("alert " + alert + " v1 raised: HIGH, RAISED, tier facilitators");
        Thread.sleep(3_000); // three redelivery intervals
        assertThat(clinician.output()).doesNotContain("alert " + alert + " v1 redelivered");

        // The client's connection is cut; what is said meanwhile arrives once it resumes.
        relay.hold();
        relay.cut();
        say(carol, "while you were away");
        relay.release();
        client.waitFor("resumed group-1 from ");
        client.waitFor("Name of carol: while you were away");
        assertThat(client.output()).contains("closed -1").containsOnlyOnce("while you were away");
        assertThat(client.output())
                .as("one check-in, one join: the session was resumed, not started again")
                .containsOnlyOnce("joined group-1");
    }

    private static void say(HavenClient who, String text) throws Exception {
        who.call(id -> new ClientMessage.ChatSend(id, "group-1", text), Result.ChatSent.class)
                .get(10, TimeUnit.SECONDS);
    }

    // ---- the examples ---------------------------------------------------------------------------

    /** A token from docs/examples/mint-token.mjs, with this node's secret, issuer and audience. */
    private static String mint(String... args) throws Exception {
        List<String> command = new ArrayList<>(
                List.of("node", EXAMPLES.resolve("mint-token.mjs").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("HAVEN_JWT_SECRET", SECRET);
        pb.environment().put("HAVEN_JWT_ISSUER", ISSUER);
        pb.environment().put("HAVEN_JWT_AUDIENCE", AUDIENCE);
        Process p = pb.start();
        String token = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return token;
    }

    /** docs/examples/HavenSession.java, as the guide runs it: the JDK's source launcher on the client library. */
    private Example start(String uri, String token) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(
                        java.toString(),
                        "-cp",
                        classPath(),
                        EXAMPLES.resolve("HavenSession.java").toString(),
                        uri,
                        token,
                        "group-1")
                .redirectErrorStream(true)
                .start();
        Example e = new Example(p);
        examples.add(e);
        return e;
    }

    /** This test's class path, with the entries of a manifest-only jar (Failsafe's) spelled out. */
    private static String classPath() throws IOException {
        List<String> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            out.add(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry))) {
                try (JarFile jar = new JarFile(entry)) {
                    Manifest m = jar.getManifest();
                    String more = m == null ? null : m.getMainAttributes().getValue("Class-Path");
                    if (more != null) {
                        for (String url : more.trim().split("\\s+")) {
                            out.add(Path.of(Path.of(entry).toUri().resolve(url)).toString());
                        }
                    }
                }
            }
        }
        return String.join(File.pathSeparator, out);
    }

    private static boolean nodeInstalled() {
        try {
            Process p = new ProcessBuilder("node", "--version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A running example and everything it printed. */
    private static final class Example {
        final Process process;
        final StringBuffer output = new StringBuffer();

        Example(Process process) {
            this.process = process;
            Thread reader = new Thread(
                    () -> {
                        try (InputStream in = process.getInputStream()) {
                            byte[] buffer = new byte[4096];
                            for (int n; (n = in.read(buffer)) > 0; ) {
                                output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                            }
                        } catch (IOException ended) {
                            // the process is gone
                        }
                    },
                    "example-output");
            reader.setDaemon(true);
            reader.start();
        }

        String output() {
            return output.toString();
        }

        void waitFor(String text) {
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> output().contains(text) || !process.isAlive());
            assertThat(output()).as("the example's output").contains(text);
        }

        void stop() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- a network that can be cut ----------------------------------------------------------------

    /**
     * A TCP relay in front of the node: {@link #cut} ends every connection through it at once, with
     * no close frame (as a lost network does); while {@link #hold held}, new connections wait.
     */
    private static final class Relay implements AutoCloseable {
        private final ServerSocket listener;
        private final int target;
        private final List<Socket> open = new CopyOnWriteArrayList<>();
        private volatile CountDownLatch gate = new CountDownLatch(0);

        Relay(int target) throws IOException {
            this.target = target;
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            daemon(this::accept, "relay-accept");
        }

        int port() {
            return listener.getLocalPort();
        }

        void hold() {
            gate = new CountDownLatch(1);
        }

        void release() {
            gate.countDown();
        }

        void cut() {
            for (Socket s : open) {
                try {
                    if (!s.isClosed()) {
                        s.setSoLinger(true, 0); // a reset, not a close: nothing more arrives from either side
                    }
                    s.close();
                } catch (IOException alreadyGone) {
                    // closed by its other end meanwhile
                }
            }
            open.clear();
        }

        private void accept() {
            while (!listener.isClosed()) {
                try {
                    Socket in = listener.accept();
                    daemon(() -> connect(in), "relay-connect");
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void connect(Socket in) {
            try {
                gate.await(20, TimeUnit.SECONDS);
                Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                open.add(in);
                open.add(out);
                daemon(() -> pump(in, out), "relay-up");
                daemon(() -> pump(out, in), "relay-down");
            } catch (IOException | InterruptedException e) {
                quietly(in);
            }
        }

        private static void pump(Socket from, Socket to) {
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                byte[] buffer = new byte[8192];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException ended) {
                // cut, or closed by either end
            } finally {
                quietly(from);
                quietly(to);
            }
        }

        private static void quietly(Socket s) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }

        private static void daemon(Runnable body, String name) {
            Thread t = new Thread(body, name);
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            cut();
        }
    }
}
