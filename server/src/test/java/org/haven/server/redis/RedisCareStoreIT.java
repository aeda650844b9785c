package org.haven.server.redis;

import org.haven.server.care.CareStore;
import org.haven.server.care.CareStoreContract;
import org.haven.server.testing.RedisServers;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisCareStore} keeps the {@link CareStore} contract on one Redis server and on a three-master cluster. */
class RedisCareStoreIT {

    @RegisterExtension
    static final RedisServers redis = new RedisServers();

    @Nested
    class OneServer extends CareStoreContract {
        @Override
        protected CareStore newStore(int versionsKept) {
            return new RedisCareStore(redis.standalone(), RedisServers.freshKeys(), versionsKept);
        }

        @Override
        protected boolean purgesByTime() {
            return false;
        }
    }

    @Nested
    class Cluster extends CareStoreContract {
        @Override
        protected CareStore newStore(int versionsKept) {
            return new RedisCareStore(redis.cluster(), RedisServers.freshKeys(), versionsKept);
        }

        @Override
        protected boolean purgesByTime() {
            return false;
        }
    }
}
