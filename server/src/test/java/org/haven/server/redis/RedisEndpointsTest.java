package org.haven.server.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;

/** Every accepted REDIS_URL form, and refusals that never repeat the password. */
class RedisEndpointsTest {

    @Test
    void oneServer() {
        RedisEndpoints e = RedisEndpoints.parse("redis://:s3cret@cache.internal:6380/2");
        assertThat(e.cluster()).isFalse();
        RedisURI uri = e.uris().get(0);
        assertThat(uri.getHost()).isEqualTo("cache.internal");
        assertThat(uri.getPort()).isEqualTo(6380);
        assertThat(uri.getDatabase()).isEqualTo(2);
        assertThat(uri.getCredentialsProvider().resolveCredentials().block().getPassword())
                .isEqualTo("s3cret".toCharArray());
    }

    @Test
    void oneServerOverTls() {
        RedisURI uri = RedisEndpoints.parse("rediss://cache.internal").uris().get(0);
        assertThat(uri.isSsl()).isTrue();
        assertThat(uri.getPort()).isEqualTo(6379);
    }

    @Test
    void sentinel() {
        RedisEndpoints e = RedisEndpoints.parse("redis-sentinel://s1:26379,s2:26380#primary");
        assertThat(e.cluster()).isFalse();
        RedisURI uri = e.uris().get(0);
        assertThat(uri.getSentinelMasterId()).isEqualTo("primary");
        assertThat(uri.getSentinels()).extracting(RedisURI::getHost).containsExactly("s1", "s2");
    }

    @Test
    void clusterSeedsInHavensOwnScheme() {
        RedisEndpoints e = RedisEndpoints.parse("rediss-cluster://user:pw@n1:7000,n2:7001,n3?timeout=3s");
        assertThat(e.cluster()).isTrue();
        assertThat(e.uris()).extracting(RedisURI::getHost).containsExactly("n1", "n2", "n3");
        assertThat(e.uris()).extracting(RedisURI::getPort).containsExactly(7000, 7001, 6379);
        assertThat(e.uris()).allSatisfy(uri -> {
            assertThat(uri.isSsl()).isTrue();
            assertThat(uri.getCredentialsProvider().resolveCredentials().block().getUsername())
                    .isEqualTo("user");
            assertThat(uri.getTimeout().getSeconds()).isEqualTo(3);
        });
    }

    @Test
    void clusterSeedsAsAListOfUris() {
        RedisEndpoints e = RedisEndpoints.parse("redis://n1:7000, redis://n2:7001");
        assertThat(e.cluster()).isTrue();
        assertThat(e.uris()).extracting(RedisURI::getPort).containsExactly(7000, 7001);
    }

    @Test
    void refusalsNameTheVariableAndNeverThePassword() {
        assertThatThrownBy(() -> RedisEndpoints.parse("cache.internal:6379"))
                .hasMessageStartingWith("REDIS_URL: no scheme");
        assertThatThrownBy(() -> RedisEndpoints.parse("http://:s3cret@cache.internal"))
                .hasMessageStartingWith("REDIS_URL: not a Redis URI")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> RedisEndpoints.parse("redis-cluster://:s3cret@n1:7000/1"))
                .hasMessageStartingWith("REDIS_URL: a Redis Cluster has no database")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> RedisEndpoints.parse("redis://:s3cret@n1:7000,n2:7001"))
                .hasMessageStartingWith("REDIS_URL: a list of servers")
                .hasMessageNotContaining("s3cret");
    }
}
