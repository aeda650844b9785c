package org.haven.client.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.Decoded;
import org.haven.protocol.E2e;
import org.haven.protocol.ProtocolCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Interoperability, both ways, with an implementation that is not Haven's own: the Node.js reference
 * implementation {@code docs/examples/e2e-interop.mjs}, written from {@code docs/e2e.md} with
 * {@code node:crypto} alone. For both suites, Java seals and Node opens, Node seals and Java opens
 * (with and without a one-time prekey, which opens once only); what Node publishes passes the
 * protocol's checks; both compute the same fingerprints and safety number; and the Node
 * implementation passes the published conformance vectors. Skipped only when {@code node} is not
 * installed (it is on every machine that runs {@code scripts/test.sh}).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NodeInteropTest {

    private static final Path SCRIPT = Path.of("..", "docs", "examples", "e2e-interop.mjs");
    private static final Path VECTORS = SchemeVectorsTest.VECTORS;
    private static final String TEXT =
            "Can we talk tonight? \u2764 \uD83D\uDE0A \u00e9\u00e8 \u2014 \u05e9\u05dc\u05d5\u05dd";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ProtocolCodec CODEC = ProtocolCodec.instance();

    private static Process node;
    private static Writer toNode;
    private static BufferedReader fromNode;

    @BeforeAll
    static void startNode() throws IOException {
        assumeTrue(nodeInstalled(), "node is not installed");
        assertThat(SCRIPT).as("the reference implementation").isRegularFile();
        node = new ProcessBuilder("node", SCRIPT.toString(), "peer")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        toNode = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8);
        fromNode = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node != null) {
            toNode.close(); // the peer ends at the end of its input
            if (!node.waitFor(10, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void javaSealsAndNodeOpens(Suite suite) throws Exception {
        String nodeDevice = "node-in-" + name(suite);
        JsonNode generated = generate(suite, nodeDevice, 2);
        E2e.DeviceBundle nodeBundle = JSON.treeToValue(generated.get("bundle"), E2e.DeviceBundle.class);
        E2e.Prekey oneTime = JSON.treeToValue(generated.at("/publish/oneTimePrekeys/0"), E2e.Prekey.class);
        E2e.DeviceBundle withOneTime = new E2e.DeviceBundle(
                nodeBundle.device(),
                nodeBundle.identityKey(),
                nodeBundle.signingKey(),
                nodeBundle.signedPrekey(),
                oneTime,
                nodeBundle.fingerprint());
        DeviceKeys java = DeviceKeys.generate("java-out-" + name(suite), suite, 0);

        // Java verifies Node's signed prekey signature and fingerprint before sealing.
        E2e.Envelope first = DirectCipher.seal(java, "java-user", withOneTime, "node-user", TEXT);
        E2e.Envelope second = DirectCipher.seal(java, "java-user", nodeBundle, "node-user", TEXT);
        assertThat(first.oneTimePrekeyId()).isEqualTo(oneTime.keyId());
        assertThat(second.oneTimePrekeyId()).isNull();

        assertThat(open(nodeDevice, "node-user", java.publicBundle(), "java-user", first)
                        .get("text")
                        .asText())
                .isEqualTo(TEXT);
        assertThat(open(nodeDevice, "node-user", java.publicBundle(), "java-user", second)
                        .get("text")
                        .asText())
                .isEqualTo(TEXT);
        assertThat(open(nodeDevice, "node-user", java.publicBundle(), "java-user", first)
                        .get("ok")
                        .asBoolean())
                .as("a one-time prekey opens one message only")
                .isFalse();

        // What the AAD binds: another sender user, or an altered ciphertext, does not open.
        E2e.Envelope third = DirectCipher.seal(java, "java-user", nodeBundle, "node-user", TEXT);
        assertThat(open(nodeDevice, "node-user", java.publicBundle(), "someone-else", third)
                        .get("ok")
                        .asBoolean())
                .isFalse();
        byte[] ciphertext = Base64.getDecoder().decode(third.ciphertext());
        ciphertext[ciphertext.length - 1] ^= 1; // the last byte belongs to the tag
        E2e.Envelope altered = new E2e.Envelope(
                third.device(),
                third.senderDevice(),
                third.algorithm(),
                third.ephemeralKey(),
                null,
                third.nonce(),
                Base64.getEncoder().encodeToString(ciphertext));
        assertThat(open(nodeDevice, "node-user", java.publicBundle(), "java-user", altered)
                        .get("ok")
                        .asBoolean())
                .isFalse();
        assertThat(open(nodeDevice, "node-user", java.publicBundle(), "java-user", third)
                        .get("text")
                        .asText())
                .isEqualTo(TEXT);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void nodeSealsAndJavaOpens(Suite suite) throws Exception {
        DeviceKeys java = DeviceKeys.generate("java-in-" + name(suite), suite, 1);
        E2e.DeviceBundle javaBundle = java.publicBundle();
        E2e.DeviceBundle withOneTime = new E2e.DeviceBundle(
                javaBundle.device(),
                javaBundle.identityKey(),
                javaBundle.signingKey(),
                javaBundle.signedPrekey(),
                java.oneTimePrekeys().get(0),
                javaBundle.fingerprint());
        String nodeDevice = "node-out-" + name(suite);
        JsonNode generated = generate(suite, nodeDevice, 0);
        E2e.DeviceBundle nodeBundle = JSON.treeToValue(generated.get("bundle"), E2e.DeviceBundle.class);

        // Node verifies Java's signed prekey signature and fingerprint before sealing.
        E2e.Envelope first = seal(nodeDevice, "node-user", withOneTime, "java-user");
        E2e.Envelope second = seal(nodeDevice, "node-user", javaBundle, "java-user");
        assertThat(first.algorithm()).isEqualTo(suite.envelopeAlg());
        assertThat(first.oneTimePrekeyId()).isEqualTo(DeviceKeys.FIRST_ONE_TIME_PREKEY_ID);
        assertThat(second.oneTimePrekeyId()).isNull();
        assertThat(decode("{\"type\":\"dm.send\",\"id\":\"1\",\"to\":\"java-user\",\"envelopes\":"
                        + JSON.writeValueAsString(List.of(first, second)) + "}"))
                .as("Node's envelopes as a dm.send")
                .isInstanceOf(Decoded.Message.class);

        assertThat(DirectCipher.open(java, "java-user", nodeBundle, "node-user", first))
                .isEqualTo(TEXT);
        assertThat(DirectCipher.open(java, "java-user", nodeBundle, "node-user", second))
                .isEqualTo(TEXT);
        assertThatThrownBy(() -> DirectCipher.open(java, "java-user", nodeBundle, "node-user", first))
                .as("a one-time prekey opens one message only")
                .isInstanceOf(E2eException.class);
        assertThatThrownBy(() -> DirectCipher.open(java, "someone-else", nodeBundle, "node-user", second))
                .as("the AAD binds the recipient user")
                .isInstanceOf(E2eException.class);
    }

    @ParameterizedTest
    @EnumSource(Suite.class)
    void whatNodePublishesPassesTheProtocolAndBothComputeTheSameSafetyNumber(Suite suite) throws Exception {
        JsonNode generated = generate(suite, "node-keys-" + name(suite), 3);
        ObjectNode publish = (ObjectNode) generated.get("publish").deepCopy();
        publish.put("type", "keys.publish").put("id", "1");
        Decoded decoded = decode(JSON.writeValueAsString(publish));
        assertThat(decoded).isInstanceOf(Decoded.Message.class);
        ClientMessage.KeysPublish keys = (ClientMessage.KeysPublish) ((Decoded.Message) decoded).message();
        assertThat(keys.identityKey().alg()).isEqualTo(suite.agreementAlg());
        assertThat(keys.signingKey().alg()).isEqualTo(suite.signingAlg());
        assertThat(keys.oneTimePrekeys()).hasSize(3);
        assertThat(Base64.getDecoder().decode(keys.signedPrekey().signature()))
                .as("a 64-byte signature (Ed25519, or ECDSA as r||s)")
                .hasSize(64);

        String nodeFingerprint = generated.at("/bundle/fingerprint").asText();
        assertThat(Fingerprints.of(keys.identityKey())).isEqualTo(nodeFingerprint);
        String javaFingerprint = DeviceKeys.generate("java-keys", suite, 0).fingerprint();
        ObjectNode request = JSON.createObjectNode()
                .put("op", "safetyNumber")
                .put("a", javaFingerprint)
                .put("b", nodeFingerprint);
        assertThat(ask(request).get("safetyNumber").asText())
                .isEqualTo(Fingerprints.safetyNumber(nodeFingerprint, javaFingerprint));
    }

    @Test
    void suitesDoNotMix() throws Exception {
        generate(Suite.X25519, "node-mix", 0);
        DeviceKeys p256 = DeviceKeys.generate("java-mix", Suite.P256, 0);
        ObjectNode request = JSON.createObjectNode()
                .put("op", "seal")
                .put("device", "node-mix")
                .put("senderUser", "node-user")
                .put("recipientUser", "java-user")
                .put("text", TEXT);
        request.set("recipient", JSON.valueToTree(p256.publicBundle()));
        JsonNode answer = answer(request);
        assertThat(answer.get("ok").asBoolean()).isFalse();
        assertThat(answer.get("error").asText()).contains("not x25519");
    }

    @Test
    void theReferenceImplementationPassesThePublishedVectors() throws Exception {
        Process check = new ProcessBuilder("node", SCRIPT.toString(), "vectors", VECTORS.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(output).isZero();
        assertThat(output).contains("every check passed");
    }

    // ---- the Node peer ---------------------------------------------------------------------------

    private static JsonNode generate(Suite suite, String device, int oneTimePrekeys) throws IOException {
        return ask(JSON.createObjectNode()
                .put("op", "generate")
                .put("suite", name(suite))
                .put("device", device)
                .put("oneTimePrekeys", oneTimePrekeys));
    }

    private static E2e.Envelope seal(String device, String senderUser, E2e.DeviceBundle to, String recipientUser)
            throws IOException {
        ObjectNode request = JSON.createObjectNode()
                .put("op", "seal")
                .put("device", device)
                .put("senderUser", senderUser)
                .put("recipientUser", recipientUser)
                .put("text", TEXT);
        request.set("recipient", JSON.valueToTree(to));
        // The record's constructor checks the shape the server checks (algorithm, base64, 12-byte nonce).
        return JSON.treeToValue(ask(request).get("envelope"), E2e.Envelope.class);
    }

    /** Node opens; the answer is {@code {ok: true, text}} or {@code {ok: false, error}}. */
    private static JsonNode open(
            String device, String recipientUser, E2e.DeviceBundle sender, String senderUser, E2e.Envelope envelope)
            throws IOException {
        ObjectNode request = JSON.createObjectNode()
                .put("op", "open")
                .put("device", device)
                .put("recipientUser", recipientUser)
                .put("senderUser", senderUser);
        request.set("sender", JSON.valueToTree(sender));
        request.set("envelope", JSON.valueToTree(envelope));
        return answer(request);
    }

    /** Asks the peer and requires success. */
    private static JsonNode ask(ObjectNode request) throws IOException {
        JsonNode answer = answer(request);
        assertThat(answer.get("ok").asBoolean())
                .as("%s: %s", request.get("op"), answer)
                .isTrue();
        return answer;
    }

    private static synchronized JsonNode answer(ObjectNode request) throws IOException {
        toNode.write(JSON.writeValueAsString(request) + "\n");
        toNode.flush();
        String line = fromNode.readLine();
        assertThat(line).as("an answer from the Node peer").isNotNull();
        return JSON.readTree(line);
    }

    private static Decoded decode(String frame) {
        return CODEC.decodeClient(frame);
    }

    private static String name(Suite suite) {
        return suite.name().toLowerCase(Locale.ROOT);
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
}
