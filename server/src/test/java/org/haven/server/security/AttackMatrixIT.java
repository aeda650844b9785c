package org.haven.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.haven.client.ClientOptions;
import org.haven.client.HavenClient;
import org.haven.protocol.Alerts;
import org.haven.protocol.Care;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.CloseCode;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.Sessions;
import org.haven.server.config.ServerConfig;
import org.haven.server.testing.Replies;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The attack matrix: forged tokens, reaching across organisations and rooms, clients trying
 * clinicians' actions, cross-site WebSocket hijacking, floods, oversize frames, compression bombs,
 * slow handshakes, too many connections. Each case asserts the documented refusal.
 */
class AttackMatrixIT {

    @RegisterExtension
    final TestServer haven = new TestServer(b -> b.allowedOrigins(List.of("https://care.example"))
            .maxConnectionsPerUser(3)
            .floodRefusals(100));

    private static final byte[] SECRET = ServerConfig.DEV_SECRET.getBytes(StandardCharsets.UTF_8);

    private JwtBuilder valid(String sub) {
        Instant now = Instant.now();
        return Jwts.builder()
                .subject(sub)
                .issuer(ServerConfig.DEV_ISSUER)
                .audience()
                .add(ServerConfig.DEV_AUDIENCE)
                .and()
                .issuedAt(Date.from(now))
                .expiration(Date.from(now.plusSeconds(600)))
                .claim("org", "demo")
                .claim("role", "client")
                .claim("rooms", List.of("group-1"));
    }

    private String signed(String sub, UnaryOperator<JwtBuilder> change) {
        return change.apply(valid(sub))
                .signWith(Keys.hmacShaKeyFor(SECRET), Jwts.SIG.HS256)
                .compact();
    }

    private void closesWith(String token, CloseCode code) throws Exception {
        HavenClient client = haven.connect(ClientOptions.defaults().withOrigin("https://care.example"));
        client.hello(token);
        assertThat(client.closeFuture().get(5, TimeUnit.SECONDS).code()).isEqualTo(code.code());
    }

    private HavenClient login(String sub, Role role, String org, String... rooms) throws Exception {
        HavenClient client = haven.connect(ClientOptions.defaults().withOrigin("https://care.example"));
        client.hello(haven.token(sub, role, org, rooms)).get(5, TimeUnit.SECONDS);
        return client;
    }

    @TestFactory
    List<DynamicTest> everyAttackIsRefusedWithItsDocumentedCode() throws Exception {
        List<DynamicTest> cases = new ArrayList<>();
        // ---- forged and broken tokens: close 4003
        cases.add(DynamicTest.dynamicTest("alg none", () -> {
            String h = b64("{\"alg\":\"none\"}");
            String p = b64("{\"sub\":\"x\",\"iss\":\"" + ServerConfig.DEV_ISSUER + "\",\"aud\":\""
                    + ServerConfig.DEV_AUDIENCE + "\",\"exp\":" + (Instant.now().getEpochSecond() + 600)
                    + ",\"org\":\"demo\",\"role\":\"client\",\"rooms\":[]}");
            closesWith(h + "." + p + ".", CloseCode.AUTH_FAILED);
        }));
        cases.add(DynamicTest.dynamicTest("HS/RS key confusion", () -> {
            var rsa = Jwts.SIG.RS256.keyPair().build();
            String pem = "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder().encodeToString(rsa.getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n";
            closesWith(
                    valid("x")
                            .signWith(Keys.hmacShaKeyFor(pem.getBytes(StandardCharsets.US_ASCII)), Jwts.SIG.HS256)
                            .compact(),
                    CloseCode.AUTH_FAILED);
        }));
        cases.add(DynamicTest.dynamicTest(
                "RS256 with an unknown key",
                () -> closesWith(
                        valid("x")
                                .signWith(Jwts.SIG.RS256.keyPair().build().getPrivate(), Jwts.SIG.RS256)
                                .compact(),
                        CloseCode.AUTH_FAILED)));
        cases.add(DynamicTest.dynamicTest(
                "wrong HMAC key",
                () -> closesWith(
                        valid("x")
                                .signWith(
                                        Keys.hmacShaKeyFor("another-secret-of-at-least-thirty-two-bytes"
                                                .getBytes(StandardCharsets.UTF_8)),
                                        Jwts.SIG.HS256)
                                .compact(),
                        CloseCode.AUTH_FAILED)));
        cases.add(DynamicTest.dynamicTest(
                "expired",
                () -> closesWith(
                        signed("x", b -> b.expiration(Date.from(Instant.now().minusSeconds(120)))),
                        CloseCode.AUTH_FAILED)));
        cases.add(DynamicTest.dynamicTest(
                "not yet valid",
                () -> closesWith(
                        signed("x", b -> b.notBefore(Date.from(Instant.now().plusSeconds(120)))),
                        CloseCode.AUTH_FAILED)));
        cases.add(DynamicTest.dynamicTest(
                "wrong audience",
                () -> closesWith(signed("x", b -> b.audience().single("another-app")), CloseCode.AUTH_FAILED)));
        cases.add(DynamicTest.dynamicTest(
                "wrong issuer",
                () -> closesWith(signed("x", b -> b.issuer("https://evil.example")), CloseCode.AUTH_FAILED)));
        for (String claim : List.of("org", "role", "rooms")) {
            cases.add(DynamicTest.dynamicTest(
                    "missing " + claim,
                    () -> closesWith(signed("x", b -> b.claims().delete(claim).and()), CloseCode.AUTH_FAILED)));
        }
        cases.add(DynamicTest.dynamicTest(
                "missing sub", () -> closesWith(signed("x", b -> b.subject(null)), CloseCode.AUTH_FAILED)));
        cases.add(DynamicTest.dynamicTest(
                "missing exp", () -> closesWith(signed("x", b -> b.expiration(null)), CloseCode.AUTH_FAILED)));
        cases.add(DynamicTest.dynamicTest(
                "invented role", () -> closesWith(signed("x", b -> b.claim("role", "admin")), CloseCode.AUTH_FAILED)));
        cases.add(DynamicTest.dynamicTest(
                "oversized token",
                () -> closesWith(signed("x", b -> b.claim("pad", "x".repeat(9000))), CloseCode.AUTH_FAILED)));

        // ---- across organisations and rooms
        cases.add(DynamicTest.dynamicTest("another organisation acknowledges an alert", () -> {
            String alert = raise("victim-1");
            Replies.assertError(
                    login("dr-evil-1", Role.CLINICIAN, "other-org", "group-1")
                            .request(id -> new ClientMessage.AlertAcknowledge(id, alert)),
                    ErrorCode.NOT_FOUND);
        }));
        cases.add(DynamicTest.dynamicTest("another organisation reads a care record", () -> {
            checkedIn("victim-2");
            Replies.assertError(
                    login("dr-evil-2", Role.CLINICIAN, "other-org", "group-1")
                            .request(id -> new ClientMessage.CareRecordGet(id, "victim-2", "group-1")),
                    ErrorCode.NOT_FOUND);
        }));
        cases.add(DynamicTest.dynamicTest("a clinician without the room's grant reads a care record", () -> {
            checkedIn("victim-3");
            Replies.assertError(
                    login("dr-other-room", Role.CLINICIAN, "demo", "group-9")
                            .request(id -> new ClientMessage.CareRecordGet(id, "victim-3", "group-1")),
                    ErrorCode.NOT_FOUND);
        }));
        cases.add(DynamicTest.dynamicTest(
                "a client joins a room not granted",
                () -> Replies.assertError(
                        login("c-1", Role.CLIENT, "demo", "group-1")
                                .request(id -> new ClientMessage.RoomJoin(id, "group-2")),
                        ErrorCode.FORBIDDEN)));
        cases.add(DynamicTest.dynamicTest("a client reads another client's check-in", () -> {
            checkedIn("victim-4");
            Replies.assertError(
                    login("c-2", Role.CLIENT, "demo", "group-1")
                            .request(id -> new ClientMessage.CareRecordGet(id, "victim-4", "group-1")),
                    ErrorCode.NOT_FOUND);
        }));
        cases.add(DynamicTest.dynamicTest(
                "a client rewrites another client's safety plan",
                () -> Replies.assertError(
                        login("c-3", Role.CLIENT, "demo", "group-1")
                                .request(id -> new ClientMessage.PlanSet(
                                        id,
                                        "victim-5",
                                        new Care.SafetyPlan(
                                                List.of("x"), List.of(), List.of(), List.of(), List.of(), List.of()))),
                        ErrorCode.FORBIDDEN)));
        cases.add(DynamicTest.dynamicTest(
                "a client lowers their own assessed risk",
                () -> Replies.assertError(
                        login("c-9", Role.CLIENT, "demo", "group-1")
                                .request(id -> new ClientMessage.RiskSet(id, "c-9", Care.RiskLevel.LOW, null, null)),
                        ErrorCode.FORBIDDEN)));
        cases.add(DynamicTest.dynamicTest("a clinician without the room's grant sets a client's risk", () -> {
            checkedIn("victim-9");
            Replies.assertError(
                    login("dr-other-room", Role.CLINICIAN, "demo", "group-9")
                            .request(id -> new ClientMessage.RiskSet(id, "victim-9", Care.RiskLevel.LOW, null, null)),
                    ErrorCode.FORBIDDEN);
        }));
        cases.add(DynamicTest.dynamicTest("signalling to a peer in another room", () -> {
            HavenClient a = login("c-4", Role.CLINICIAN, "demo", "group-1");
            joined(a, "group-1");
            HavenClient b = login("c-5", Role.CLINICIAN, "demo", "group-3");
            joined(b, "group-3");
            Replies.assertError(
                    a.request(id -> new ClientMessage.RtcSignal(id, "group-1", "c-5", Sessions.Signal.OFFER, "v=0")),
                    ErrorCode.NOT_A_MEMBER);
        }));

        // ---- a client trying clinicians' actions
        cases.add(DynamicTest.dynamicTest("a client acknowledges an alert", () -> {
            String alert = raise("victim-6");
            Replies.assertError(
                    login("c-6", Role.CLIENT, "demo", "group-1")
                            .request(id -> new ClientMessage.AlertAcknowledge(id, alert)),
                    ErrorCode.FORBIDDEN);
        }));
        cases.add(DynamicTest.dynamicTest(
                "a client lists alerts",
                () -> Replies.assertError(
                        login("c-7", Role.CLIENT, "demo", "group-1").request(ClientMessage.AlertList::new),
                        ErrorCode.FORBIDDEN)));
        cases.add(DynamicTest.dynamicTest(
                "a client flags another client",
                () -> Replies.assertError(
                        login("c-8", Role.CLIENT, "demo", "group-1")
                                .request(id -> new ClientMessage.AlertFlag(
                                        id, "victim-7", "group-1", Alerts.Kind.OTHER, Alerts.Severity.LOW, null)),
                        ErrorCode.FORBIDDEN)));
        for (String action : List.of("pause", "admit", "remove", "breakout", "end")) {
            cases.add(DynamicTest.dynamicTest("a client tries " + action, () -> {
                HavenClient dr = login("dr-" + action, Role.CLINICIAN, "demo", "room-" + action);
                joined(dr, "room-" + action);
                HavenClient c = login("c-" + action, Role.CLIENT, "demo", "room-" + action);
                haven.checkIn(c, "room-" + action);
                joined(c, "room-" + action);
                String room = "room-" + action;
                CompletableFuture<?> reply = switch (action) {
                    case "pause" -> c.request(id -> new ClientMessage.SessionPause(id, room));
                    case "admit" -> c.request(id -> new ClientMessage.RoomAdmit(id, room, "someone"));
                    case "remove" -> c.request(id -> new ClientMessage.RoomRemove(id, room, "dr-" + action));
                    case "breakout" ->
                        c.request(id -> new ClientMessage.BreakoutStart(id, room, "c-" + action, null, null));
                    default -> c.request(id -> new ClientMessage.SessionEnd(id, room, "bye"));
                };
                Replies.assertError(reply, ErrorCode.FORBIDDEN);
            }));
        }

        // ---- the transport
        cases.add(DynamicTest.dynamicTest(
                "cross-site WebSocket hijacking",
                () -> assertThatThrownBy(
                                () -> haven.connect(ClientOptions.defaults().withOrigin("https://evil.example")))
                        .hasMessageContaining("403")));
        cases.add(DynamicTest.dynamicTest("a message before hello", () -> {
            HavenClient c = haven.connect(ClientOptions.defaults().withOrigin("https://care.example"));
            c.request(ClientMessage.AlertList::new);
            assertThat(c.closeFuture().get(5, TimeUnit.SECONDS).code()).isEqualTo(CloseCode.AUTH_REQUIRED.code());
        }));
        cases.add(DynamicTest.dynamicTest("a flood past the rate limit", () -> {
            HavenClient c = login("flooder", Role.CLIENT, "demo", "group-1");
            for (int i = 0; i < 400; i++) {
                c.sendText("{\"type\":\"ping\",\"id\":\"" + i + "\"}");
            }
            assertThat(c.closeFuture().get(5, TimeUnit.SECONDS).code()).isEqualTo(CloseCode.RATE_LIMIT_FLOOD.code());
        }));
        cases.add(DynamicTest.dynamicTest("an oversize frame", () -> {
            HavenClient c = login("big", Role.CLIENT, "demo", "group-1");
            c.sendText("{\"type\":\"ping\",\"id\":\"" + "x".repeat(70_000) + "\"}");
            assertThat(c.closeFuture().get(5, TimeUnit.SECONDS).code()).isEqualTo(CloseCode.MESSAGE_TOO_BIG.code());
        }));
        cases.add(DynamicTest.dynamicTest("a binary frame", () -> {
            HavenClient c = login("binary", Role.CLIENT, "demo", "group-1");
            c.sendBinary(new byte[] {0x1f, (byte) 0x8b, 8, 0});
            assertThat(c.closeFuture().get(5, TimeUnit.SECONDS).code()).isEqualTo(CloseCode.UNSUPPORTED_DATA.code());
        }));
        cases.add(DynamicTest.dynamicTest("a permessage-deflate bomb is never negotiated", () -> {
            String response = rawHandshake("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");
            assertThat(response).startsWith("HTTP/1.1 101");
            assertThat(response.toLowerCase()).doesNotContain("sec-websocket-extensions");
        }));
        cases.add(DynamicTest.dynamicTest("a slow handshake cannot hold a connection open", () -> {
            try (Socket socket = new Socket("127.0.0.1", haven.server().port())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream()
                        .write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
                long start = System.nanoTime();
                assertThat(socket.getInputStream().read()).isEqualTo(-1); // closed by the server
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
            }
        }));
        cases.add(DynamicTest.dynamicTest("too many connections for one user", () -> {
            for (int i = 0; i < 3; i++) {
                login("many", Role.CLIENT, "demo", "group-1");
            }
            closesWith(haven.token("many", Role.CLIENT, "demo", "group-1"), CloseCode.TOO_MANY_CONNECTIONS);
        }));
        return cases;
    }

    private String raise(String client) throws Exception {
        HavenClient c = login(client, Role.CLIENT, "demo", "group-1");
        return c.call(id -> new ClientMessage.AlertRaise(id, "group-1", null, null), Result.AlertReceived.class)
                .get(5, TimeUnit.SECONDS)
                .alert();
    }

    private void checkedIn(String client) throws Exception {
        HavenClient c = login(client, Role.CLIENT, "demo", "group-1");
        haven.checkIn(c, "group-1");
        joined(c, "group-1");
    }

    private static void joined(HavenClient c, String room) throws Exception {
        c.request(id -> new ClientMessage.RoomJoin(id, room)).get(5, TimeUnit.SECONDS);
    }

    private String rawHandshake(String extraHeaders) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", haven.server().port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + haven.server().port() + "\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            + "Origin: https://care.example\r\n" + extraHeaders + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            return head.toString();
        }
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
