package org.haven.server.testing;

import java.util.UUID;
import org.haven.server.redis.RedisConnections;
import org.haven.server.redis.RedisKeys;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Redis for the engine tests: one standalone {@code redis-server} and one three-master Redis
 * Cluster shared by every test class of a run (each started on first use, stopped when the run
 * ends), and per test class a {@link RedisConnections} to each, closed after the class — before the
 * leak check. Register it as a static field; tests isolate themselves with {@link #freshKeys()}.
 */
public final class RedisServers implements BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace SHARED = ExtensionContext.Namespace.create(RedisServers.class);

    private ExtensionContext root;
    private RedisConnections standalone;
    private RedisConnections cluster;

    @Override
    public void beforeAll(ExtensionContext context) {
        root = context.getRoot();
    }

    /** Connections to the shared standalone server. */
    public synchronized RedisConnections standalone() {
        if (standalone == null) {
            RedisProcess process = root.getStore(SHARED)
                    .getOrComputeIfAbsent("standalone", k -> RedisProcess.start(), RedisProcess.class);
            standalone = RedisConnections.open(process.url());
        }
        return standalone;
    }

    /** Connections to the shared three-master cluster. */
    public synchronized RedisConnections cluster() {
        if (cluster == null) {
            RedisClusterProcess process = root.getStore(SHARED)
                    .getOrComputeIfAbsent("cluster", k -> RedisClusterProcess.start(), RedisClusterProcess.class);
            cluster = RedisConnections.open(process.url());
        }
        return cluster;
    }

    /** The masters of the shared three-master cluster. */
    public synchronized java.util.List<RedisProcess> clusterMasters() {
        cluster();
        return root.getStore(SHARED).get("cluster", RedisClusterProcess.class).masters();
    }

    /** Keys under a namespace no other test uses. */
    public static RedisKeys freshKeys() {
        return new RedisKeys("test-" + UUID.randomUUID());
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (standalone != null) {
            standalone.close();
            standalone = null;
        }
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }
}
