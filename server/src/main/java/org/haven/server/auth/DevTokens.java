package org.haven.server.auth;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.haven.protocol.Role;
import org.jspecify.annotations.Nullable;

/**
 * Mints HS256 tokens with a shared secret, user tokens and service credentials: the {@code token}
 * command in dev mode, and tests. An integrator's own backend mints production tokens with its
 * private key.
 */
public final class DevTokens {

    private final byte[] secret;
    private final String issuer;
    private final String audience;
    private final Clock clock;

    public DevTokens(String secret, String issuer, String audience, Clock clock) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.issuer = issuer;
        this.audience = audience;
        this.clock = clock;
    }

    /** A token for {@code sub} with the given role, organisation, room grants and lifetime. */
    public String mint(
            String sub, Role role, String org, Collection<String> rooms, @Nullable String name, Duration ttl) {
        Instant now = clock.instant();
        var builder = Jwts.builder()
                .id(UUID.randomUUID().toString())
                .subject(sub)
                .issuer(issuer)
                .audience()
                .add(audience)
                .and()
                .issuedAt(Date.from(now))
                .expiration(Date.from(now.plus(ttl)))
                .claim("org", org)
                .claim("role", role.wire())
                .claim("rooms", List.copyOf(rooms));
        if (name != null) {
            builder.claim("name", name);
        }
        return builder.signWith(Keys.hmacShaKeyFor(secret), Jwts.SIG.HS256).compact();
    }

    /**
     * A service credential for the server API: backend {@code name} of {@code org}, granted
     * {@code scopes}, with a token id and the given lifetime.
     */
    public String mintService(String name, String org, Collection<Scope> scopes, Duration ttl) {
        return mintService(
                name, org, String.join(" ", scopes.stream().map(Scope::wire).toList()), ttl);
    }

    /** As above, with the {@code scope} claim as written (tests mint unknown scopes this way). */
    public String mintService(String name, String org, String scope, Duration ttl) {
        Instant now = clock.instant();
        return Jwts.builder()
                .id(UUID.randomUUID().toString())
                .subject(name)
                .issuer(issuer)
                .audience()
                .add(audience)
                .and()
                .issuedAt(Date.from(now))
                .expiration(Date.from(now.plus(ttl)))
                .claim("org", org)
                .claim("role", JwtTokenVerifier.SERVICE_ROLE)
                .claim("scope", scope)
                .signWith(Keys.hmacShaKeyFor(secret), Jwts.SIG.HS256)
                .compact();
    }
}
