package org.haven.server.redis;

import org.haven.server.chat.Mailbox;
import org.haven.server.chat.MailboxContract;
import org.haven.server.testing.RedisServers;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisMailbox} keeps the {@link Mailbox} contract on one Redis server and on a three-master cluster. */
class RedisMailboxIT {

    @RegisterExtension
    static final RedisServers redis = new RedisServers();

    @Nested
    class OneServer extends MailboxContract {
        @Override
        protected Mailbox newMailbox(int perDevice) {
            return new RedisMailbox(redis.standalone(), RedisServers.freshKeys(), perDevice);
        }
    }

    @Nested
    class Cluster extends MailboxContract {
        @Override
        protected Mailbox newMailbox(int perDevice) {
            return new RedisMailbox(redis.cluster(), RedisServers.freshKeys(), perDevice);
        }
    }
}
