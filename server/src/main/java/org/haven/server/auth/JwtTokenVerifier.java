package org.haven.server.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.IncorrectClaimException;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.MissingClaimException;
import io.jsonwebtoken.PrematureJwtException;
import io.jsonwebtoken.UnsupportedJwtException;
import io.jsonwebtoken.security.SecurityException;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.haven.protocol.Role;
import org.haven.server.auth.TokenRejectedException.Reason;
import org.jspecify.annotations.Nullable;

/**
 * Verifies JWTs with JJWT: HS256 with the configured secret, RS256 and ES256 with configured public
 * keys; {@code alg: none} and every other algorithm are refused. A user token requires {@code sub},
 * {@code exp}, {@code iss}, {@code aud}, {@code org}, {@code role} and {@code rooms}; a service
 * credential ({@code role: "service"}, {@link #verifyService}) requires {@code sub} (the service's
 * name), {@code exp}, {@code iss}, {@code aud}, {@code org}, {@code scope} and {@code jti}. Each kind
 * is refused where the other is expected.
 *
 * <p>Verified tokens are cached by their SHA-256 (never the token itself) until they expire, so a
 * reconnect storm does not verify every signature again; expiry is checked again on every hit. The
 * common HS256 token is verified by {@link QuickHs256} without JJWT, which decides everything else.
 *
 * <p>Threading: safe from any thread (event loops and the API's threads verify at once).
 */
public final class JwtTokenVerifier implements TokenVerifier, ServiceTokenVerifier {

    /** Tokens longer than this are refused before parsing. */
    public static final int MAX_TOKEN_CHARS = 8 * 1024;
    /** A token may grant at most this many rooms. */
    public static final int MAX_ROOM_GRANTS = 256;
    /** The {@code role} claim of a service credential. */
    public static final String SERVICE_ROLE = "service";
    /** What a service's name ({@code sub}) may be: it appears in audit records as {@code service:<name>}. */
    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9._~-]{1,64}");

    private static final Set<String> ALGORITHMS = Set.of("HS256", "RS256", "ES256");
    private static final Duration MAX_CACHE_TIME = Duration.ofMinutes(10);
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    });

    private final JwtParser parser;
    private final @Nullable QuickHs256 quick;
    private final Clock clock;
    private final Duration clockSkew;
    private final Cache<String, Principal> verified;
    private final Cache<String, ServicePrincipal> verifiedServices;

    public JwtTokenVerifier(
            VerificationKeys keys, String issuer, String audience, Duration clockSkew, Clock clock, Ticker ticker) {
        this(keys, issuer, audience, clockSkew, clock, ticker, true);
    }

    /** @param quickHs256 whether common HS256 tokens skip JJWT ({@code false} only to compare the two in tests) */
    JwtTokenVerifier(
            VerificationKeys keys,
            String issuer,
            String audience,
            Duration clockSkew,
            Clock clock,
            Ticker ticker,
            boolean quickHs256) {
        this.clock = clock;
        this.quick = quickHs256 ? QuickHs256.forKeys(keys, issuer, audience, clockSkew, clock) : null;
        this.clockSkew = clockSkew;
        this.parser = Jwts.parser()
                .keyLocator(new LocatorAdapter<Key>() {
                    @Override
                    protected Key locate(JwsHeader header) {
                        return keyFor(keys, header);
                    }
                })
                .requireIssuer(issuer)
                .requireAudience(audience)
                .clockSkewSeconds(clockSkew.toSeconds())
                .clock(() -> Date.from(clock.instant()))
                .build();
        this.verified = cache(ticker, Principal::expiresAt);
        this.verifiedServices = cache(ticker, ServicePrincipal::expiresAt);
    }

    /** Verified tokens by their digest, each until its expiry (at most {@link #MAX_CACHE_TIME}). */
    private <V> Cache<String, V> cache(Ticker ticker, Function<V, Instant> expiry) {
        return Caffeine.newBuilder()
                .maximumSize(100_000)
                .ticker(ticker)
                .expireAfter(new Expiry<String, V>() {
                    @Override
                    public long expireAfterCreate(String key, V value, long now) {
                        Duration left = Duration.between(clock.instant(), expiry.apply(value));
                        if (left.isNegative()) {
                            return 0;
                        }
                        return (left.compareTo(MAX_CACHE_TIME) < 0 ? left : MAX_CACHE_TIME).toNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String key, V value, long now, long current) {
                        return current;
                    }

                    @Override
                    public long expireAfterRead(String key, V value, long now, long current) {
                        return current;
                    }
                })
                .build();
    }

    private static Key keyFor(VerificationKeys keys, JwsHeader header) {
        String alg = header.getAlgorithm();
        if (alg == null || !ALGORITHMS.contains(alg)) {
            throw new UnsupportedJwtException("algorithm not accepted");
        }
        Key key = alg.startsWith("HS") ? keys.hmac() : keys.publicKey(header.getKeyId());
        if (key == null) {
            throw new SecurityException("no key for this algorithm or kid");
        }
        return key;
    }

    @Override
    public Principal verify(@Nullable String token) throws TokenRejectedException {
        return verified(token, verified, JwtTokenVerifier::principalOf, Principal::expiresAt);
    }

    @Override
    public ServicePrincipal verifyService(@Nullable String token) throws TokenRejectedException {
        return verified(token, verifiedServices, JwtTokenVerifier::serviceOf, ServicePrincipal::expiresAt);
    }

    /** What {@code token} says, from the cache or verified now; the same checks for either kind. */
    private <V> V verified(@Nullable String token, Cache<String, V> cache, Claimed<V> read, Function<V, Instant> expiry)
            throws TokenRejectedException {
        if (token == null || token.isEmpty()) {
            throw new TokenRejectedException(Reason.MALFORMED, "empty token");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new TokenRejectedException(Reason.OVERSIZED, "token longer than " + MAX_TOKEN_CHARS + " characters");
        }
        String digest = sha256(token);
        V cached = cache.getIfPresent(digest);
        if (cached != null) {
            if (clock.instant().isAfter(expiry.apply(cached).plus(clockSkew))) {
                cache.invalidate(digest);
                throw new TokenRejectedException(Reason.EXPIRED, "token expired");
            }
            return cached;
        }
        V value = read.from(verifiedClaims(token));
        cache.put(digest, value);
        return value;
    }

    /** Reads one kind of principal from verified claims, or refuses them. */
    @FunctionalInterface
    private interface Claimed<V> {
        V from(Verified claims) throws TokenRejectedException;
    }

    /** A verified token's claims as written, with the registered ones it needs typed. */
    private record Verified(
            Map<String, Object> all,
            @Nullable String subject,
            @Nullable Instant expiry,
            @Nullable String id) {

        static Verified of(Claims claims) {
            Date exp = claims.getExpiration();
            return new Verified(claims, claims.getSubject(), exp == null ? null : exp.toInstant(), claims.getId());
        }

        /** From {@link QuickHs256}, which accepts only string {@code sub} and {@code jti} and whole-second {@code exp}. */
        static Verified quick(Map<String, Object> claims) {
            return new Verified(
                    claims,
                    (String) claims.get("sub"),
                    Instant.ofEpochSecond(((Number) Objects.requireNonNull(claims.get("exp"), "exp")).longValue()),
                    (String) claims.get("jti"));
        }
    }

    private Verified verifiedClaims(String token) throws TokenRejectedException {
        Map<String, Object> quickly = quick == null ? null : quick.claims(token);
        return quickly != null ? Verified.quick(quickly) : Verified.of(parse(token));
    }

    private Claims parse(String token) throws TokenRejectedException {
        try {
            return parser.parseSignedClaims(token).getPayload();
        } catch (ExpiredJwtException e) {
            throw new TokenRejectedException(Reason.EXPIRED, "token expired");
        } catch (PrematureJwtException e) {
            throw new TokenRejectedException(Reason.NOT_YET_VALID, "token not yet valid");
        } catch (MissingClaimException e) {
            throw new TokenRejectedException(Reason.MISSING_CLAIM, "missing claim " + e.getClaimName());
        } catch (IncorrectClaimException e) {
            Reason reason = Claims.ISSUER.equals(e.getClaimName())
                    ? Reason.WRONG_ISSUER
                    : Claims.AUDIENCE.equals(e.getClaimName()) ? Reason.WRONG_AUDIENCE : Reason.INVALID_CLAIM;
            throw new TokenRejectedException(reason, "claim " + e.getClaimName() + " not accepted");
        } catch (UnsupportedJwtException e) {
            throw new TokenRejectedException(Reason.UNSUPPORTED_ALGORITHM, "unsigned or unsupported token");
        } catch (SecurityException e) {
            throw new TokenRejectedException(Reason.BAD_SIGNATURE, "signature not verified");
        } catch (JwtException | IllegalArgumentException e) {
            throw new TokenRejectedException(Reason.MALFORMED, "malformed token");
        }
    }

    private static Principal principalOf(Verified verified) throws TokenRejectedException {
        Map<String, Object> claims = verified.all();
        String sub = verified.subject();
        Instant exp = verified.expiry();
        String org = stringClaim(claims, "org");
        String roleName = stringClaim(claims, "role");
        if (sub == null || sub.isBlank()) {
            throw new TokenRejectedException(Reason.MISSING_CLAIM, "missing claim sub");
        }
        if (exp == null) {
            throw new TokenRejectedException(Reason.MISSING_CLAIM, "missing claim exp");
        }
        if (org == null || org.isBlank()) {
            throw new TokenRejectedException(Reason.MISSING_CLAIM, "missing claim org");
        }
        if (roleName == null) {
            throw new TokenRejectedException(Reason.MISSING_CLAIM, "missing claim role");
        }
        if (SERVICE_ROLE.equals(roleName)) {
            throw new TokenRejectedException(Reason.INVALID_CLAIM, "a service credential opens no session");
        }
        Role role = Role.fromWire(roleName);
        if (role == null) {
            throw new TokenRejectedException(Reason.INVALID_CLAIM, "claim role not accepted");
        }
        Object rooms = claims.get("rooms");
        if (rooms == null) {
            throw new TokenRejectedException(Reason.MISSING_CLAIM, "missing claim rooms");
        }
        if (!(rooms instanceof List<?> list) || list.size() > MAX_ROOM_GRANTS) {
            throw new TokenRejectedException(
                    Reason.INVALID_CLAIM, "claim rooms must be a list of at most " + MAX_ROOM_GRANTS + " room ids");
        }
        Set<String> grants = new LinkedHashSet<>();
        for (Object room : list) {
            if (!(room instanceof String s) || s.isEmpty() || s.length() > 128) {
                throw new TokenRejectedException(Reason.INVALID_CLAIM, "claim rooms holds an invalid room id");
            }
            grants.add(s);
        }
        String name = stringClaim(claims, "name");
        return new Principal(sub, org, role, grants, name, verified.id(), exp);
    }

    private static ServicePrincipal serviceOf(Verified verified) throws TokenRejectedException {
        Map<String, Object> claims = verified.all();
        String role = stringClaim(claims, "role");
        if (!SERVICE_ROLE.equals(role)) {
            throw new TokenRejectedException(
                    role == null ? Reason.MISSING_CLAIM : Reason.INVALID_CLAIM,
                    role == null ? "missing claim role" : "a user token calls no server API");
        }
        String name = verified.subject();
        if (name == null || name.isEmpty()) {
            throw new TokenRejectedException(Reason.MISSING_CLAIM, "missing claim sub");
        }
        if (!SERVICE_NAME.matcher(name).matches()) {
            throw new TokenRejectedException(Reason.INVALID_CLAIM, "claim sub: 1..64 of A-Z a-z 0-9 . _ ~ -");
        }
        Instant exp = verified.expiry();
        if (exp == null) {
            throw new TokenRejectedException(Reason.MISSING_CLAIM, "missing claim exp");
        }
        String org = stringClaim(claims, "org");
        if (org == null || org.isBlank()) {
            throw new TokenRejectedException(Reason.MISSING_CLAIM, "missing claim org");
        }
        String scope = stringClaim(claims, "scope");
        if (scope == null) {
            throw new TokenRejectedException(Reason.MISSING_CLAIM, "missing claim scope");
        }
        String id = verified.id();
        if (id == null || id.isBlank()) {
            // Without a token id a leaked credential could only be stopped by revoking the service.
            throw new TokenRejectedException(Reason.MISSING_CLAIM, "missing claim jti");
        }
        return new ServicePrincipal(name, org, Scope.parse(scope), id, exp);
    }

    private static @Nullable String stringClaim(Map<String, Object> claims, String name) throws TokenRejectedException {
        Object value = claims.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw new TokenRejectedException(Reason.INVALID_CLAIM, "claim " + name + " must be a string");
        }
        return s;
    }

    private static String sha256(String token) {
        return HexFormat.of().formatHex(SHA256.get().digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    /** The instant after which a connection with this principal must end: expiry plus the allowed skew. */
    public Instant connectionDeadline(Principal principal) {
        return principal.expiresAt().plus(clockSkew);
    }
}
