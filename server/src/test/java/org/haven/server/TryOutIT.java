package org.haven.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.haven.client.cli.HavenChat;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's five-minute try-out, step by step: tokens minted by the {@code token} command,
 * two terminal clients in one room, each sees the other's presence and chat.
 */
class TryOutIT {

    @RegisterExtension
    final TestServer haven = new TestServer();

    @Test
    void twoMintedTokensChatInOneRoom() throws Exception {
        String alice =
                mint("--sub", "alice", "--role", "client", "--org", "demo", "--rooms", "group-1", "--name", "Alice");
        String bo =
                mint("--sub", "dr-bo", "--role", "clinician", "--org", "demo", "--rooms", "group-1", "--name", "Dr Bo");

        Terminal boTerm = new Terminal(bo); // the therapist opens the session, as the README says
        await().atMost(Duration.ofSeconds(10)).until(() -> boTerm.output().contains("joined group-1"));
        Terminal aliceTerm = new Terminal(alice);
        await().atMost(Duration.ofSeconds(10)).until(() -> aliceTerm.output().contains("confirm where you are"));
        for (String answer :
                new String[] {"12 Elm Street", "Springfield", "IL", "62701", "US", "+1 217 555 0100", "y"}) {
            aliceTerm.type(answer);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> aliceTerm.output().contains("here now: Dr Bo (dr-bo)"));
        await().atMost(Duration.ofSeconds(10)).until(() -> boTerm.output().contains("Alice (alice) [client"));

        aliceTerm.type("hello, is anyone there?");
        await().atMost(Duration.ofSeconds(10)).until(() -> boTerm.output().contains("Alice: hello, is anyone there?"));
        aliceTerm.type("/help");
        await().atMost(Duration.ofSeconds(10)).until(() -> aliceTerm.output().contains("call 988"));
        await().atMost(Duration.ofSeconds(10)).until(() -> boTerm.output().contains("! ALERT"));
        assertThat(boTerm.output())
                .contains("Alice, high, raised")
                .contains("at 12 Elm Street, Springfield US")
                .contains("call back +1 217 555 0100");
        String alertId = boTerm.output().replaceAll("(?s).*! ALERT (a-[0-9a-f]+).*", "$1");
        boTerm.type("/ack " + alertId);
        await().atMost(Duration.ofSeconds(10)).until(() -> boTerm.output().contains("taken by dr-bo"));
        boTerm.type("/status busy");
        await().atMost(Duration.ofSeconds(10)).until(() -> aliceTerm.output().contains("dr-bo is now busy"));
        boTerm.type("/quit");
        await().atMost(Duration.ofSeconds(10)).until(() -> aliceTerm.output().contains("dr-bo left"));
        aliceTerm.type("/quit");
        assertThat(aliceTerm.done.get()).isZero();
    }

    private String mint(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] full = new String[args.length + 1];
        full[0] = "token";
        System.arraycopy(args, 0, full, 1, args.length);
        int code = Main.run(full, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(code).isZero();
        return out.toString(StandardCharsets.UTF_8).trim();
    }

    private final class Terminal {
        final PipedOutputStream keyboard = new PipedOutputStream();
        final ByteArrayOutputStream screen = new ByteArrayOutputStream();
        final CompletableFuture<Integer> done;

        Terminal(String token) throws Exception {
            PipedInputStream in = new PipedInputStream(keyboard);
            PrintStream out = new PrintStream(screen, true, StandardCharsets.UTF_8);
            done = CompletableFuture.supplyAsync(() -> {
                try {
                    return HavenChat.run(haven.uri(), token, "group-1", in, out);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        void type(String line) throws Exception {
            keyboard.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            keyboard.flush();
        }

        synchronized String output() {
            return screen.toString(StandardCharsets.UTF_8);
        }
    }
}
