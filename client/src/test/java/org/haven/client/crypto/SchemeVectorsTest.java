package org.haven.client.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.haven.protocol.E2e;
import org.junit.jupiter.api.Test;

/**
 * The published conformance vectors of the discreet chat's scheme, {@code
 * docs/vectors/e2e-scheme-vectors.json} (described in {@code docs/e2e.md}): for each suite, envelopes
 * sealed by {@link DirectCipher#seal} together with the recipient's private keys (PKCS#8), the info
 * bytes, the key agreement input and the message key. This test opens them step by step from the
 * written spec with plain JCA calls and checks every intermediate; the same file is read by the
 * browser test ({@code browser-tests/console.test.mjs}, WebCrypto) and by the Node.js reference
 * implementation ({@code docs/examples/e2e-interop.mjs}, see {@code NodeInteropTest}). Regenerate
 * (only when the scheme changes, which needs a new version) with {@link #main}.
 */
class SchemeVectorsTest {

    /** The one copy of the vectors, in the published documentation (tests run in the module directory). */
    static final Path VECTORS = Path.of("..", "docs", "vectors", "e2e-scheme-vectors.json");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final Base64.Encoder B64E = Base64.getEncoder();
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void committedVectorsOpenByTheSpec() throws Exception {
        assertThat(VECTORS).as("the published vectors").isRegularFile();
        JsonNode root = JSON.readTree(VECTORS.toFile());
        assertThat(root.get("vectors")).hasSize(2);
        for (JsonNode v : root.get("vectors")) {
            Suite suite = Suite.valueOf(v.get("suite").asText().toUpperCase(java.util.Locale.ROOT));
            JsonNode sender = v.get("sender");
            JsonNode recipient = v.get("recipient");
            JsonNode priv = v.get("recipientPrivate");
            byte[] info = DirectCipher.info(
                    v.get("senderUser").asText(),
                    sender.get("device").asText(),
                    v.get("recipientUser").asText(),
                    recipient.get("device").asText());
            assertThat(HEX.formatHex(info)).isEqualTo(v.get("infoHex").asText());
            for (JsonNode bundle : new JsonNode[] {sender, recipient}) {
                assertThat(Fingerprints.of(new E2e.PublicKey(
                                suite.agreementAlg(),
                                bundle.at("/identityKey/key").asText())))
                        .isEqualTo(bundle.get("fingerprint").asText());
                // The signed prekey's signature: 64 bytes (Ed25519, or ECDSA as IEEE P1363 r||s), over
                // the prekey's X.509 bytes as published.
                byte[] signature =
                        B64D.decode(bundle.at("/signedPrekey/signature").asText());
                assertThat(signature).hasSize(64);
                Signature verify =
                        Signature.getInstance(suite == Suite.X25519 ? "Ed25519" : "SHA256withECDSAinP1363Format");
                verify.initVerify(KeyFactory.getInstance(suite == Suite.X25519 ? "Ed25519" : "EC")
                        .generatePublic(new X509EncodedKeySpec(
                                B64D.decode(bundle.at("/signingKey/key").asText()))));
                verify.update(B64D.decode(bundle.at("/signedPrekey/key").asText()));
                assertThat(verify.verify(signature))
                        .as("signed prekey signature")
                        .isTrue();
            }
            assertThat(Fingerprints.safetyNumber(
                            sender.get("fingerprint").asText(),
                            recipient.get("fingerprint").asText()))
                    .isEqualTo(v.get("safetyNumber").asText());
            for (JsonNode env : v.get("envelopes")) {
                PublicKey eph = publicKey(suite, env.get("ephemeralKey").asText());
                PrivateKey spk = privateKey(suite, priv.get("signedPrekey").asText());
                byte[] ikm = cat(
                        dh(
                                suite,
                                spk,
                                publicKey(suite, sender.at("/identityKey/key").asText())),
                        dh(suite, privateKey(suite, priv.get("identity").asText()), eph),
                        dh(suite, spk, eph),
                        env.has("oneTimePrekeyId")
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
                assertThat(HEX.formatHex(ikm)).isEqualTo(env.get("ikmHex").asText());
                byte[] key = Hkdf.derive(new byte[32], ikm, info, 32);
                assertThat(HEX.formatHex(key))
                        .isEqualTo(env.get("messageKeyHex").asText());
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(
                        Cipher.DECRYPT_MODE,
                        new SecretKeySpec(key, "AES"),
                        new GCMParameterSpec(128, B64D.decode(env.get("nonce").asText())));
                c.updateAAD(info);
                byte[] plain = c.doFinal(B64D.decode(env.get("ciphertext").asText()));
                assertThat(new String(plain, StandardCharsets.UTF_8))
                        .isEqualTo(v.get("plaintext").asText());
            }
        }
    }

    /** Writes fresh vectors to the path given ({@code docs/vectors/e2e-scheme-vectors.json}). */
    public static void main(String[] args) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        root.put(
                "description",
                "Haven discreet-chat scheme vectors (docs/e2e.md): envelopes sealed by the Java "
                        + "client library, with the recipient's private keys, for other implementations to open.");
        ArrayNode vectors = root.putArray("vectors");
        String text = "Vector text: I feel safe now \u2764 \u00e9\u00e8";
        for (Suite suite : Suite.values()) {
            DeviceKeys alice = DeviceKeys.generate("alice-phone", suite, 0);
            DeviceKeys bo = DeviceKeys.generate("bo-laptop", suite, 1);
            E2e.DeviceBundle b = bo.publicBundle();
            E2e.Prekey otpk = bo.oneTimePrekeys().get(0);
            E2e.DeviceBundle withOtpk = new E2e.DeviceBundle(
                    b.device(), b.identityKey(), b.signingKey(), b.signedPrekey(), otpk, b.fingerprint());
            ObjectNode v = vectors.addObject();
            v.put("suite", suite.name().toLowerCase(java.util.Locale.ROOT));
            v.put("plaintext", text);
            v.put("senderUser", "alice");
            v.put("recipientUser", "dr-bo");
            v.set("sender", JSON.valueToTree(alice.publicBundle()));
            v.set("recipient", JSON.valueToTree(b));
            ObjectNode priv = v.putObject("recipientPrivate");
            priv.put("identity", B64E.encodeToString(bo.identity().getPrivate().getEncoded()));
            priv.put(
                    "signedPrekey",
                    B64E.encodeToString(bo.signedPrekey().getPrivate().getEncoded()));
            priv.putObject("oneTimePrekeys")
                    .put(
                            String.valueOf(otpk.keyId()),
                            B64E.encodeToString(
                                    bo.oneTimePrekey(otpk.keyId()).getPrivate().getEncoded()));
            priv.putObject("oneTimePrekeyPublic").put(String.valueOf(otpk.keyId()), otpk.key());
            byte[] info = DirectCipher.info("alice", "alice-phone", "dr-bo", "bo-laptop");
            v.put("infoHex", HEX.formatHex(info));
            v.put("safetyNumber", Fingerprints.safetyNumber(alice.fingerprint(), bo.fingerprint()));
            ArrayNode envs = v.putArray("envelopes");
            for (E2e.DeviceBundle to : new E2e.DeviceBundle[] {withOtpk, b}) {
                E2e.Envelope env = DirectCipher.seal(alice, "alice", to, "dr-bo", text);
                ObjectNode e = JSON.valueToTree(env);
                e.put("ikmHex", HEX.formatHex(ikm(suite, bo, alice, env)));
                e.put("messageKeyHex", HEX.formatHex(Hkdf.derive(new byte[32], ikm(suite, bo, alice, env), info, 32)));
                envs.add(e);
            }
        }
        Files.writeString(
                Path.of(args[0]), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }

    /** The key agreement input as the recipient computes it: DH1 || DH2 || DH3 [|| DH4]. */
    private static byte[] ikm(Suite suite, DeviceKeys recipient, DeviceKeys sender, E2e.Envelope env) throws Exception {
        PublicKey eph = publicKey(suite, env.ephemeralKey());
        PrivateKey spk = recipient.signedPrekey().getPrivate();
        byte[] ikm = cat(
                dh(suite, spk, sender.identity().getPublic()),
                dh(suite, recipient.identity().getPrivate(), eph),
                dh(suite, spk, eph),
                env.oneTimePrekeyId() == null
                        ? new byte[0]
                        : dh(
                                suite,
                                recipient.oneTimePrekey(env.oneTimePrekeyId()).getPrivate(),
                                eph));
        return ikm;
    }

    private static PublicKey publicKey(Suite suite, String base64) throws Exception {
        return KeyFactory.getInstance(suite == Suite.X25519 ? "XDH" : "EC")
                .generatePublic(new X509EncodedKeySpec(B64D.decode(base64)));
    }

    private static PrivateKey privateKey(Suite suite, String base64) throws Exception {
        return KeyFactory.getInstance(suite == Suite.X25519 ? "XDH" : "EC")
                .generatePrivate(new PKCS8EncodedKeySpec(B64D.decode(base64)));
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
