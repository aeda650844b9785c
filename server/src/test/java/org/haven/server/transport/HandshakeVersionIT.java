package org.haven.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Only the final WebSocket protocol (version 13, over HTTP/1.1) is accepted; drafts are refused. */
class HandshakeVersionIT {

    @RegisterExtension
    final TestServer haven = new TestServer();

    /** The status line and headers of the answer to a raw upgrade request. */
    private List<String> upgrade(String httpVersion, String wsVersion) throws Exception {
        try (Socket s = new Socket("127.0.0.1", haven.uri().getPort())) {
            s.setSoTimeout(5_000);
            String request = "GET /ws " + httpVersion + "\r\n"
                    + "Host: 127.0.0.1\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: " + wsVersion + "\r\n\r\n";
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            List<String> head = new ArrayList<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                head.add(line);
            }
            return head;
        }
    }

    @Test
    void version13IsAccepted() throws Exception {
        assertThat(upgrade("HTTP/1.1", "13").get(0)).startsWith("HTTP/1.1 101");
    }

    @ParameterizedTest
    @ValueSource(strings = {"7", "8", "0", ""})
    void draftsAreRefusedWithTheVersionToUse(String version) throws Exception {
        List<String> head = upgrade("HTTP/1.1", version);
        assertThat(head.get(0)).startsWith("HTTP/1.1 426");
        assertThat(head).anyMatch(h -> h.equalsIgnoreCase("sec-websocket-version: 13"));
    }

    @Test
    void anHttp10UpgradeIsRefused() throws Exception {
        assertThat(upgrade("HTTP/1.0", "13").get(0)).matches("HTTP/1\\.[01] 400.*");
    }
}
