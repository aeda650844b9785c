package org.haven.server.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a webhook body so its receiver can tell it came from Haven, unaltered and recently: the
 * signature is {@code v1=} followed by the lowercase hex HMAC-SHA256, keyed by the shared secret,
 * of {@code timestamp + "." + body}. Receivers check it with {@link #verify}; the class has no
 * dependency beyond the JDK so integrators can copy it.
 */
public final class WebhookSignature {

    /** Seconds since the epoch at which the request was signed. */
    public static final String TIMESTAMP_HEADER = "X-Haven-Timestamp";
    /** {@code v1=<hex>}, see {@link #sign}. */
    public static final String SIGNATURE_HEADER = "X-Haven-Signature";
    /** The event name, e.g. {@code alert.raised}. */
    public static final String EVENT_HEADER = "X-Haven-Event";
    /** An id that stays the same across retries of one delivery, so receivers can drop duplicates. */
    public static final String DELIVERY_HEADER = "X-Haven-Delivery";

    private static final String VERSION = "v1=";
    private static final String ALGORITHM = "HmacSHA256";

    private WebhookSignature() {}

    /** The signature header value for {@code body} sent at {@code timestampSeconds}. */
    public static String sign(byte[] secret, long timestampSeconds, byte[] body) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(body, "body");
        return VERSION + HexFormat.of().formatHex(hmac(secret, timestampSeconds, body));
    }

    /**
     * Whether {@code signatureHeader} is the signature of {@code body} at {@code timestampHeader},
     * and that timestamp is within {@code tolerance} of {@code clock}; false for a missing or
     * malformed header. The stale check stops a captured request from being replayed later.
     */
    public static boolean verify(
            byte[] secret,
            String timestampHeader,
            byte[] body,
            String signatureHeader,
            Clock clock,
            Duration tolerance) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(tolerance, "tolerance");
        if (timestampHeader == null || signatureHeader == null) {
            return false;
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(timestampHeader.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        if (timestamp < 0 || Math.abs(clock.instant().getEpochSecond() - timestamp) > tolerance.toSeconds()) {
            return false;
        }
        byte[] expected = sign(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = signatureHeader.trim().getBytes(StandardCharsets.US_ASCII);
        // Constant time, so response timing does not reveal how much of a forged signature was right.
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] hmac(byte[] secret, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            mac.update((timestampSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            // HmacSHA256 is required of every JDK, and any non-empty key fits it.
            throw new IllegalStateException("cannot compute " + ALGORITHM, e);
        }
    }
}
