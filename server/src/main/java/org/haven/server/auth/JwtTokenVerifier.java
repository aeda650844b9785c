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
import java.util.Set;
import org.haven.protocol.Role;
import org.haven.server.auth.TokenRejectedException.Reason;
import org.jspecify.annotations.Nullable;

/**
 * Verifies JWTs with JJWT: HS256 with the configured secret, RS256 and ES256 with configured public
 * keys; {@code alg: none} and every other algorithm are refused. Requires {@code sub}, {@code exp},
 * {@code iss}, {@code aud}, {@code org}, {@code role} and {@code rooms}.
 *
 * <p>Verified tokens are cached by their SHA-256 (never the token itself) until they expire, so a
 * reconnect storm does not verify every signature again; expiry is checked again on every hit.
 */
public final class JwtTokenVerifier implements TokenVerifier {

    /** Tokens longer than this are refused before parsing. */
    public static final int MAX_TOKEN_CHARS = 8 * 1024;
    /** A token may grant at most this many rooms. */
    public static final int MAX_ROOM_GRANTS = 256;

    private static final Set<String> ALGORITHMS = Set.of("HS256", "RS256", "ES256");
    private static final Duration MAX_CACHE_TIME = Duration.ofMinutes(10);

    private final JwtParser parser;
    private final Clock clock;
    private final Duration clockSkew;
    private final Cache<String, Principal> verified;

    public JwtTokenVerifier(
            VerificationKeys keys, String issuer, String audience, Duration clockSkew, Clock clock, Ticker ticker) {
        this.clock = clock;
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
        this.verified = Caffeine.newBuilder()
                .maximumSize(100_000)
                .ticker(ticker)
                .expireAfter(new Expiry<String, Principal>() {
                    @Override
                    public long expireAfterCreate(String key, Principal p, long now) {
                        Duration left = Duration.between(clock.instant(), p.expiresAt());
                        if (left.isNegative()) {
                            return 0;
                        }
                        return (left.compareTo(MAX_CACHE_TIME) < 0 ? left : MAX_CACHE_TIME).toNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String key, Principal p, long now, long current) {
                        return current;
                    }

                    @Override
                    public long expireAfterRead(String key, Principal p, long now, long current) {
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
        if (token == null || token.isEmpty()) {
            throw new TokenRejectedException(Reason.MALFORMED, "empty token");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new TokenRejectedException(Reason.OVERSIZED, "token longer than " + MAX_TOKEN_CHARS + " characters");
        }
        String digest = sha256(token);
        Principal cached = verified.getIfPresent(digest);
        if (cached != null) {
            if (clock.instant().isAfter(cached.expiresAt().plus(clockSkew))) {
                verified.invalidate(digest);
                throw new TokenRejectedException(Reason.EXPIRED, "token expired");
            }
            return cached;
        }
        Principal principal = principalOf(parse(token));
        verified.put(digest, principal);
        return principal;
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

    private static Principal principalOf(Claims claims) throws TokenRejectedException {
        String sub = claims.getSubject();
        Date exp = claims.getExpiration();
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
        return new Principal(sub, org, role, grants, name, claims.getId(), exp.toInstant());
    }

    private static @Nullable String stringClaim(Claims claims, String name) throws TokenRejectedException {
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
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    /** The instant after which a connection with this principal must end: expiry plus the allowed skew. */
    public Instant connectionDeadline(Principal principal) {
        return principal.expiresAt().plus(clockSkew);
    }
}
