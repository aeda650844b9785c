package org.haven.protocol;

import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.Base64;

/**
 * Paging by Web Push (RFC 8030, with RFC 8291 message encryption and RFC 8292 VAPID): a clinician's
 * or supervisor's browser subscribes with its push service, and the server pages it when an alert
 * needs them and they have no Haven tab open. The server checks shapes only here (an absolute URL,
 * a P-256 point, a 16-byte secret); whether it sends to that push service is its own decision.
 */
public interface Push {

    /** Longest endpoint accepted, in characters. */
    int MAX_ENDPOINT_CHARS = 2048;
    /** The size of {@code p256dh}: an uncompressed P-256 point (0x04, x, y). */
    int P256DH_BYTES = 65;
    /** The size of {@code auth}: the subscription's authentication secret. */
    int AUTH_BYTES = 16;

    /**
     * The keys of a browser's push subscription, as {@code PushSubscription.toJSON().keys} gives them:
     * base64url (padding optional) of the browser's P-256 public key and of its authentication secret.
     */
    record Keys(String p256dh, String auth) {
        public Keys {
            byte[] point = base64url(p256dh, "keys.p256dh", 100);
            if (point.length != P256DH_BYTES || point[0] != 0x04) {
                throw new IllegalArgumentException(
                        "keys.p256dh: not an uncompressed P-256 point (expected: 65 bytes starting 0x04)");
            }
            if (!P256.isOnCurve(point)) {
                throw new IllegalArgumentException("keys.p256dh: not a point of the P-256 curve");
            }
            byte[] secret = base64url(auth, "keys.auth", 32);
            if (secret.length != AUTH_BYTES) {
                throw new IllegalArgumentException(
                        "keys.auth: " + secret.length + " bytes (expected: " + AUTH_BYTES + ")");
            }
        }
    }

    /** One of the caller's push subscriptions, as {@code push.list} shows it: never its endpoint. */
    record Subscription(String device, String service, Instant subscribedAt) {}

    /**
     * The endpoint of a subscription: an absolute {@code https} or {@code http} URL with a host, at
     * most {@link #MAX_ENDPOINT_CHARS} characters. The reason for a refusal never quotes it: an
     * endpoint is a capability (whoever holds it can send to the browser).
     */
    static URI endpoint(String value) {
        Fields.required(value, "endpoint");
        if (value.length() > MAX_ENDPOINT_CHARS) {
            throw new IllegalArgumentException(
                    "endpoint: " + value.length() + " characters (expected: <= " + MAX_ENDPOINT_CHARS + ")");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("endpoint: not a URL");
        }
        String scheme = uri.getScheme();
        if (!uri.isAbsolute()
                || uri.isOpaque()
                || uri.getHost() == null
                || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))) {
            throw new IllegalArgumentException("endpoint: not an absolute http(s) URL with a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("endpoint: a URL with user information");
        }
        return uri;
    }

    private static byte[] base64url(String value, String name, int maxChars) {
        Fields.required(value, name);
        if (value.length() > maxChars) {
            throw new IllegalArgumentException(
                    name + ": " + value.length() + " characters (expected: <= " + maxChars + ")");
        }
        try {
            return Base64.getUrlDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": not base64url");
        }
    }

    /** The curve of {@code p256dh} (NIST P-256, secp256r1): y² = x³ − 3x + b over the prime p. */
    final class P256 {
        private static final BigInteger P =
                new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
        private static final BigInteger B =
                new BigInteger("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16);

        private P256() {}

        /** Whether the 65-byte uncompressed point {@code point} lies on the curve (and not at infinity). */
        static boolean isOnCurve(byte[] point) {
            BigInteger x = new BigInteger(1, java.util.Arrays.copyOfRange(point, 1, 33));
            BigInteger y = new BigInteger(1, java.util.Arrays.copyOfRange(point, 33, 65));
            if (x.compareTo(P) >= 0 || y.compareTo(P) >= 0) {
                return false;
            }
            BigInteger left = y.multiply(y).mod(P);
            BigInteger right =
                    x.pow(3).subtract(x.multiply(BigInteger.valueOf(3))).add(B).mod(P);
            return left.equals(right);
        }
    }
}
