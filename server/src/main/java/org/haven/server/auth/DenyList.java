package org.haven.server.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import org.haven.server.presence.UserRef;

/**
 * Revoked token ids and users. A token id is remembered for as long as a token can live (a token
 * past its expiry is refused anyway); a user stays revoked for the configured time, until an
 * integrator stops minting them tokens.
 */
public final class DenyList {

    private final Cache<String, Boolean> tokenIds;
    private final Cache<UserRef, Boolean> users;

    public DenyList(Duration remember, Ticker ticker) {
        this.tokenIds = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(remember).maximumSize(1_000_000).build();
        this.users = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(remember).maximumSize(1_000_000).build();
    }

    public void revokeToken(String tokenId) {
        tokenIds.put(tokenId, Boolean.TRUE);
    }

    public void revokeUser(UserRef user) {
        users.put(user, Boolean.TRUE);
    }

    /** Whether a principal's token or user is on the list. */
    public boolean isRevoked(Principal p) {
        return (p.tokenId() != null && tokenIds.getIfPresent(p.tokenId()) != null)
                || users.getIfPresent(new UserRef(p.org(), p.user())) != null;
    }
}
