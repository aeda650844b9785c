package org.haven.server.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The {@code Idempotency-Key}s of POST and PUT requests, remembered per service for
 * {@link #REMEMBERED}: a retry with the same key and the same request (method, path, body) is
 * answered the first response (while the first is still running, when it is done), marked
 * {@code Idempotent-Replayed: true}; the same key with another request is refused
 * {@code idempotency_key_reused}. A response that says "try again" (429, 5xx) is not remembered, so
 * the retry runs. Kept in this node's memory, bounded to {@link #MAX_KEYS}: a retry that reaches
 * another node runs again (docs/api.md).
 *
 * <p>Threading: any thread; the cache is concurrent and each key is claimed atomically.
 */
final class IdempotencyKeys {

    /** How long a key is remembered after its first use. */
    static final Duration REMEMBERED = Duration.ofHours(24);
    /** The most keys remembered at once on a node (the oldest go first past it). */
    static final long MAX_KEYS = 100_000;
    /** The longest key accepted. */
    static final int MAX_KEY_CHARS = 255;
    /** The header a replayed response carries. */
    static final String REPLAYED = "Idempotent-Replayed";

    /** A key's first request (its fingerprint) and its response. */
    private record First(String fingerprint, CompletableFuture<ApiResponse> response) {}

    private final Cache<String, First> keys;

    IdempotencyKeys(Ticker ticker) {
        this.keys = Caffeine.newBuilder()
                .ticker(ticker)
                .expireAfterWrite(REMEMBERED)
                .maximumSize(MAX_KEYS)
                .build();
    }

    /** Whether {@code key} is one this API accepts: 1 to 255 visible ASCII characters. */
    static boolean isValid(String key) {
        return !key.isEmpty() && key.length() <= MAX_KEY_CHARS && key.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    /**
     * The response for {@code key} of {@code owner}: {@code run}'s when the key is new, the first
     * one's when it is a retry of the same {@code fingerprint}, a refusal when it is not.
     */
    CompletionStage<ApiResponse> once(
            String owner, String key, String fingerprint, Supplier<CompletionStage<ApiResponse>> run) {
        String id = owner + "\n" + key;
        First mine = new First(fingerprint, new CompletableFuture<>());
        First first = keys.asMap().putIfAbsent(id, mine);
        if (first != null) {
            if (!first.fingerprint().equals(fingerprint)) {
                return CompletableFuture.completedFuture(new ApiRefusal(
                                ApiError.IDEMPOTENCY_KEY_REUSED,
                                "this Idempotency-Key was used with another request; use a new key for a new request")
                        .toResponse());
            }
            return first.response().thenApply(r -> r.withHeader(REPLAYED, "true"));
        }
        run.get().whenComplete((response, failure) -> {
            if (failure != null || response.status() == 429 || response.status() >= 500) {
                keys.asMap().remove(id, mine); // a transient answer: the retry should run again
            }
            if (failure != null) {
                mine.response().completeExceptionally(failure);
            } else {
                mine.response().complete(response);
            }
        });
        return mine.response();
    }
}
