package org.haven.loadtest.failover;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.haven.loadtest.Loopback;
import org.haven.server.config.ServerConfig;

/**
 * How a failover run goes: the two nodes (node A serves the organisation: its first user connects
 * there), who connects, how fast the clients press, which faults happen when, and how long the run
 * may take.
 *
 * @param urlA the node that serves the organisation (and is to be killed)
 * @param urlB the other node
 * @param clients client users, alternately homed on A and B, each pressing in turn
 * @param clinicians clinicians granted the clients' room, alternately on A and B (the first on A)
 * @param supervisors supervisors, all on B
 * @param ratePerSecond help presses a second, all clients together, on a fixed schedule
 * @param warmup presses at the same rate before the measured ones, not measured (the nodes' JIT)
 * @param seconds how long measured presses are scheduled for; faults are timed from their start
 * @param faultWindow how long after each fault a press counts as "during" it
 * @param drain how long after the last scheduled press answers and deliveries are waited for
 * @param faults the faults, in any order
 * @param closeAlerts whether clinicians record each alert's follow-up right after resolving it
 *     (closing it), so that the organisation's unclosed alerts do not pile up over the run
 * @param maxDuration the hard time limit of the whole run, connecting and closing included
 */
public record FailoverSettings(
        URI urlA,
        URI urlB,
        int clients,
        int clinicians,
        int supervisors,
        double ratePerSecond,
        Duration warmup,
        double seconds,
        Duration faultWindow,
        Duration drain,
        List<Fault> faults,
        boolean closeAlerts,
        String org,
        String secret,
        String issuer,
        String audience,
        Duration maxDuration) {

    /** Time for connecting everyone before the first press, and for closing after the drain. */
    static final Duration OVERHEAD = Duration.ofSeconds(30);

    public FailoverSettings {
        Loopback.require(urlA);
        Loopback.require(urlB);
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(faultWindow, "faultWindow");
        Objects.requireNonNull(drain, "drain");
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(maxDuration, "maxDuration");
        faults = faults.stream()
                .sorted(Comparator.comparingDouble(Fault::atSeconds))
                .toList();
        if (clients < 1 || clinicians < 1 || supervisors < 0) {
            throw new IllegalArgumentException("clients: " + clients + ", clinicians: " + clinicians + ", supervisors: "
                    + supervisors + " (expected: at least one client and one clinician)");
        }
        if (!(ratePerSecond > 0) || !(seconds > 0)) {
            throw new IllegalArgumentException("rate and seconds must be positive");
        }
        for (Fault f : faults) {
            if (f.atSeconds() >= seconds) {
                throw new IllegalArgumentException("fault '" + f.name() + "' at " + f.atSeconds()
                        + " s: after the last press (" + seconds + " s)");
            }
        }
        if (secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("secret: shorter than 32 bytes (HS256 needs at least 256 bits)");
        }
        Duration needed = Duration.ofMillis((long) (seconds * 1000))
                .plus(warmup)
                .plus(drain)
                .plus(OVERHEAD);
        if (maxDuration.compareTo(needed) < 0) {
            throw new IllegalArgumentException("the run needs " + needed.toSeconds()
                    + " s (presses, drain and " + OVERHEAD.toSeconds()
                    + " s to connect and close): raise --max-seconds or lower --seconds / --drain-seconds");
        }
    }

    /** Measured presses. */
    public int presses() {
        return (int) Math.round(ratePerSecond * seconds);
    }

    /** Presses of the warm-up, before the measured ones. */
    public int warmupPresses() {
        return (int) Math.round(ratePerSecond * warmup.toMillis() / 1000.0);
    }

    /** Settings for dev-mode nodes (dev secret, issuer and audience), organisation "failover", no fault. */
    public static FailoverSettings devNodes(URI urlA, URI urlB, int clients, double rate, double seconds) {
        return new FailoverSettings(
                urlA,
                urlB,
                clients,
                4,
                1,
                rate,
                Duration.ZERO,
                seconds,
                Duration.ofSeconds(10),
                Duration.ofSeconds(15),
                List.of(),
                false,
                "failover",
                ServerConfig.DEV_SECRET,
                ServerConfig.DEV_ISSUER,
                ServerConfig.DEV_AUDIENCE,
                Duration.ofSeconds(180));
    }

    /** The same run with a warm-up, other faults, window, drain and team. */
    public FailoverSettings with(
            Duration newWarmup,
            List<Fault> newFaults,
            Duration window,
            Duration newDrain,
            int newClinicians,
            int newSupervisors) {
        return new FailoverSettings(
                urlA,
                urlB,
                clients,
                newClinicians,
                newSupervisors,
                ratePerSecond,
                newWarmup,
                seconds,
                window,
                newDrain,
                newFaults,
                closeAlerts,
                org,
                secret,
                issuer,
                audience,
                maxDuration);
    }
}
