package org.haven.server.redis;

import org.haven.server.auth.RevocationStore;
import org.haven.server.auth.RevocationStoreContract;
import org.haven.server.testing.RedisServers;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisRevocationStore} keeps the {@link RevocationStore} contract on one Redis server and on a three-master cluster. */
class RedisRevocationStoreIT {

    @RegisterExtension
    static final RedisServers redis = new RedisServers();

    @Nested
    class OneServer extends RevocationStoreContract {
        @Override
        protected RevocationStore newStore() {
            return new RedisRevocationStore(redis.standalone(), RedisServers.freshKeys());
        }
    }

    @Nested
    class Cluster extends RevocationStoreContract {
        @Override
        protected RevocationStore newStore() {
            return new RedisRevocationStore(redis.cluster(), RedisServers.freshKeys());
        }
    }
}
