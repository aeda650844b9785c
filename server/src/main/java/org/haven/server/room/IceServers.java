package org.haven.server.room;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.haven.protocol.Sessions;
import org.jspecify.annotations.Nullable;

/**
 * The STUN and TURN servers a video front-end needs, with short-lived TURN credentials in the TURN
 * REST API convention (as coturn's {@code use-auth-secret} expects): username
 * {@code <expiry unix seconds>:<user>}, credential base64(HMAC-SHA1(shared secret, username)).
 *
 * <p>Threading: immutable, any thread.
 */
public final class IceServers {

    private final List<String> stunUrls;
    private final List<String> turnUrls;
    private final byte @Nullable [] turnSecret;
    private final Duration ttl;
    private final Clock clock;

    public IceServers(
            List<String> stunUrls, List<String> turnUrls, @Nullable String turnSecret, Duration ttl, Clock clock) {
        this.stunUrls = List.copyOf(stunUrls);
        this.turnUrls = List.copyOf(turnUrls);
        this.turnSecret = turnSecret == null ? null : turnSecret.getBytes(StandardCharsets.UTF_8);
        this.ttl = ttl;
        this.clock = clock;
        if (!turnUrls.isEmpty() && turnSecret == null) {
            throw new IllegalArgumentException("HAVEN_TURN_SECRET: unset (expected: the TURN server's shared secret"
                    + " when HAVEN_TURN_URLS is set)");
        }
    }

    /** The ICE servers for one user, with TURN credentials valid for the configured time. */
    public List<Sessions.IceServer> forUser(String user) {
        List<Sessions.IceServer> out = new ArrayList<>(2);
        if (!stunUrls.isEmpty()) {
            out.add(new Sessions.IceServer(stunUrls, null, null));
        }
        if (!turnUrls.isEmpty()) {
            String username = clock.instant().plus(ttl).getEpochSecond() + ":" + user;
            byte[] secret = Objects.requireNonNull(turnSecret, "checked when made: TURN URLs come with a secret");
            out.add(new Sessions.IceServer(turnUrls, username, credential(secret, username)));
        }
        return out;
    }

    /** The TURN REST API credential for a username: what the TURN server computes to check it. */
    public static String credential(byte[] secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is required of every JDK", e);
        }
    }
}
