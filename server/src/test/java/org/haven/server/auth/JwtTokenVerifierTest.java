package org.haven.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.haven.protocol.Role;
import org.haven.server.auth.TokenRejectedException.Reason;
import org.haven.server.config.ServerConfig;
import org.haven.server.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token verification: what is accepted, and every forgery refused with its reason. */
class JwtTokenVerifierTest {

    private static final String SECRET = ServerConfig.DEV_SECRET;
    private static final String ISS = "haven-test";
    private static final String AUD = "haven";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));

    @TempDir
    Path dir;

    private JwtTokenVerifier verifier(VerificationKeys keys) {
        return new JwtTokenVerifier(keys, ISS, AUD, Duration.ofSeconds(30), clock, clock);
    }

    private JwtTokenVerifier hmacVerifier() {
        return verifier(VerificationKeys.load(SECRET, null, null));
    }

    private io.jsonwebtoken.JwtBuilder valid() {
        Instant now = clock.instant();
        return Jwts.builder()
                .subject("alice")
                .issuer(ISS)
                .audience()
                .add(AUD)
                .and()
                .issuedAt(Date.from(now))
                .expiration(Date.from(now.plusSeconds(600)))
                .claim("org", "demo")
                .claim("role", "client")
                .claim("rooms", List.of("group-1"))
                .claim("name", "Alice");
    }

    private String hs256(UnaryOperator<io.jsonwebtoken.JwtBuilder> change) {
        return change.apply(valid())
                .signWith(Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8)), Jwts.SIG.HS256)
                .compact();
    }

    private Reason reasonOf(JwtTokenVerifier v, String token) {
        try {
            v.verify(token);
            throw new AssertionError("token accepted");
        } catch (TokenRejectedException e) {
            return e.reason();
        }
    }

    @Test
    void acceptsAValidHs256Token() throws Exception {
        Principal p = hmacVerifier().verify(hs256(b -> b));
        assertThat(p.user()).isEqualTo("alice");
        assertThat(p.org()).isEqualTo("demo");
        assertThat(p.role()).isEqualTo(Role.CLIENT);
        assertThat(p.rooms()).containsExactly("group-1");
        assertThat(p.name()).isEqualTo("Alice");
    }

    @Test
    void refusesAnUnsignedToken() {
        String header = b64("{\"alg\":\"none\"}");
        String body = b64("{\"sub\":\"alice\",\"iss\":\"" + ISS + "\",\"aud\":\"" + AUD + "\",\"exp\":"
                + (clock.instant().getEpochSecond() + 600) + ",\"org\":\"demo\",\"role\":\"client\",\"rooms\":[]}");
        assertThat(reasonOf(hmacVerifier(), header + "." + body + ".")).isEqualTo(Reason.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void refusesAWrongSignature() {
        String token = valid().signWith(
                        Keys.hmacShaKeyFor(
                                "another-secret-of-thirty-two-bytes-at-least!".getBytes(StandardCharsets.UTF_8)),
                        Jwts.SIG.HS256)
                .compact();
        assertThat(reasonOf(hmacVerifier(), token)).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void refusesHs384AndOtherAlgorithms() {
        String token = valid().signWith(
                        Keys.hmacShaKeyFor((SECRET + SECRET).getBytes(StandardCharsets.UTF_8)), Jwts.SIG.HS384)
                .compact();
        assertThat(reasonOf(hmacVerifier(), token)).isEqualTo(Reason.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void refusesExpiredAndNotYetValidTokensBeyondTheSkew() {
        Instant now = clock.instant();
        assertThat(reasonOf(hmacVerifier(), hs256(b -> b.expiration(Date.from(now.minusSeconds(31))))))
                .isEqualTo(Reason.EXPIRED);
        assertThat(reasonOf(hmacVerifier(), hs256(b -> b.notBefore(Date.from(now.plusSeconds(31))))))
                .isEqualTo(Reason.NOT_YET_VALID);
    }

    @Test
    void allowsTheConfiguredClockSkew() throws Exception {
        Instant now = clock.instant();
        assertThat(hmacVerifier()
                        .verify(hs256(b -> b.expiration(Date.from(now.minusSeconds(10)))))
                        .user())
                .isEqualTo("alice");
    }

    @Test
    void refusesWrongIssuerAndAudience() {
        assertThat(reasonOf(hmacVerifier(), hs256(b -> b.issuer("someone-else"))))
                .isEqualTo(Reason.WRONG_ISSUER);
        assertThat(reasonOf(hmacVerifier(), hs256(b -> b.audience().single("other-app"))))
                .isEqualTo(Reason.WRONG_AUDIENCE);
    }

    @Test
    void refusesMissingClaims() {
        for (String claim : List.of("org", "role", "rooms")) {
            String token = hs256(b -> b.claims().delete(claim).and());
            assertThat(reasonOf(hmacVerifier(), token)).as(claim).isEqualTo(Reason.MISSING_CLAIM);
        }
        assertThat(reasonOf(hmacVerifier(), hs256(b -> b.subject(null)))).isEqualTo(Reason.MISSING_CLAIM);
        assertThat(reasonOf(hmacVerifier(), hs256(b -> b.expiration(null)))).isEqualTo(Reason.MISSING_CLAIM);
        assertThat(reasonOf(hmacVerifier(), hs256(b -> b.issuer(null)))).isEqualTo(Reason.MISSING_CLAIM);
    }

    @Test
    void refusesInvalidClaims() {
        assertThat(reasonOf(hmacVerifier(), hs256(b -> b.claim("role", "admin"))))
                .isEqualTo(Reason.INVALID_CLAIM);
        assertThat(reasonOf(hmacVerifier(), hs256(b -> b.claim("rooms", "group-1"))))
                .isEqualTo(Reason.INVALID_CLAIM);
        assertThat(reasonOf(hmacVerifier(), hs256(b -> b.claim("org", 5)))).isEqualTo(Reason.INVALID_CLAIM);
    }

    @Test
    void refusesOversizedAndMalformedTokens() {
        assertThat(reasonOf(hmacVerifier(), "x".repeat(JwtTokenVerifier.MAX_TOKEN_CHARS + 1)))
                .isEqualTo(Reason.OVERSIZED);
        assertThat(reasonOf(hmacVerifier(), "not-a-jwt")).isEqualTo(Reason.MALFORMED);
        assertThat(reasonOf(hmacVerifier(), "")).isEqualTo(Reason.MALFORMED);
    }

    @Test
    void verifiesRs256WithAPemPublicKey() throws Exception {
        KeyPair pair = Jwts.SIG.RS256.keyPair().build();
        Path pem = dir.resolve("rsa.pem");
        Files.writeString(
                pem,
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder()
                                .encodeToString(pair.getPublic().getEncoded())
                        + "\n-----END PUBLIC KEY-----\n");
        JwtTokenVerifier v = verifier(VerificationKeys.load(null, pem, null));
        assertThat(v.verify(valid().signWith(pair.getPrivate(), Jwts.SIG.RS256).compact())
                        .user())
                .isEqualTo("alice");

        KeyPair other = Jwts.SIG.RS256.keyPair().build();
        assertThat(reasonOf(
                        v, valid().signWith(other.getPrivate(), Jwts.SIG.RS256).compact()))
                .isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void refusesHmacSignedWithThePublicKey() throws Exception {
        // Key confusion: an attacker signs HS256 using the RSA public key (which is public) as the secret.
        KeyPair pair = Jwts.SIG.RS256.keyPair().build();
        Path pem = dir.resolve("rsa.pem");
        String pemText = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        Files.writeString(pem, pemText);
        JwtTokenVerifier v = verifier(VerificationKeys.load(null, pem, null));
        javax.crypto.SecretKey confused = Keys.hmacShaKeyFor(pemText.getBytes(StandardCharsets.US_ASCII));
        assertThat(reasonOf(v, valid().signWith(confused, Jwts.SIG.HS256).compact()))
                .isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void verifiesEs256WithAJwksFileByKid() throws Exception {
        KeyPair pair = Jwts.SIG.ES256.keyPair().build();
        Map<String, Object> jwk = Jwks.builder()
                .key((java.security.interfaces.ECPublicKey) pair.getPublic())
                .id("key-1")
                .build();
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new ObjectMapper().writeValueAsString(Map.of("keys", List.of(jwk))));
        JwtTokenVerifier v = verifier(VerificationKeys.load(null, null, jwks));
        String token = valid().header()
                .keyId("key-1")
                .and()
                .signWith(pair.getPrivate(), Jwts.SIG.ES256)
                .compact();
        assertThat(v.verify(token).user()).isEqualTo("alice");
        String unknownKid = valid().header()
                .keyId("key-2")
                .and()
                .signWith(pair.getPrivate(), Jwts.SIG.ES256)
                .compact();
        assertThat(reasonOf(v, unknownKid)).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void cachedTokensStillExpire() throws Exception {
        JwtTokenVerifier v = hmacVerifier();
        String token = hs256(b -> b);
        assertThat(v.verify(token)).isSameAs(v.verify(token)); // the second is served from the cache
        clock.advance(Duration.ofSeconds(600 + 31));
        assertThat(reasonOf(v, token)).isEqualTo(Reason.EXPIRED);
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
