package org.haven.server.redis;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where Redis is, parsed from a {@code REDIS_URL}: one server (directly or through Sentinel), or
 * the seed nodes of a Redis Cluster.
 *
 * <p>Accepted forms:
 * <ul>
 *   <li>{@code redis://[[user:]password@]host[:port][/database][?timeout=5s]} — one server;
 *       {@code rediss://} the same over TLS.</li>
 *   <li>{@code redis-sentinel://[[user:]password@]host[:port][,host[:port]…][/database]#masterId} —
 *       a server found through Sentinel; {@code rediss-sentinel://} over TLS.</li>
 *   <li>{@code redis-cluster://[[user:]password@]host[:port][,host[:port]…][?query]} — a Redis
 *       Cluster given by seed nodes (any reachable subset of its nodes; the client discovers the
 *       rest); {@code rediss-cluster://} over TLS. The credentials and query apply to every seed;
 *       a database is not allowed (a cluster has only database 0). This scheme is Haven's own:
 *       each seed becomes {@code redis://[userinfo@]host:port[?query]}.</li>
 *   <li>{@code redis://host1:port1,redis://host2:port2,…} — a comma-separated list of
 *       {@code redis://} or {@code rediss://} URIs is a Redis Cluster seed list as well.</li>
 * </ul>
 * A comma inside a password must be written {@code %2C}. Error messages never repeat the URL, which
 * may hold a password.
 */
record RedisEndpoints(boolean cluster, List<RedisURI> uris) {

    private static final String CLUSTER = "redis-cluster";
    private static final String CLUSTER_TLS = "rediss-cluster";

    RedisEndpoints {
        uris = List.copyOf(uris);
    }

    /**
     * What is wrong with {@code url} as a Redis URL, in words safe to print (never the URL itself: it
     * may hold a password), or null when it parses: the configuration's check, before a start.
     */
    static @Nullable String problemWith(String url) {
        try {
            parse(url);
            return null;
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            return message == null ? "not a Redis URL" : message.replaceFirst("^REDIS_URL: ", "");
        }
    }

    /** Parses {@code url}; throws {@link IllegalArgumentException} naming {@code REDIS_URL} when it is not usable. */
    static RedisEndpoints parse(String url) {
        Objects.requireNonNull(url, "redisUrl");
        int schemeEnd = url.indexOf("://");
        if (schemeEnd <= 0) {
            throw new IllegalArgumentException("REDIS_URL: no scheme (expected: redis://, rediss://, "
                    + "redis-sentinel://, redis-cluster:// or a comma-separated list of redis:// URIs)");
        }
        String scheme = url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        String rest = url.substring(schemeEnd + 3);
        if (scheme.equals(CLUSTER) || scheme.equals(CLUSTER_TLS)) {
            return clusterSeeds(scheme.equals(CLUSTER_TLS) ? "rediss" : "redis", rest);
        }
        if ((scheme.equals("redis") || scheme.equals("rediss")) && url.indexOf(',') >= 0) {
            List<RedisURI> seeds = new ArrayList<>();
            for (String seed : url.split(",")) {
                String s = seed.strip().toLowerCase(Locale.ROOT);
                if (!s.startsWith("redis://") && !s.startsWith("rediss://")) {
                    throw new IllegalArgumentException("REDIS_URL: a list of servers is a Redis Cluster seed list;"
                            + " write each as redis://host:port (or use redis-cluster://host1:port1,host2:port2)");
                }
                seeds.add(uri(seed.strip()));
            }
            return new RedisEndpoints(true, seeds);
        }
        return new RedisEndpoints(false, List.of(uri(url)));
    }

    private static RedisEndpoints clusterSeeds(String seedScheme, String rest) {
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q);
            rest = rest.substring(0, q);
        }
        String userInfo = "";
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            userInfo = rest.substring(0, at + 1);
            rest = rest.substring(at + 1);
        }
        List<RedisURI> seeds = new ArrayList<>();
        for (String hostPort : rest.split(",")) {
            String h = hostPort.strip();
            if (h.isEmpty()) {
                throw new IllegalArgumentException("REDIS_URL: an empty seed node in the cluster list");
            }
            if (h.indexOf('/') >= 0) {
                throw new IllegalArgumentException("REDIS_URL: a Redis Cluster has no database to select"
                        + " (expected: redis-cluster://host:port,host:port)");
            }
            seeds.add(uri(seedScheme + "://" + userInfo + h + query));
        }
        return new RedisEndpoints(true, seeds);
    }

    private static RedisURI uri(String text) {
        try {
            return RedisURI.create(text);
        } catch (IllegalArgumentException e) {
            // Lettuce's message may quote the URI, password included: give a fixed one instead.
            throw new IllegalArgumentException(
                    "REDIS_URL: not a Redis URI (expected: scheme://[user:password@]host:port;"
                            + " schemes redis, rediss, redis-sentinel, rediss-sentinel, redis-cluster, rediss-cluster)");
        }
    }
}
