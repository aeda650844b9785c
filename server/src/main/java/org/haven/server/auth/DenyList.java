package org.haven.server.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.haven.server.presence.UserRef;

/**
 * Revoked token ids and users, as this node checks them on every {@code hello}. A token id is
 * remembered for as long as a token can live (a token past its expiry is refused anyway); a user
 * stays revoked for the configured time, until an integrator stops minting them tokens. Revocations
 * loaded from the {@link RevocationStore} keep the end they were given.
 */
public final class DenyList {

    private final Duration remember;
    private final Clock clock;
    private final Cache<String, Instant> tokenIds;
    private final Cache<UserRef, Instant> users;

    public DenyList(Duration remember, Clock clock, Ticker ticker) {
        this.remember = remember;
        this.clock = clock;
        this.tokenIds = Caffeine.newBuilder()
                .ticker(ticker)
                .expireAfterWrite(remember)
                .maximumSize(1_000_000)
                .build();
        this.users = Caffeine.newBuilder()
                .ticker(ticker)
                .expireAfterWrite(remember)
                .maximumSize(1_000_000)
                .build();
    }

    /** Denies a token id from now on; returns the revocation to keep in the store. */
    public Revocation revokeToken(String tokenId) {
        Instant until = clock.instant().plus(remember);
        tokenIds.put(tokenId, until);
        return Revocation.ofToken(tokenId, until);
    }

    /** Denies a user from now on; returns the revocation to keep in the store. */
    public Revocation revokeUser(UserRef user) {
        Instant until = clock.instant().plus(remember);
        users.put(user, until);
        return Revocation.ofUser(user, until);
    }

    /** Adds revocations taken by other nodes (or by an earlier life of this one). */
    public void load(List<Revocation> revocations) {
        for (Revocation r : revocations) {
            if (r.tokenId() != null) {
                tokenIds.asMap().merge(r.tokenId(), r.until(), (a, b) -> a.isAfter(b) ? a : b);
            } else {
                users.asMap()
                        .merge(
                                Objects.requireNonNull(r.user(), "a revocation names a token id or a user"),
                                r.until(),
                                (a, b) -> a.isAfter(b) ? a : b);
            }
        }
    }

    /** Whether a principal's token or user is on the list. */
    public boolean isRevoked(Principal p) {
        Instant now = clock.instant();
        Instant token = p.tokenId() == null ? null : tokenIds.getIfPresent(p.tokenId());
        Instant user = users.getIfPresent(new UserRef(p.org(), p.user()));
        return (token != null && token.isAfter(now)) || (user != null && user.isAfter(now));
    }

    /**
     * Whether a service credential is on the list: its token id, or the service by name as a user of
     * its organisation (revoking user {@code ehr-sync} of {@code demo} stops every credential of
     * that service, and a user of the same name, at once).
     */
    public boolean isRevoked(ServicePrincipal s) {
        Instant now = clock.instant();
        Instant token = tokenIds.getIfPresent(s.tokenId());
        Instant user = users.getIfPresent(new UserRef(s.org(), s.name()));
        return (token != null && token.isAfter(now)) || (user != null && user.isAfter(now));
    }
}
