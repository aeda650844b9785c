package org.haven.server.redis;

import org.haven.server.push.PushSubscriptions;
import org.haven.server.push.PushSubscriptionsContract;
import org.haven.server.testing.RedisServers;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RedisPushSubscriptions} keeps the {@link PushSubscriptions} contract on one Redis server and
 * on a three-master cluster; another node's store on the same Redis sees every subscription.
 */
class RedisPushSubscriptionsIT {

    @RegisterExtension
    static final RedisServers redis = new RedisServers();

    @Nested
    class OneServer extends PushSubscriptionsContract {
        private final RedisKeys keys = RedisServers.freshKeys();

        @Override
        protected PushSubscriptions newStore() {
            return new RedisPushSubscriptions(redis.standalone(), keys);
        }

        @Override
        protected PushSubscriptions sameStoreAgain() {
            return new RedisPushSubscriptions(redis.standalone(), keys);
        }
    }

    @Nested
    class Cluster extends PushSubscriptionsContract {
        private final RedisKeys keys = RedisServers.freshKeys();

        @Override
        protected PushSubscriptions newStore() {
            return new RedisPushSubscriptions(redis.cluster(), keys);
        }

        @Override
        protected PushSubscriptions sameStoreAgain() {
            return new RedisPushSubscriptions(redis.cluster(), keys);
        }
    }
}
