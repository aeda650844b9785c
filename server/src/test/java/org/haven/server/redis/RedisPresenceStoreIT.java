package org.haven.server.redis;

import org.haven.server.presence.PresenceStore;
import org.haven.server.testing.RedisServers;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RedisPresenceStore} keeps the {@link PresenceStore} contract, and reports the users of a
 * dead node, on one Redis server and on a three-master cluster.
 */
class RedisPresenceStoreIT {

    @RegisterExtension
    static final RedisServers redis = new RedisServers();

    @Nested
    class OneServer extends RedisPresenceStoreContract {
        @Override
        protected RedisConnections connections() {
            return redis.standalone();
        }
    }

    @Nested
    class Cluster extends RedisPresenceStoreContract {
        @Override
        protected RedisConnections connections() {
            return redis.cluster();
        }
    }
}
