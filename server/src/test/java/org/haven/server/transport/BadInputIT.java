package org.haven.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.haven.client.HavenClient;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.CloseCode;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every kind of bad input gets its documented code; recoverable errors leave the connection usable. */
class BadInputIT {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    final TestServer haven =
            new TestServer(b -> b.requestsPerSecond(5).requestBurst(10).floodRefusals(30));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{not json                                            | malformed_json      |",
                "{\"type\":\"launch\",\"id\":\"u1\"}                  | unknown_type        | u1",
                "{\"id\":\"u2\"}                                      | unknown_type        | u2",
                "{\"type\":\"room.join\",\"id\":\"m1\"}               | invalid_message     | m1",
                "{\"type\":\"chat.send\",\"id\":\"m2\",\"room\":\"g\",\"text\":7} | invalid_message | m2",
                "[1]                                                  | invalid_message     |",
                "null                                                 | invalid_message     |",
                "true                                                 | invalid_message     |",
                "7                                                    | invalid_message     |",
                "\"text\"                                             | invalid_message     |",
                "{\"type\":\"ping\",\"id\":\"d1\",\"x\":[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]} | message_too_complex |",
            })
    void answersWithTheDocumentedCodeAndStaysUsable(String frame, String code, String re) throws Exception {
        HavenClient client = haven.login("alice", Role.CLIENT, "demo", "group-1");
        client.sendText(frame);
        ServerMessage.Error error = client.awaitEvent(ServerMessage.Error.class, e -> true, WAIT);
        assertThat(error).isNotNull();
        assertThat(error.code().wire()).isEqualTo(code);
        assertThat(error.re()).isEqualTo(re);
        assertThat(error.message()).doesNotContain("Exception").doesNotContain("at org.");
        client.request(ClientMessage.Ping::new).get(5, TimeUnit.SECONDS);
    }

    @Test
    void aNullFrameBeforeHelloIsTheDocumentedHelloRefusal() throws Exception {
        HavenClient client = haven.connect();
        client.sendText("null");
        assertThat(client.closeFuture().get(5, TimeUnit.SECONDS).code())
                .as("4002, not 1011: the first frame must be a hello")
                .isEqualTo(CloseCode.AUTH_REQUIRED.code());
    }

    @Test
    void closesOnABinaryFrame() throws Exception {
        HavenClient client = haven.login("alice", Role.CLIENT, "demo", "group-1");
        client.sendBinary(new byte[] {1, 2, 3});
        assertThat(client.closeFuture().get(5, TimeUnit.SECONDS).code()).isEqualTo(CloseCode.UNSUPPORTED_DATA.code());
    }

    @Test
    void closesOnAnOversizeFrame() throws Exception {
        HavenClient client = haven.login("alice", Role.CLIENT, "demo", "group-1");
        client.sendText("{\"type\":\"chat.send\",\"id\":\"1\",\"room\":\"group-1\",\"text\":\"" + "x".repeat(70 * 1024)
                + "\"}");
        assertThat(client.closeFuture().get(5, TimeUnit.SECONDS).code()).isEqualTo(CloseCode.MESSAGE_TOO_BIG.code());
    }

    @Test
    void limitsTheRateThenClosesAFlood() throws Exception {
        HavenClient client = haven.login("alice", Role.CLIENT, "demo", "group-1");
        var replies = new java.util.ArrayList<java.util.concurrent.CompletableFuture<ServerMessage.Ok>>();
        for (int i = 0; i < 14; i++) {
            replies.add(client.request(ClientMessage.Ping::new));
        }
        long limited = replies.stream()
                .filter(f -> {
                    try {
                        f.get(5, TimeUnit.SECONDS);
                        return false;
                    } catch (Exception e) {
                        return e.getCause() instanceof org.haven.client.HavenErrorException h
                                && h.code() == ErrorCode.RATE_LIMITED;
                    }
                })
                .count();
        assertThat(limited).as("requests past the burst of 10").isGreaterThanOrEqualTo(3);
        assertThat(client.closeFuture()).isNotDone();
        for (int i = 0; i < 60; i++) {
            client.sendText("{\"type\":\"ping\",\"id\":\"f" + i + "\"}");
        }
        assertThat(client.closeFuture().get(5, TimeUnit.SECONDS).code()).isEqualTo(CloseCode.RATE_LIMIT_FLOOD.code());
    }
}
