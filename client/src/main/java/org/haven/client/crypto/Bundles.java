package org.haven.client.crypto;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Base64;
import org.haven.protocol.E2e;

/** Checks and parses the public bundle of a chat partner's device before any key agreement. */
final class Bundles {

    private Bundles() {}

    /** A recipient's agreement keys; {@code oneTimePrekey} is null when the bundle carries none. */
    record Parsed(PublicKey identity, PublicKey signedPrekey, PublicKey oneTimePrekey) {}

    /**
     * Returns the recipient's keys once the bundle is of {@code suite}, its fingerprint (if present)
     * matches its identity key, and its signed prekey's signature verifies under its signing key.
     */
    static Parsed forSealing(Suite suite, E2e.DeviceBundle bundle) throws E2eException {
        PublicKey identity = forOpening(suite, bundle);
        if (bundle.signingKey() == null
                || !suite.signingAlg().equals(bundle.signingKey().alg())) {
            throw new E2eException("recipient signing key: missing or not " + suite.signingAlg());
        }
        E2e.Prekey spk = bundle.signedPrekey();
        if (spk == null || spk.signature() == null) {
            throw new E2eException("recipient signed prekey: missing or unsigned");
        }
        PublicKey signingKey = suite.signingKey(bundle.signingKey().key(), "signingKey");
        PublicKey signedPrekey = suite.agreementKey(spk.key(), "signedPrekey");
        try {
            // Verified over the bytes as published, which are the X.509 encoding the owner signed.
            byte[] signed = Base64.getDecoder().decode(spk.key());
            if (!suite.verify(signingKey, signed, Base64.getDecoder().decode(spk.signature()))) {
                throw new E2eException("recipient signed prekey: signature does not verify");
            }
        } catch (GeneralSecurityException e) {
            throw e instanceof E2eException ee ? ee : new E2eException("recipient signed prekey: cannot verify", e);
        }
        PublicKey otpk = bundle.oneTimePrekey() == null
                ? null
                : suite.agreementKey(bundle.oneTimePrekey().key(), "oneTimePrekey");
        return new Parsed(identity, signedPrekey, otpk);
    }

    /** Returns the identity key of a bundle of {@code suite} whose fingerprint, if present, matches it. */
    static PublicKey forOpening(Suite suite, E2e.DeviceBundle bundle) throws E2eException {
        if (bundle.device() == null || bundle.device().isEmpty()) {
            throw new E2eException("bundle: device missing");
        }
        E2e.PublicKey id = bundle.identityKey();
        if (id == null || !suite.agreementAlg().equals(id.alg())) {
            throw new E2eException("bundle identity key: missing or not " + suite.agreementAlg());
        }
        if (bundle.fingerprint() != null && !bundle.fingerprint().equals(Fingerprints.of(id))) {
            throw new E2eException("bundle fingerprint does not match its identity key");
        }
        return suite.agreementKey(id.key(), "identityKey");
    }
}
