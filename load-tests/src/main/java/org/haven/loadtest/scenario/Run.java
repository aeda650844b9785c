package org.haven.loadtest.scenario;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.haven.loadtest.wire.Generator;
import org.haven.loadtest.wire.Identity;
import org.haven.loadtest.wire.PeerEvents;
import org.haven.loadtest.wire.WirePeer;
import org.haven.protocol.Role;

/**
 * One run of a scenario: its generator, its deadlines, and fresh user ids (an earlier run's users
 * may still hold connections or open alerts on the same server), each with a token for its room.
 */
final class Run implements AutoCloseable {

    /** Time kept at the end of the time limit for closing every connection. */
    static final Duration CLEANUP_RESERVE = Duration.ofSeconds(8);

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

    final RunSettings settings;
    final Generator generator;
    final URI endpoint;
    /** Another node of the cluster, for every other connection; null when there is one. */
    private final URI secondEndpoint;
    /** Past this, stop measuring and close (the hard deadline less the cleanup reserve). */
    final long deadlineNanos;

    final long hardDeadlineNanos;
    private final String runId = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);
    private final BenchTokens tokens;
    private final Duration tokenTtl;

    Run(RunSettings settings, int connections) {
        this.settings = settings;
        this.hardDeadlineNanos = System.nanoTime() + settings.maxDuration().toNanos();
        this.deadlineNanos = hardDeadlineNanos - CLEANUP_RESERVE.toNanos();
        int sources = settings.sourceAddresses() > 0 ? settings.sourceAddresses() : Generator.sourcesFor(connections);
        this.generator = new Generator(settings.threads(), sources);
        this.endpoint = settings.target().endpoint(settings.url());
        this.secondEndpoint =
                settings.secondUrl() == null ? null : settings.target().endpoint(settings.secondUrl());
        this.tokens = new BenchTokens(settings.secret(), settings.issuer(), settings.audience(), runId);
        this.tokenTtl = settings.maxDuration().plus(Duration.ofMinutes(10));
    }

    /** Where connection number {@code index} goes: with a second node, odd ones go there. */
    URI endpoint(int index) {
        return secondEndpoint != null && index % 2 == 1 ? secondEndpoint : endpoint;
    }

    /** A new connection (not yet open) for user {@code name} of this run, granted {@code rooms}. */
    WirePeer peer(String name, Role role, List<String> rooms, PeerEvents events) {
        String user = "load-" + runId + "-" + name;
        return settings.target()
                .peer(new Identity(user, role, tokens.mint(user, role, settings.org(), rooms, tokenTtl)), events);
    }

    /** A room id of this run. */
    String room(String name) {
        return "load-" + runId + "-" + name;
    }

    @Override
    public void close() {
        generator.close();
    }
}
