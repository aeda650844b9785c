package org.haven.server.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.haven.server.testing.HavenProcess;
import org.haven.server.testing.RedisProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A production node whose durable records are in a Redis that keeps nothing on disk does not say
 * it is ready, and its metric says why; it becomes ready once Redis persists, or when the operator
 * says it may serve anyway.
 */
class RedisPersistenceIT {

    private RedisProcess redis;
    private HavenProcess node;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {node, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private HavenProcess production(Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "HAVEN_MODE", "production",
                "HAVEN_JWT_SECRET", "a-private-production-secret-of-enough-length",
                "HAVEN_JWT_ISSUER", "https://idp.example",
                "HAVEN_JWT_AUDIENCE", "haven",
                "REDIS_URL", redis.url()));
        env.putAll(extra);
        return HavenProcess.start(env);
    }

    private String metrics() throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void aProductionNodeIsNotReadyWhileRedisKeepsItsRecordsInMemoryOnly() throws Exception {
        redis = RedisProcess.start(); // no snapshots, no AOF
        node = production(Map.of());
        node.awaitReadiness("not_durable", Duration.ofSeconds(30));
        assertThat(metrics()).contains("haven_records_durable 0.0");
        assertThat(node.log()).contains("a restart of redis loses them");

        redis.command("CONFIG SET appendonly yes");
        node.awaitReadiness("ready", Duration.ofSeconds(20));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> metrics().contains("haven_records_durable 1.0"));
    }

    @Test
    void theOperatorMayLetItServeAnyway() throws Exception {
        redis = RedisProcess.start();
        node = production(Map.of("HAVEN_REDIS_PERSISTENCE_REQUIRED", "false"));
        node.awaitReadiness("ready", Duration.ofSeconds(30));
        assertThat(metrics()).contains("haven_records_durable 0.0");
    }
}
