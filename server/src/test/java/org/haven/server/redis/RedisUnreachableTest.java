package org.haven.server.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import org.junit.jupiter.api.Test;

/** Why a connection to Redis failed at start, in words a start may print: never Lettuce's or Redis' message. */
class RedisUnreachableTest {

    @Test
    void credentialsRedisRefuses() {
        assertThat(RedisConnections.whyUnreachable(new RedisConnectionException(
                        "Unable to connect",
                        new RedisCommandExecutionException("WRONGPASS invalid username-password pair"))))
                .isEqualTo("the user name or password was refused");
        assertThat(RedisConnections.whyUnreachable(new RedisConnectionException(
                        "Unable to connect",
                        new RedisCommandExecutionException(
                                "NOAUTH HELLO must be called with the client already" + " authenticated"))))
                .isEqualTo("the user name or password was refused");
    }

    @Test
    void anotherRefusalByItsCodeOnly() {
        assertThat(RedisConnections.whyUnreachable(new RedisConnectionException(
                        "Unable to connect",
                        new RedisCommandExecutionException("ERR something that quotes redis://:s3cret@host"))))
                .isEqualTo("redis refused the connection (ERR)");
    }

    @Test
    void noAnswerInTime() {
        assertThat(RedisConnections.whyUnreachable(new RedisConnectionException(
                        "Unable to connect", new RedisCommandTimeoutException("timed out after 2 second(s)"))))
                .isEqualTo("no answer in time");
    }

    @Test
    void aFailureThatIsNotAboutReachingRedisIsNotOne() {
        assertThat(RedisConnections.whyUnreachable(new IllegalArgumentException("REDIS_URL: no scheme")))
                .isNull();
    }
}
