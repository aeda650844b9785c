package org.haven.server.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of three masters and no replicas, each a {@link RedisProcess} with
 * {@code --cluster-enabled yes}, joined by {@code redis-cli --cluster create} and ready once every
 * node reports {@code cluster_state:ok}. The 16384 slots are split evenly, so keys of different
 * users land on different masters.
 */
public final class RedisClusterProcess implements AutoCloseable {

    private static final Duration READY = Duration.ofSeconds(30);

    private final List<RedisProcess> masters;

    private RedisClusterProcess(List<RedisProcess> masters) {
        this.masters = List.copyOf(masters);
    }

    /**
     * Starts three masters ({@code extraArgs} added to each command line), creates the cluster, and
     * waits until it serves every slot. Master {@code i} serves the {@code i}-th third of the slots.
     */
    public static RedisClusterProcess start(String... extraArgs) {
        // A free port can be taken by another process between being picked and being bound (a
        // master then answers "not empty"): start over on fresh ports, a few times.
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(extraArgs);
            } catch (IllegalStateException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static RedisClusterProcess startOnce(String... extraArgs) {
        List<RedisProcess> masters = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                List<String> args = new ArrayList<>(List.of(
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        "nodes.conf",
                        "--cluster-node-timeout",
                        "5000"));
                args.addAll(List.of(extraArgs));
                masters.add(RedisProcess.start(args.toArray(String[]::new)));
            }
            RedisClusterProcess cluster = new RedisClusterProcess(masters);
            cluster.create();
            cluster.awaitReady();
            return cluster;
        } catch (RuntimeException e) {
            masters.forEach(RedisProcess::close);
            throw e;
        }
    }

    /** The masters, for tests that kill one; a restarted master rejoins with its slots (its nodes.conf is kept). */
    public List<RedisProcess> masters() {
        return masters;
    }

    /** {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3}. */
    public String url() {
        return "redis-cluster://"
                + masters.stream().map(m -> "127.0.0.1:" + m.port()).collect(Collectors.joining(","));
    }

    @Override
    public void close() {
        masters.forEach(RedisProcess::close);
    }

    private void create() {
        List<String> command = new ArrayList<>(List.of(RedisProcess.executable("redis-cli"), "--cluster", "create"));
        masters.forEach(m -> command.add("127.0.0.1:" + m.port()));
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("redis-cli --cluster create did not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            if (masters.stream().allMatch(RedisClusterProcess::ok)) {
                return;
            }
            RedisProcess.sleep(100);
        }
        throw new IllegalStateException("the Redis Cluster did not reach cluster_state:ok within " + READY);
    }

    private static boolean ok(RedisProcess master) {
        try {
            return master.command("CLUSTER INFO").contains("cluster_state:ok");
        } catch (IOException e) {
            return false;
        }
    }
}
