package org.haven.client.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import org.haven.protocol.E2e;

/**
 * One device's private keys for the discreet chat: an identity key, a signing key, a signed prekey
 * (key id {@value #SIGNED_PREKEY_ID}) and one-time prekeys (ids from {@value #FIRST_ONE_TIME_PREKEY_ID}),
 * each of which opens at most one message and is then forgotten.
 *
 * <p>Keys live in memory only; persisting them (encrypted at rest) is the embedding application's
 * job. Instances are safe for concurrent use: consuming a one-time prekey is atomic.
 */
public final class DeviceKeys {

    /** Key id of the signed prekey. */
    public static final int SIGNED_PREKEY_ID = 1;
    /** Key id of the first one-time prekey; the next ones count up from it. */
    public static final int FIRST_ONE_TIME_PREKEY_ID = 100;

    private final String device;
    private final Suite suite;
    private final KeyPair identity;
    private final KeyPair signing;
    private final KeyPair signedPrekey;
    private final byte[] signedPrekeySignature;
    private final Map<Integer, KeyPair> oneTimePrekeys;

    private DeviceKeys(
            String device,
            Suite suite,
            KeyPair identity,
            KeyPair signing,
            KeyPair signedPrekey,
            byte[] signedPrekeySignature,
            Map<Integer, KeyPair> oneTimePrekeys) {
        this.device = device;
        this.suite = suite;
        this.identity = identity;
        this.signing = signing;
        this.signedPrekey = signedPrekey;
        this.signedPrekeySignature = signedPrekeySignature;
        this.oneTimePrekeys = oneTimePrekeys;
    }

    /**
     * Generates fresh keys for {@code device}: identity, signing, a signed prekey whose signature
     * covers its X.509 public encoding, and {@code oneTimePrekeys} one-time prekeys (0 to
     * {@value E2e#MAX_ONE_TIME_PREKEYS}).
     *
     * @throws E2eException if the JDK lacks an algorithm of {@code suite}
     */
    public static DeviceKeys generate(String device, Suite suite, int oneTimePrekeys) throws E2eException {
        Names.check(device, "device");
        Objects.requireNonNull(suite, "suite");
        if (oneTimePrekeys < 0 || oneTimePrekeys > E2e.MAX_ONE_TIME_PREKEYS) {
            throw new IllegalArgumentException(
                    "oneTimePrekeys: " + oneTimePrekeys + " (expected: 0.." + E2e.MAX_ONE_TIME_PREKEYS + ")");
        }
        try {
            KeyPair identity = suite.newAgreementKeyPair();
            KeyPair signing = suite.newSigningKeyPair();
            KeyPair prekey = suite.newAgreementKeyPair();
            byte[] signature =
                    suite.sign(signing.getPrivate(), prekey.getPublic().getEncoded());
            Map<Integer, KeyPair> otpks = new ConcurrentSkipListMap<>();
            for (int i = 0; i < oneTimePrekeys; i++) {
                otpks.put(FIRST_ONE_TIME_PREKEY_ID + i, suite.newAgreementKeyPair());
            }
            return new DeviceKeys(device, suite, identity, signing, prekey, signature, otpks);
        } catch (GeneralSecurityException e) {
            throw new E2eException("cannot generate " + suite + " keys", e);
        }
    }

    /** The device id these keys belong to. */
    public String device() {
        return device;
    }

    /** The algorithm suite of every key here. */
    public Suite suite() {
        return suite;
    }

    /** The fingerprint of the identity key, as {@link Fingerprints#of} computes it. */
    public String fingerprint() {
        return Fingerprints.of(identityKey());
    }

    /** The public bundle to publish: identity, signing key, signed prekey with signature, no one-time prekey. */
    public E2e.DeviceBundle publicBundle() {
        E2e.PublicKey signingKey = new E2e.PublicKey(suite.signingAlg(), Suite.encode(signing.getPublic()));
        E2e.Prekey prekey = new E2e.Prekey(
                SIGNED_PREKEY_ID,
                Suite.encode(signedPrekey.getPublic()),
                Base64.getEncoder().encodeToString(signedPrekeySignature));
        return new E2e.DeviceBundle(device, identityKey(), signingKey, prekey, null, fingerprint());
    }

    /** The public halves of the one-time prekeys not yet used, in key id order, for publishing. */
    public List<E2e.Prekey> oneTimePrekeys() {
        List<E2e.Prekey> out = new ArrayList<>();
        oneTimePrekeys.forEach((id, pair) -> out.add(new E2e.Prekey(id, Suite.encode(pair.getPublic()), null)));
        return List.copyOf(out);
    }

    private E2e.PublicKey identityKey() {
        return new E2e.PublicKey(suite.agreementAlg(), Suite.encode(identity.getPublic()));
    }

    KeyPair identity() {
        return identity;
    }

    KeyPair signedPrekey() {
        return signedPrekey;
    }

    /** The one-time prekey {@code keyId}, or null if it never existed or was used. */
    KeyPair oneTimePrekey(int keyId) {
        return oneTimePrekeys.get(keyId);
    }

    /** Forgets one-time prekey {@code keyId}; false if another open consumed it first. */
    boolean consumeOneTimePrekey(int keyId, KeyPair pair) {
        return oneTimePrekeys.remove(keyId, pair);
    }
}
