package org.haven.client.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;
import org.haven.protocol.E2e;

/**
 * Fingerprints of identity keys, and the safety number two chat partners compare out of band to
 * know no one (the server included) substituted a key.
 *
 * <p>The server computes the same fingerprint for {@code E2e.DeviceBundle.fingerprint}; keep the
 * definition exactly in step with it.
 */
public final class Fingerprints {

    /** Length of a fingerprint in hex characters (160 bits). */
    public static final int LENGTH = 40;

    private static final Pattern HEX40 = Pattern.compile("[0-9a-f]{" + LENGTH + "}");

    private Fingerprints() {}

    /**
     * Returns the lowercase hex of SHA-256 over the base64-decoded {@code identityKey.key()} (its
     * X.509 encoding), truncated to the first {@value #LENGTH} characters.
     */
    public static String of(E2e.PublicKey identityKey) {
        Objects.requireNonNull(identityKey, "identityKey");
        byte[] encoded = Base64.getDecoder().decode(identityKey.key().getBytes(StandardCharsets.US_ASCII));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(encoded);
            return HexFormat.of().formatHex(hash).substring(0, LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /**
     * Returns the safety number of two devices: their fingerprints sorted (so both ends see the
     * same string), concatenated, and split into 16 groups of 5 hex characters separated by single
     * spaces, e.g. {@code "3cb25 f25fa ... 5b887"} (95 characters).
     */
    public static String safetyNumber(String fingerprintA, String fingerprintB) {
        String a = checked(fingerprintA, "fingerprintA");
        String b = checked(fingerprintB, "fingerprintB");
        String joined = a.compareTo(b) <= 0 ? a + b : b + a;
        StringBuilder out = new StringBuilder(joined.length() + joined.length() / 5);
        for (int i = 0; i < joined.length(); i += 5) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(joined, i, i + 5);
        }
        return out.toString();
    }

    private static String checked(String fingerprint, String name) {
        Objects.requireNonNull(fingerprint, name);
        if (!HEX40.matcher(fingerprint).matches()) {
            throw new IllegalArgumentException(name + ": expected " + LENGTH + " lowercase hex characters");
        }
        return fingerprint;
    }
}
