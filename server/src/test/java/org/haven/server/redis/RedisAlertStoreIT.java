package org.haven.server.redis;

import org.haven.server.alert.AlertStore;
import org.haven.server.alert.AlertStoreContract;
import org.haven.server.testing.RedisServers;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisAlertStore} keeps the {@link AlertStore} contract on one Redis server and on a three-master cluster. */
class RedisAlertStoreIT {

    @RegisterExtension
    static final RedisServers redis = new RedisServers();

    @Nested
    class OneServer extends AlertStoreContract {
        @Override
        protected AlertStore newStore() {
            return new RedisAlertStore(redis.standalone(), RedisServers.freshKeys());
        }
    }

    @Nested
    class Cluster extends AlertStoreContract {
        @Override
        protected AlertStore newStore() {
            return new RedisAlertStore(redis.cluster(), RedisServers.freshKeys());
        }
    }
}
