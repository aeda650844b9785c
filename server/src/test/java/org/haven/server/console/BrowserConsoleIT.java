package org.haven.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.haven.client.crypto.DeviceKeys;
import org.haven.client.crypto.DirectCipher;
import org.haven.client.crypto.Fingerprints;
import org.haven.client.crypto.Hkdf;
import org.haven.client.crypto.Suite;
import org.haven.protocol.E2e;
import org.haven.protocol.ProtocolCodec;
import org.haven.protocol.ServerMessage;
import org.haven.server.alert.StoredAlert;
import org.haven.server.audit.AuditRecord;
import org.haven.server.audit.InMemoryAuditTrail;
import org.haven.server.testing.LogCapture;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console in a real browser: runs {@code browser-tests/console.test.mjs} (Playwright driving
 * Debian's Chromium, headless) against a real server in dev mode, then checks what the browser
 * cannot: every frame the browsers received conforms to the published schema; the server's stores,
 * audit trail and logs hold none of the planted texts of the discreet chat and the group chat, nor
 * (audit trail and logs) the client's address and phone; envelopes sealed by the console's WebCrypto
 * module open with the Java scheme, and bundles it made are accepted by the Java client library.
 *
 * <p>Missing tools fail the test ({@link BrowserScript}). Screenshots and frames are kept in
 * {@code target/browser-artifacts/}.
 */
class BrowserConsoleIT {

    private static final Path ARTIFACTS = Path.of("target", "browser-artifacts").toAbsolutePath();
    /** The published conformance vectors of the end-to-end scheme (docs/e2e.md). */
    private static final Path VECTORS = Path.of("..", "docs", "vectors", "e2e-scheme-vectors.json")
            .toAbsolutePath()
            .normalize();

    private static final long RUN_SECONDS = 120;
    private static final ObjectMapper JSON = new ObjectMapper();

    // Unique to this run, so a match can only come from this scenario.
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String GROUP_CHAT = "PLANTED-GROUP-CHAT-" + RUN + " my week was rough";
    private static final String SECRET = "PLANTED-E2E-SECRET-" + RUN + " I have been saving up pills";
    private static final String REPLY = "PLANTED-E2E-REPLY-" + RUN + " stay with me, I am calling you now";
    private static final String STREET = "742 Plantedtree Lane";
    private static final String PHONE = "+1 217 555 0142";
    private static final String CONTACT_NAME = "Priya Plantedcontact";
    private static final String CONTACT_PHONE = "+1 217 555 0163";
    private static final String COPING = "PLANTED-COPING-" + RUN + " breathe out slowly";

    @RegisterExtension
    final TestServer haven = new TestServer();

    @Test
    @Timeout(value = RUN_SECONDS + 60, unit = TimeUnit.SECONDS)
    void theConsoleWorksInARealBrowserAndTheServerKeepsNoPlaintext() throws Exception {
        String node = BrowserScript.requireTools();
        Files.createDirectories(ARTIFACTS);

        BrowserScript.Result run = runBrowserTest(node);
        assertThat(run.exitCode())
                .as("browser test failed (exit %s); its output:%n%s", run.exitCode(), run.tail())
                .isZero();

        BrowserScript.assertFramesConformToTheSchema(ARTIFACTS, 20);
        assertBrowserCryptoInteroperatesWithJava();
        assertNoPlaintextInStoresAuditOrLogs();
    }

    private BrowserScript.Result runBrowserTest(String node) throws Exception {
        String planted = JSON.writeValueAsString(java.util.Map.of(
                "groupChat",
                GROUP_CHAT,
                "secret",
                SECRET,
                "reply",
                REPLY,
                "street",
                STREET,
                "phone",
                PHONE,
                "contactName",
                CONTACT_NAME,
                "contactPhone",
                CONTACT_PHONE,
                "coping",
                COPING));
        return BrowserScript.run(
                node,
                "console.test.mjs",
                java.util.Map.of(
                        "HAVEN_URL",
                        haven.httpBase(),
                        "HAVEN_ARTIFACTS",
                        ARTIFACTS.toString(),
                        "HAVEN_PLANTED",
                        planted),
                RUN_SECONDS);
    }

    /**
     * Envelopes the console sealed (WebCrypto) to the Java-made recipient of the shared vectors open by
     * the written scheme here; the console's bundles pass the Java library's checks (signed prekey
     * signature, fingerprint) and take a Java-sealed message.
     */
    private static void assertBrowserCryptoInteroperatesWithJava() throws Exception {
        JsonNode sealed = JSON.readTree(ARTIFACTS.resolve("browser-sealed.json").toFile());
        JsonNode vectors = JSON.readTree(VECTORS.toFile()).get("vectors");
        assertThat(sealed.get("vectors")).hasSize(2);
        for (JsonNode s : sealed.get("vectors")) {
            Suite suite = Suite.valueOf(s.get("suite").asText().toUpperCase(Locale.ROOT));
            JsonNode vector = null;
            for (JsonNode v : vectors) {
                if (v.get("suite").asText().equals(s.get("suite").asText())) {
                    vector = v;
                }
            }
            assertThat(vector).isNotNull();
            E2e.DeviceBundle sender = JSON.treeToValue(s.get("sender"), E2e.DeviceBundle.class);
            assertThat(Fingerprints.of(sender.identityKey())).isEqualTo(sender.fingerprint());
            // Java's seal verifies the browser's signed prekey signature and fingerprint first.
            E2e.Envelope toBrowser = DirectCipher.seal(
                    DeviceKeys.generate("java-1", suite, 0), "java-user", sender, "web-user", "hello from Java");
            assertThat(toBrowser.algorithm()).isEqualTo(suite.envelopeAlg());
            JsonNode priv = vector.get("recipientPrivate");
            for (JsonNode env : s.get("envelopes")) {
                byte[] info = info(
                        s.get("senderUser").asText(),
                        sender.device(),
                        s.get("recipientUser").asText(),
                        env.get("device").asText());
                PublicKey eph = publicKey(suite, env.get("ephemeralKey").asText());
                PrivateKey spk = privateKey(suite, priv.get("signedPrekey").asText());
                byte[] ikm = cat(
                        dh(suite, spk, publicKey(suite, sender.identityKey().key())),
                        dh(suite, privateKey(suite, priv.get("identity").asText()), eph),
                        dh(suite, spk, eph),
                        env.hasNonNull("oneTimePrekeyId")
                                ? dh(
                                        suite,
                                        privateKey(
                                                suite,
                                                priv.at("/oneTimePrekeys/"
                                                                + env.get("oneTimePrekeyId")
                                                                        .asInt())
                                                        .asText()),
                                        eph)
                                : new byte[0]);
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(
                        Cipher.DECRYPT_MODE,
                        new SecretKeySpec(Hkdf.derive(new byte[32], ikm, info, 32), "AES"),
                        new GCMParameterSpec(
                                128, Base64.getDecoder().decode(env.get("nonce").asText())));
                c.updateAAD(info);
                String text = new String(
                        c.doFinal(
                                Base64.getDecoder().decode(env.get("ciphertext").asText())),
                        StandardCharsets.UTF_8);
                assertThat(text)
                        .as("%s envelope sealed in the browser", suite)
                        .isEqualTo(s.get("text").asText());
            }
        }
    }

    private void assertNoPlaintextInStoresAuditOrLogs() throws Exception {
        List<String> chatTexts = List.of(GROUP_CHAT, SECRET, REPLY);
        List<String> everything = List.of(
                GROUP_CHAT,
                SECRET,
                REPLY,
                STREET,
                "Plantedtree",
                PHONE,
                "555 0142",
                CONTACT_NAME,
                "Plantedcontact",
                CONTACT_PHONE,
                "555 0163",
                COPING);

        // The relayed envelopes (as delivered to the browsers) and the mailbox: ciphertext only.
        List<String> relayed = new ArrayList<>();
        for (String frame : Files.readAllLines(ARTIFACTS.resolve("frames-clinician.jsonl"), StandardCharsets.UTF_8)) {
            if (frame.startsWith("{\"type\":\"dm.message\"")) {
                relayed.add(frame);
            }
        }
        for (String frame : Files.readAllLines(ARTIFACTS.resolve("frames-client.jsonl"), StandardCharsets.UTF_8)) {
            if (frame.startsWith("{\"type\":\"dm.message\"")) {
                relayed.add(frame);
            }
        }
        assertThat(relayed).as("direct messages relayed to the browsers").hasSizeGreaterThanOrEqualTo(2);
        assertThat(relayed).noneMatch(f -> f.contains(SECRET) || f.contains(REPLY) || f.contains("PLANTED-E2E"));
        List<E2e.DirectMessage> mailbox =
                ((org.haven.server.chat.InMemoryMailbox) haven.server().mailbox()).everything();
        for (E2e.DirectMessage stored : mailbox) {
            String json = ProtocolCodec.instance().encode(new ServerMessage.DmMessage(stored));
            assertThat(json)
                    .as("mailbox")
                    .doesNotContain(SECRET)
                    .doesNotContain(REPLY)
                    .doesNotContain("PLANTED");
        }
        assertThat(mailbox)
                .as("every direct message was confirmed by the console (dm.ack)")
                .isEmpty();

        // The alert store carries the location (responders need it), never chat of either kind.
        List<StoredAlert> alerts =
                haven.server().alertStore().unclosed().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(alerts).as("alerts raised from the browser").isNotEmpty();
        String alertJson = alerts.toString();
        assertThat(alertJson).as("the alerts carry the confirmed location").contains(STREET);
        for (String text : chatTexts) {
            assertThat(alertJson).as("alert store").doesNotContain(text);
        }

        // The audit trail: opaque ids and codes only.
        haven.server().audit().flush().get(5, TimeUnit.SECONDS);
        List<AuditRecord> records = ((InMemoryAuditTrail) haven.server().audit()).records();
        assertThat(records).as("audit records of the scenario").isNotEmpty();
        for (AuditRecord r : records) {
            String line = r.toString();
            for (String text : everything) {
                assertThat(line).as("audit record").doesNotContain(text);
            }
        }

        // The logs: nothing planted, not even the ciphertext's plaintext.
        haven.server().close();
        List<String> logs = LogCapture.lines();
        assertThat(logs).as("the server logged during the scenario").isNotEmpty();
        for (String text : everything) {
            assertThat(logs).as("log lines containing %s", text).noneMatch(l -> l.contains(text));
        }
    }

    private static byte[] info(String senderUser, String senderDevice, String recipientUser, String recipientDevice) {
        return ("haven-e2e-v1" + String.join("\0", senderUser, senderDevice, recipientUser, recipientDevice))
                .getBytes(StandardCharsets.UTF_8);
    }

    private static PublicKey publicKey(Suite suite, String base64) throws Exception {
        return KeyFactory.getInstance(suite == Suite.X25519 ? "XDH" : "EC")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static PrivateKey privateKey(Suite suite, String base64) throws Exception {
        return KeyFactory.getInstance(suite == Suite.X25519 ? "XDH" : "EC")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static byte[] dh(Suite suite, PrivateKey mine, PublicKey theirs) throws Exception {
        KeyAgreement ka = KeyAgreement.getInstance(suite == Suite.X25519 ? "XDH" : "ECDH");
        ka.init(mine);
        ka.doPhase(theirs, true);
        return ka.generateSecret();
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
