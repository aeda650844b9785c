package org.haven.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** HTTP requests the server cannot read, or that are ambiguous, are refused with 400 and closed. */
class BadHttpIT {

    @RegisterExtension
    final TestServer haven = new TestServer();

    /** The server's whole answer to {@code request}, read until it closes (5 s at most). */
    private String answer(byte[] request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", haven.uri().getPort())) {
            s.setSoTimeout(5_000);
            try {
                s.getOutputStream().write(request);
            } catch (IOException refusedMidway) {
                // the server may answer and close before a huge request is all written
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    out.write(buffer, 0, n);
                }
            } catch (IOException reset) {
                // closed with a reset after the answer
            }
            return out.toString(StandardCharsets.US_ASCII);
        }
    }

    private static byte[] get(String headers) {
        return ("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    static Stream<Arguments> unreadable() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 50_000; i++) {
            many.append("X-").append(i).append(": 1\r\n");
        }
        return Stream.of(
                Arguments.of("a 70 KB header", get("X-Big: " + "a".repeat(70 * 1024) + "\r\n")),
                Arguments.of("50,000 headers", get(many.toString())),
                Arguments.of("a space before a header's colon", get("Content-Length : 5\r\n")),
                Arguments.of("a NUL byte in a header", get("X-Nul: a\u0000b\r\n")),
                Arguments.of("two Host headers", get("Host: evil.test\r\n")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadable")
    void isRefusedWith400AndClosed(String what, byte[] request) throws IOException {
        String answer = answer(request);
        assertThat(answer).as(what).startsWith("HTTP/1.1 400");
        assertThat(answer).as(what + ": nothing but the refusal").doesNotContain("\"status\":\"up\"");
    }

    @Test
    void aWellFormedRequestIsStillAnswered() throws IOException {
        assertThat(answer(get("Connection: close\r\n")))
                .startsWith("HTTP/1.1 200")
                .contains("\"status\":\"up\"");
    }
}
