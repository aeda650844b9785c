package org.haven.loadtest.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.haven.protocol.Role;

/**
 * Mints the run's HS256 tokens: the claims of the server's {@code DevTokens} ({@code jti},
 * {@code sub}, {@code iss}, {@code aud}, {@code iat}, {@code exp}, {@code org}, {@code role},
 * {@code rooms}), signed with one HMAC each. A capacity run mints a token per connection, tens of
 * thousands; {@code DevTokens} (JJWT) takes about a millisecond each in a fresh JVM, which would
 * make minting, not the server, the slow part of the run. Every target verifies these tokens
 * exactly as it verifies any other.
 */
final class BenchTokens {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final String HEADER =
            BASE64URL.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    private final SecretKeySpec key;
    private final String issuer;
    private final String audience;
    private final String runId;
    private final AtomicLong serial = new AtomicLong();
    private final ThreadLocal<Mac> macs;

    BenchTokens(String secret, String issuer, String audience, String runId) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.issuer = issuer;
        this.audience = audience;
        this.runId = runId;
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        });
    }

    /** A token for {@code sub} with this role, organisation and room grants, valid for {@code ttl}. */
    String mint(String sub, Role role, String org, List<String> rooms, Duration ttl) {
        long now = System.currentTimeMillis() / 1000;
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("jti", runId + "-" + serial.incrementAndGet());
        claims.put("sub", sub);
        claims.put("iss", issuer);
        claims.put("aud", audience);
        claims.put("iat", now);
        claims.put("exp", now + ttl.toSeconds());
        claims.put("org", org);
        claims.put("role", role.wire());
        claims.put("rooms", rooms);
        String signed;
        try {
            signed = HEADER + "." + BASE64URL.encodeToString(JSON.writeValueAsBytes(claims));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        byte[] signature = macs.get().doFinal(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + BASE64URL.encodeToString(signature);
    }
}
