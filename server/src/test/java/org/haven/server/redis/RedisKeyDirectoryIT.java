package org.haven.server.redis;

import org.haven.server.chat.KeyDirectory;
import org.haven.server.chat.KeyDirectoryContract;
import org.haven.server.testing.RedisServers;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisKeyDirectory} keeps the {@link KeyDirectory} contract on one Redis server and on a three-master cluster. */
class RedisKeyDirectoryIT {

    @RegisterExtension
    static final RedisServers redis = new RedisServers();

    @Nested
    class OneServer extends KeyDirectoryContract {
        @Override
        protected KeyDirectory newDirectory() {
            return new RedisKeyDirectory(redis.standalone(), RedisServers.freshKeys());
        }
    }

    @Nested
    class Cluster extends KeyDirectoryContract {
        @Override
        protected KeyDirectory newDirectory() {
            return new RedisKeyDirectory(redis.cluster(), RedisServers.freshKeys());
        }
    }
}
