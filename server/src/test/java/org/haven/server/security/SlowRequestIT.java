package org.haven.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.haven.client.HavenClient;
import org.haven.protocol.Role;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Slowloris before the upgrade: a node capped at 20 connections, all of them taken by requests that
 * trickle in a byte every half second. Each is closed once its request is not complete within the
 * hello time-out (2 s here), so a real client gets in. Bounded: 20 sockets on loopback, 8 s at most.
 */
class SlowRequestIT {

    private static final int CAP = 20;
    private static final Duration DEADLINE = Duration.ofSeconds(2);

    @RegisterExtension
    final TestServer haven = new TestServer(b -> b.maxConnections(CAP).helloTimeout(DEADLINE));

    private final List<Socket> sockets = new ArrayList<>();
    private volatile boolean trickling = true;

    @AfterEach
    void closeSockets() throws IOException {
        trickling = false;
        for (Socket s : sockets) {
            s.close();
        }
    }

    @Test
    void requestsTricklingInCannotHoldTheNodesConnections() throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < CAP; i++) {
            Socket s = new Socket("127.0.0.1", haven.uri().getPort());
            s.getOutputStream().write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            sockets.add(s);
        }
        Thread trickle = new Thread(() -> {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            while (trickling && System.nanoTime() < end) {
                for (Socket s : sockets) {
                    try {
                        OutputStream out = s.getOutputStream();
                        out.write('X');
                        out.flush();
                    } catch (IOException closed) {
                        // the server closed it: what the test waits for
                    }
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        trickle.setDaemon(true);
        trickle.start();

        Awaitility.await()
                .atMost(Duration.ofSeconds(6))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> {
                    HavenClient alice = haven.login("alice", Role.CLIENT, "demo", "group-1");
                    alice.close();
                    return true;
                });
        for (Socket s : sockets) {
            s.setSoTimeout(3_000);
            assertThat(readsToTheEnd(s.getInputStream()))
                    .as("the node closed the trickling connection")
                    .isTrue();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("slow requests closed and a real client in after " + took.toMillis() + " ms");
        assertThat(took).isLessThan(Duration.ofSeconds(8));
        trickling = false;
        trickle.join(2_000);

        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        Thread.sleep(DEADLINE.toMillis() + 1_000);
        assertThat(bo.closeFuture())
                .as("the deadline ends with the upgrade: a session stays")
                .isNotDone();
        bo.close();
    }

    /** Whether the peer closed: reads until the end of the stream, false when it stays open. */
    private static boolean readsToTheEnd(InputStream in) throws IOException {
        byte[] buffer = new byte[1024];
        try {
            while (in.read(buffer) >= 0) {
                // whatever the server said (nothing, or a 408) before closing
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true; // closed with a reset: closed too
        }
    }
}
