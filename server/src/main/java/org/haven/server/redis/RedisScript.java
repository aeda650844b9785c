package org.haven.server.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A Lua script run atomically by Redis: by its SHA-1 ({@code EVALSHA}), and with its source
 * ({@code EVAL}) when the server does not know it yet — after a Redis restart, or on a cluster
 * node that has not seen it. Every key a script touches is passed in {@code KEYS}, all in one
 * slot. Immutable.
 */
final class RedisScript {

    private final String source;
    private final String sha1;

    RedisScript(String source) {
        this.source = source;
        this.sha1 = sha1(source);
    }

    /** Runs the script; completes with its reply as {@code type} describes it. */
    <T> CompletionStage<T> run(
            RedisClusterAsyncCommands<String, String> redis, ScriptOutputType type, String[] keys, String... args) {
        CompletionStage<T> bySha = redis.evalsha(sha1, type, keys, args);
        return bySha.exceptionallyCompose(failure -> {
            Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof RedisNoScriptException) {
                return redis.eval(source, type, keys, args);
            }
            return CompletableFuture.failedStage(cause);
        });
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
    }
}
