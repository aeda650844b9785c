package org.haven.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.haven.server.auth.TokenRejectedException.Reason;
import org.haven.server.config.ServerConfig;
import org.haven.server.testing.MutableClock;
import org.junit.jupiter.api.Test;

/**
 * The quick HS256 path against JJWT: every token, accepted or not, gets the same answer with the
 * quick path as with JJWT alone; the quick path accepts the plain tokens itself and defers
 * everything else.
 */
class QuickHs256Test {

    private static final String SECRET = ServerConfig.DEV_SECRET;
    private static final String ISS = "haven-test";
    private static final String AUD = "haven";
    private static final Duration SKEW = Duration.ofSeconds(30);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
    private final long now = clock.instant().getEpochSecond();

    private final QuickHs256 quick = Objects.requireNonNull(
            QuickHs256.forKeys(VerificationKeys.load(SECRET, null, null), ISS, AUD, SKEW, clock));

    private JwtTokenVerifier verifier(boolean quickHs256) {
        return new JwtTokenVerifier(
                VerificationKeys.load(SECRET, null, null), ISS, AUD, SKEW, clock, clock, quickHs256);
    }

    /** What a verifier answers: the principal, or the reason it refused. */
    private Object userOutcome(boolean quickHs256, String token) {
        try {
            return verifier(quickHs256).verify(token);
        } catch (TokenRejectedException e) {
            return e.reason();
        }
    }

    private Object serviceOutcome(boolean quickHs256, String token) {
        try {
            return verifier(quickHs256).verifyService(token);
        } catch (TokenRejectedException e) {
            return e.reason();
        }
    }

    /** The same answer either way, as a user token and as a service credential; returns the first. */
    private Object sameAnswer(String token) {
        Object withQuick = userOutcome(true, token);
        assertThat(withQuick).as(token).isEqualTo(userOutcome(false, token));
        assertThat(serviceOutcome(true, token)).as(token).isEqualTo(serviceOutcome(false, token));
        return withQuick;
    }

    private void acceptedQuickly(String token) {
        assertThat(quick.claims(token)).as("taken by the quick path: " + token).isNotNull();
        sameAnswer(token);
        assertThat(List.of(userOutcome(true, token), serviceOutcome(true, token)))
                .as("a principal either way")
                .anySatisfy(answer -> assertThat(answer).isNotInstanceOf(Reason.class));
    }

    /** Left to JJWT, with the same answer either way. */
    private void deferred(String token) {
        assertThat(quick.claims(token)).as("left to JJWT: " + token).isNull();
        sameAnswer(token);
    }

    /** Left to JJWT, which answers {@code expected}: a {@link Reason}, or the principal's class. */
    private void deferred(String token, Object expected) {
        deferred(token);
        Object answer = userOutcome(true, token);
        if (expected instanceof Reason) {
            assertThat(answer).as(token).isEqualTo(expected);
        } else {
            assertThat(answer).as(token).isInstanceOf((Class<?>) expected);
        }
    }

    private String claims(String extra) {
        return "{\"sub\":\"alice\",\"iss\":\"" + ISS + "\",\"aud\":\"" + AUD + "\",\"iat\":" + now + ",\"exp\":"
                + (now + 600) + ",\"org\":\"demo\",\"role\":\"client\",\"rooms\":[\"group-1\"]" + extra + "}";
    }

    private String service(String extra) {
        return "{\"sub\":\"ehr\",\"iss\":\"" + ISS + "\",\"aud\":\"" + AUD + "\",\"exp\":" + (now + 600)
                + ",\"org\":\"demo\",\"role\":\"service\",\"scope\":\"alerts:write\",\"jti\":\"t-1\"" + extra + "}";
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Header and payload exactly as given, signed with {@code secret}. */
    private static String signed(String header, String payload, String secret) {
        return mac(b64(header) + "." + b64(payload), secret);
    }

    /** {@code input} (header and payload, encoded) with its HS256 signature. */
    private static String mac(String input, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return input + "."
                    + Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String signed(String payload) {
        return signed("{\"alg\":\"HS256\"}", payload, SECRET);
    }

    @Test
    void takesThePlainTokensItself() {
        acceptedQuickly(Jwts.builder()
                .id("jti-1")
                .subject("alice")
                .issuer(ISS)
                .audience()
                .add(AUD)
                .and()
                .issuedAt(new Date(now * 1000))
                .expiration(new Date((now + 600) * 1000))
                .claim("org", "demo")
                .claim("role", "client")
                .claim("rooms", List.of("group-1", "group-2"))
                .claim("name", "Ålice Ωmega")
                .signWith(Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8)), Jwts.SIG.HS256)
                .compact());
        acceptedQuickly(signed("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claims(""), SECRET));
        acceptedQuickly(signed(claims(",\"aud\":[\"other\",\"" + AUD + "\"]").replace("\"aud\":\"haven\",", "")));
        acceptedQuickly(signed(claims(",\"nbf\":" + (now - 5))));
        acceptedQuickly(signed(claims(",\"nbf\":" + (now + 10)))); // within the skew
        acceptedQuickly(signed(claims("").replace("\"exp\":" + (now + 600), "\"exp\":" + (now - 10))));
        acceptedQuickly(signed(claims("").replace(",", " ,\n  ")));
        acceptedQuickly(signed(service("")));
    }

    @Test
    void leavesEveryOtherHeaderToJjwt() {
        deferred(signed("{\"alg\":\"none\"}", claims(""), SECRET), Reason.UNSUPPORTED_ALGORITHM);
        deferred(b64("{\"alg\":\"none\"}") + "." + b64(claims("")) + ".", Reason.UNSUPPORTED_ALGORITHM);
        deferred(
                Jwts.builder()
                        .subject("alice")
                        .issuer(ISS)
                        .audience()
                        .add(AUD)
                        .and()
                        .expiration(new Date((now + 600) * 1000))
                        .claim("org", "demo")
                        .claim("role", "client")
                        .claim("rooms", List.of())
                        .signWith(
                                Keys.hmacShaKeyFor((SECRET + SECRET).getBytes(StandardCharsets.UTF_8)), Jwts.SIG.HS384)
                        .compact(),
                Reason.UNSUPPORTED_ALGORITHM);
        deferred(signed("{\"alg\":\"HS256\",\"kid\":\"k1\"}", claims(""), SECRET), Principal.class);
        deferred(signed("{\"alg\":\"HS256\",\"typ\":\"jwt+other\"}", claims(""), SECRET), Principal.class);
        deferred(signed("{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}", claims(""), SECRET));
        deferred(signed("{\"alg\":\"HS256\",\"b64\":false,\"crit\":[\"b64\"]}", claims(""), SECRET));
        deferred(signed("{\"alg\":\"HS256\",\"alg\":\"none\"}", claims(""), SECRET));
        deferred(signed("[\"HS256\"]", claims(""), SECRET));
        deferred(signed("{\"alg\":\"HS256\",\"zip\":\"DEF\"}", claims(""), SECRET));
    }

    @Test
    void leavesBadSignaturesAndMalformedTokensToJjwt() {
        String good = signed(claims(""));
        deferred(
                signed("{\"alg\":\"HS256\"}", claims(""), "another-secret-of-thirty-two-bytes-at-least!"),
                Reason.BAD_SIGNATURE);
        String signature = good.substring(good.lastIndexOf('.') + 1);
        String body = good.substring(0, good.lastIndexOf('.') + 1);
        char last = signature.charAt(signature.length() - 1);
        // The last character carries 2 unused bits: a neighbour decodes to the same MAC, but is not its text.
        deferred(body + signature.substring(0, signature.length() - 1) + (char) (last ^ 1));
        deferred(body);
        deferred(good + "=");
        deferred(good + ".x");
        deferred(" " + good);
        deferred(good.replaceFirst("\\.", "=."));
        deferred(good.substring(good.indexOf('.')));
        deferred("..");
        deferred("not-a-jwt", Reason.MALFORMED);
    }

    @Test
    void leavesClaimsNearOrPastTheirLimitsToJjwt() {
        String exp600 = "\"exp\":" + (now + 600);
        deferred(signed(claims("").replace(exp600, "\"exp\":" + (now - 31))), Reason.EXPIRED);
        deferred(signed(claims("").replace(exp600, "\"exp\":" + (now - 30))), Principal.class);
        acceptedQuickly(signed(claims("").replace(exp600, "\"exp\":" + (now - 29))));
        deferred(signed(claims(",\"nbf\":" + (now + 31))), Reason.NOT_YET_VALID);
        deferred(signed(claims(",\"nbf\":" + (now + 30))), Principal.class);
        deferred(signed(claims("").replace("," + exp600, "")), Reason.MISSING_CLAIM);
        deferred(signed(claims("").replace("\"iss\":\"" + ISS + "\",", "")), Reason.MISSING_CLAIM);
        deferred(signed(claims("").replace(ISS, "someone-else")), Reason.WRONG_ISSUER);
        deferred(signed(claims("").replace("\"aud\":\"haven\"", "\"aud\":\"other\"")), Reason.WRONG_AUDIENCE);
        deferred(signed(claims("").replace("\"aud\":\"haven\"", "\"aud\":[\"other\"]")), Reason.WRONG_AUDIENCE);
    }

    @Test
    void leavesClaimsOfUnexpectedTypesToJjwt() {
        String exp600 = "\"exp\":" + (now + 600);
        for (String exp : List.of(
                "\"exp\":\"" + (now + 600) + "\"",
                "\"exp\":" + (now + 600) + ".5",
                "\"exp\":-1",
                "\"exp\":1e10",
                "\"exp\":99999999999999999999",
                "\"exp\":true")) {
            Object answer = sameAnswer(signed(claims("").replace(exp600, exp)));
            assertThat(quick.claims(signed(claims("").replace(exp600, exp))))
                    .as(exp)
                    .isNull();
            assertThat(answer).as(exp).isNotNull();
        }
        for (String odd : List.of(
                "\"sub\":5",
                "\"jti\":5",
                "\"iat\":\"yesterday\"",
                "\"nbf\":\"yesterday\"",
                "\"aud\":[5,\"haven\"]",
                "\"aud\":[]",
                "\"aud\":{\"haven\":true}")) {
            String token = signed(claims("," + odd)
                    .replace("\"aud\":\"haven\",", odd.startsWith("\"aud\"") ? "" : "\"aud\":\"haven\","));
            assertThat(quick.claims(token)).as(odd).isNull();
            sameAnswer(token);
        }
        deferred(signed(claims("").replace("\"org\":\"demo\"", "\"org\":\"demo\",\"org\":\"other\"")));
        deferred(signed(claims("") + " {}"));
        deferred(signed("[1,2]"));
        deferred(signed("null"));
    }

    @Test
    void leavesWhatJjwtWouldCleanUpFirstToIt() {
        // JJWT trims names and string values and drops nulls, blank strings and empty lists and
        // objects before it checks a claim: the same token could mean something else to the two.
        deferred(signed(claims("").replace("[\"group-1\"]", "[]")), Principal.class);
        deferred(signed(service("").replace("\"alerts:write\"", "\"\"")));
        deferred(signed(claims(",\"  \":1")));
        deferred(signed(claims(",\"exp \":" + (now - 600))));
        deferred(signed(claims(",\"nbf \":" + (now + 600))));
        deferred(signed(claims("").replace("\"alice\"", "\"alice \"")));
        deferred(signed(claims("").replace("\"demo\"", "\"\\u00a0demo\"")));
        deferred(signed(claims("").replace("\"client\"", "\"client\\t\"")));
        deferred(signed(claims("").replace("\"group-1\"", "\" group-1\"")));
        deferred(signed(service("").replace("\"ehr\"", "\"ehr \"")));
        for (String odd : List.of(
                "\"name\":\"\"", "\"name\":null", "\"name\":[]", "\"name\":{}", "\"jti\":\"\"", "\"x\":{\"a\":\"\"}")) {
            deferred(signed(claims("," + odd)));
        }
    }

    @Test
    void readsTheJsonAsUtf8Only() {
        String header = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_16LE));
        String payload = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(claims("").getBytes(StandardCharsets.UTF_16LE));
        deferred(mac(header + "." + payload, SECRET));
        payload = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(claims("").getBytes(StandardCharsets.UTF_16));
        deferred(mac(b64("{\"alg\":\"HS256\"}") + "." + payload, SECRET));
        deferred(mac(b64("{\"alg\":\"HS256\"}") + "." + b64("\uFEFF" + claims("")), SECRET));
    }

    @Test
    void takesTimesPastTheYear2038AndAgreesAtEveryFractionOfASecond() {
        acceptedQuickly(signed(claims("").replace("\"exp\":" + (now + 600), "\"exp\":2208988800")));
        for (long millis : new long[] {0, 300, 700, 999}) {
            MutableClock at = new MutableClock(clock.instant().plusMillis(millis));
            for (long offset = -32; offset <= -27; offset++) {
                assertSameAt(at, signed(claims("").replace("\"exp\":" + (now + 600), "\"exp\":" + (now + offset))));
            }
            for (long offset = 27; offset <= 32; offset++) {
                assertSameAt(at, signed(claims(",\"nbf\":" + (now + offset))));
            }
        }
    }

    private void assertSameAt(MutableClock at, String token) {
        Object quickly;
        Object jjwt;
        try {
            quickly = new JwtTokenVerifier(VerificationKeys.load(SECRET, null, null), ISS, AUD, SKEW, at, at, true)
                    .verify(token);
        } catch (TokenRejectedException e) {
            quickly = e.reason();
        }
        try {
            jjwt = new JwtTokenVerifier(VerificationKeys.load(SECRET, null, null), ISS, AUD, SKEW, at, at, false)
                    .verify(token);
        } catch (TokenRejectedException e) {
            jjwt = e.reason();
        }
        assertThat(quickly).as(at.instant() + " " + token).isEqualTo(jjwt);
    }

    /**
     * Signed claims changed at random, 1,500 times: names padded, blank or new, values of every
     * type, blank, padded, empty or null. Whatever the quick path takes, JJWT answers the same.
     */
    @Test
    void agreesWithJjwtOnRandomlyChangedClaims() {
        java.util.Random random = new java.util.Random(20261206);
        List<String> names = List.of(
                "sub", "iss", "aud", "exp", "nbf", "iat", "jti", "org", "role", "rooms", "name", "scope", "sub ",
                " org", "exp ", "nbf ", "", " ", "extra");
        List<String> values = List.of(
                "\"alice\"",
                "\"" + ISS + "\"",
                "\"" + AUD + "\"",
                "[\"" + AUD + "\"]",
                Long.toString(now + 600),
                Long.toString(now - 600),
                Long.toString(now + 10),
                "\"demo\"",
                "\"client\"",
                "\"service\"",
                "[\"group-1\"]",
                "\"alerts:write\"",
                "\" x\"",
                "\"x \"",
                "\"\"",
                "\" \"",
                "[]",
                "{}",
                "null",
                "[\" a\"]",
                "[\"\"]",
                "5",
                "5.5",
                "-1",
                "true",
                "{\"a\":1}",
                "{\"a\":\"\"}",
                "\"\\u00a0x\"",
                "\"\\tx\"",
                "[5]",
                "[[\"a\"]]");
        int taken = 0;
        for (int i = 0; i < 1_500; i++) {
            java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
            String base = random.nextBoolean() ? claims("") : service("");
            for (String pair : base.substring(1, base.length() - 1).split(",(?=\")")) {
                int colon = pair.indexOf("\":");
                fields.put(pair.substring(1, colon), pair.substring(colon + 2));
            }
            for (int changes = 1 + random.nextInt(3); changes > 0; changes--) {
                String name = random.nextInt(3) == 0
                        ? names.get(random.nextInt(names.size()))
                        : List.copyOf(fields.keySet()).get(random.nextInt(fields.size()));
                switch (random.nextInt(4)) {
                    case 0 -> fields.remove(name);
                    default -> fields.put(name, values.get(random.nextInt(values.size())));
                }
                if (fields.isEmpty()) {
                    fields.put("extra", "1");
                }
            }
            StringBuilder json = new StringBuilder("{");
            fields.forEach((k, v) -> json.append(json.length() > 1 ? "," : "")
                    .append('"')
                    .append(k)
                    .append("\":")
                    .append(v));
            String token = signed(json.append('}').toString());
            if (quick.claims(token) != null) {
                taken++;
            }
            sameAnswer(token);
        }
        assertThat(taken).as("tokens the quick path took").isGreaterThan(100);
    }

    @Test
    void withoutAnHmacSecretEveryTokenGoesToJjwt() {
        assertThat(QuickHs256.forKeys(VerificationKeys.load(null, null, writeJwks()), ISS, AUD, SKEW, clock))
                .isNull();
    }

    private java.nio.file.Path writeJwks() {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("jwks", ".json");
            java.security.KeyPair pair = Jwts.SIG.ES256.keyPair().build();
            java.util.Map<String, Object> jwk = io.jsonwebtoken.security.Jwks.builder()
                    .key((java.security.interfaces.ECPublicKey) pair.getPublic())
                    .id("key-1")
                    .build();
            java.nio.file.Files.writeString(
                    file,
                    new com.fasterxml.jackson.databind.ObjectMapper()
                            .writeValueAsString(java.util.Map.of("keys", List.of(jwk))));
            file.toFile().deleteOnExit();
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
