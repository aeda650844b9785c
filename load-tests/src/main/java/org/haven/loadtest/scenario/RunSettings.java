package org.haven.loadtest.scenario;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import org.haven.loadtest.Loopback;
import org.haven.loadtest.probe.ServerProbe;
import org.haven.loadtest.wire.Target;
import org.haven.server.config.ServerConfig;

/**
 * What every scenario needs: the target and where it listens (loopback only), the token settings it
 * verifies, the generator's threads and source addresses, the hard time limit of the run, and the
 * probe that reads the server's memory.
 *
 * @param threads generator event-loop threads; 0 for Netty's default
 * @param sourceAddresses loopback source addresses to spread connections over; 0 picks enough
 * @param maxDuration the hard time limit of the whole run, connecting and closing included
 * @param secondUrl another node of the same cluster: every other connection goes there (null: none)
 */
public record RunSettings(
        Target target,
        URI url,
        String org,
        String secret,
        String issuer,
        String audience,
        int threads,
        int sourceAddresses,
        Duration maxDuration,
        ServerProbe probe,
        URI secondUrl) {

    /** Every connection to {@code url}. */
    public RunSettings(
            Target target,
            URI url,
            String org,
            String secret,
            String issuer,
            String audience,
            int threads,
            int sourceAddresses,
            Duration maxDuration,
            ServerProbe probe) {
        this(target, url, org, secret, issuer, audience, threads, sourceAddresses, maxDuration, probe, null);
    }

    public RunSettings {
        if (secondUrl != null) {
            Loopback.require(secondUrl);
        }
        Objects.requireNonNull(target, "target");
        Loopback.require(url);
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(maxDuration, "maxDuration");
        Objects.requireNonNull(probe, "probe");
        if (secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("secret: shorter than 32 bytes (HS256 needs at least 256 bits)");
        }
        if (threads < 0 || sourceAddresses < 0 || sourceAddresses > 250) {
            throw new IllegalArgumentException("threads: " + threads + ", sourceAddresses: " + sourceAddresses
                    + " (expected: threads >= 0, sourceAddresses 0..250)");
        }
    }

    /** Settings for a dev-mode server at {@code url}: the dev secret, organisation "bench", no memory probe. */
    public static RunSettings devServer(Target target, URI url, Duration maxDuration) {
        return new RunSettings(
                target,
                url,
                "bench",
                ServerConfig.DEV_SECRET,
                ServerConfig.DEV_ISSUER,
                ServerConfig.DEV_AUDIENCE,
                0,
                0,
                maxDuration,
                ServerProbe.none());
    }
}
