package org.haven.server.auth;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import org.jspecify.annotations.Nullable;

/**
 * The common case of token verification without JJWT: a compact HS256 token whose header is
 * {@code {"alg":"HS256"}} (with {@code "typ":"JWT"} at most), whose signature is valid, and whose
 * {@code iss}, {@code aud}, {@code exp} and {@code nbf} pass JJWT's own checks by a margin. It
 * either accepts a token, with its claims exactly as written, or <em>defers</em>: it never refuses
 * one. Whatever is deferred (another algorithm or header, a bad signature, a claim near or past its
 * limit, a claim of an unexpected type, a null, blank, padded or empty value, anything malformed)
 * goes to JJWT, which decides and gives the reason. So every token accepted here is one JJWT
 * accepts (pinned, case by case, in {@code QuickHs256Test}); what it saves is JJWT's cost per
 * token, which a connect storm pays per connection (docs/benchmarks.md).
 *
 * <p>Threading: safe from any thread; each thread keeps its own {@link Mac}.
 */
final class QuickHs256 {

    private static final String HEADER_KEY_ALG = "alg";
    private static final String HEADER_KEY_TYP = "typ";
    private static final Set<String> REGISTERED_STRINGS = Set.of("iss", "sub", "jti");
    /** A claim's time must clear its limit by this much, or JJWT decides. */
    private static final long MARGIN_MILLIS = 1_000;

    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final ObjectReader JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .readerFor(new TypeReference<Map<String, Object>>() {});

    private final String issuer;
    private final String audience;
    private final long skewMillis;
    private final Clock clock;
    private final ThreadLocal<Mac> macs;

    /** {@code null} when there is no HS256 secret: then every token goes to JJWT. */
    static @Nullable QuickHs256 forKeys(
            VerificationKeys keys, String issuer, String audience, Duration clockSkew, Clock clock) {
        SecretKey key = keys.hmac();
        return key == null ? null : new QuickHs256(key, issuer, audience, clockSkew, clock);
    }

    private QuickHs256(SecretKey key, String issuer, String audience, Duration clockSkew, Clock clock) {
        this.issuer = issuer;
        this.audience = audience;
        this.skewMillis = clockSkew.toMillis();
        this.clock = clock;
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
            }
        });
    }

    /** The token's claims when it is accepted here; {@code null} to let JJWT decide. */
    @Nullable
    Map<String, Object> claims(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first <= 0 || second <= first + 1 || second == token.length() - 1 || !base64Url(token, second)) {
            return null;
        }
        if (!signed(token, second)) {
            return null;
        }
        try {
            Map<String, Object> header = json(token.substring(0, first));
            if (!plainHeader(header)) {
                return null;
            }
            Map<String, Object> claims = json(token.substring(first + 1, second));
            return claims != null && asWritten(claims) && acceptable(claims) ? claims : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** A segment's JSON read as UTF-8 text, as JJWT reads it (Jackson on bytes would also take UTF-16 and UTF-32). */
    private static @Nullable Map<String, Object> json(String segment) throws IOException {
        return JSON.readValue(new String(DECODER.decode(segment), StandardCharsets.UTF_8));
    }

    /**
     * Whether every claim is plainly written: no null, no empty or padded string or name, no empty
     * list or object. JJWT trims names and strings and drops nulls and blank values before it
     * checks anything, so a token that needs any of that could mean something else to it; such a
     * token (and, to be safe, one with an empty list or object) is left to JJWT.
     */
    private static boolean asWritten(@Nullable Object value) {
        if (value instanceof String s) {
            return !s.isEmpty() && !padded(s.charAt(0)) && !padded(s.charAt(s.length() - 1));
        }
        if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                return false;
            }
            for (Object each : list) {
                if (!asWritten(each)) {
                    return false;
                }
            }
            return true;
        }
        if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                return false;
            }
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!asWritten(entry.getKey()) || !asWritten(entry.getValue())) {
                    return false;
                }
            }
            return true;
        }
        return value instanceof Number || value instanceof Boolean;
    }

    private static boolean padded(char c) {
        return c <= ' ' || Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\uFEFF';
    }

    /** Only the base64url alphabet, with the two dots at {@code second} and before: no padding, no space. */
    private static boolean base64Url(String token, int second) {
        int dots = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                dots++;
                if (dots > 2 || (dots == 2 && i != second)) {
                    return false;
                }
            } else if (!((c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_')) {
                return false;
            }
        }
        return dots == 2;
    }

    private static boolean plainHeader(@Nullable Map<String, Object> header) {
        if (header == null || !"HS256".equals(header.get(HEADER_KEY_ALG))) {
            return false;
        }
        for (Map.Entry<String, Object> entry : header.entrySet()) {
            boolean known = entry.getKey().equals(HEADER_KEY_ALG)
                    || (entry.getKey().equals(HEADER_KEY_TYP) && "JWT".equals(entry.getValue()));
            if (!known) {
                return false;
            }
        }
        return true;
    }

    /** The signature, compared as its canonical base64url text in constant time. */
    private boolean signed(String token, int second) {
        byte[] expected =
                ENCODER.encode(macs.get().doFinal(token.substring(0, second).getBytes(StandardCharsets.US_ASCII)));
        byte[] given = token.substring(second + 1).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given);
    }

    private boolean acceptable(@Nullable Map<String, Object> claims) {
        if (claims == null || !issuer.equals(claims.get("iss")) || !forUs(claims.get("aud"))) {
            return false;
        }
        for (String name : REGISTERED_STRINGS) {
            Object value = claims.get(name);
            if (value != null && !(value instanceof String)) {
                return false;
            }
        }
        long now = clock.millis();
        Long exp = seconds(claims.get("exp"));
        if (exp == null || exp * 1000 < now - skewMillis + MARGIN_MILLIS) {
            return false;
        }
        if (claims.containsKey("nbf")) {
            Long nbf = seconds(claims.get("nbf"));
            if (nbf == null || nbf * 1000 > now + skewMillis - MARGIN_MILLIS) {
                return false;
            }
        }
        return !claims.containsKey("iat") || seconds(claims.get("iat")) != null;
    }

    private boolean forUs(@Nullable Object aud) {
        if (aud instanceof String s) {
            return audience.equals(s);
        }
        if (aud instanceof List<?> list && !list.isEmpty()) {
            for (Object each : list) {
                if (!(each instanceof String)) {
                    return false;
                }
            }
            return list.contains(audience);
        }
        return false;
    }

    /** Whole seconds in a range no conversion can overflow; anything else is left to JJWT. */
    private static @Nullable Long seconds(@Nullable Object value) {
        if (value instanceof Integer i) {
            return i.longValue() >= 0 ? i.longValue() : null;
        }
        if (value instanceof Long l) {
            return l >= 0 && l < 100_000_000_000L ? l : null;
        }
        return null;
    }
}
