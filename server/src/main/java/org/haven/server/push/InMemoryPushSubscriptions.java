package org.haven.server.push;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.haven.server.presence.UserRef;
import org.jspecify.annotations.Nullable;

/**
 * {@link PushSubscriptions} in this process's memory (one node; nothing outlives it). Every method
 * holds one lock: subscriptions change when a clinician subscribes, rarely.
 *
 * <p>Threading: any thread; completes on the caller's.
 */
public final class InMemoryPushSubscriptions implements PushSubscriptions {

    /** Organisation → user → device → subscription. */
    private final Map<String, Map<String, Map<String, PushSubscription>>> byOrg = new HashMap<>();

    @Override
    public synchronized CompletionStage<List<PushSubscription>> save(PushSubscription subscription) {
        List<PushSubscription> removed = new ArrayList<>();
        for (PushSubscription s : all()) {
            if (s.endpoint().equals(subscription.endpoint())
                    && !(s.owner().equals(subscription.owner()) && s.device().equals(subscription.device()))) {
                take(s.owner(), s.device());
                removed.add(s);
            }
        }
        Map<String, PushSubscription> devices = byOrg.computeIfAbsent(subscription.org(), o -> new HashMap<>())
                .computeIfAbsent(subscription.user(), u -> new HashMap<>());
        devices.replaceAll((device, s) -> s.withOnCall(subscription.onCall()));
        devices.put(subscription.device(), subscription);
        List<PushSubscription> oldestFirst =
                devices.values().stream().sorted(OLDEST_FIRST).toList();
        for (int i = 0, over = oldestFirst.size() - MAX_PER_USER; over > 0 && i < oldestFirst.size(); i++) {
            PushSubscription s = oldestFirst.get(i);
            if (!s.device().equals(subscription.device())) {
                devices.remove(s.device());
                removed.add(s);
                over--;
            }
        }
        return CompletableFuture.completedFuture(List.copyOf(removed));
    }

    @Override
    public synchronized CompletionStage<Optional<PushSubscription>> remove(UserRef user, String device) {
        return CompletableFuture.completedFuture(Optional.ofNullable(take(user, device)));
    }

    @Override
    public synchronized CompletionStage<Boolean> removeByEndpoint(URI endpoint) {
        boolean removed = false;
        for (PushSubscription s : all()) {
            if (s.endpoint().equals(endpoint)) {
                removed |= take(s.owner(), s.device()) != null;
            }
        }
        return CompletableFuture.completedFuture(removed);
    }

    @Override
    public synchronized CompletionStage<List<PushSubscription>> list(UserRef user) {
        Map<String, PushSubscription> devices =
                byOrg.getOrDefault(user.org(), Map.of()).getOrDefault(user.user(), Map.of());
        return CompletableFuture.completedFuture(
                devices.values().stream().sorted(OLDEST_FIRST).toList());
    }

    @Override
    public synchronized CompletionStage<List<PushSubscription>> inOrg(String org) {
        return CompletableFuture.completedFuture(byOrg.getOrDefault(org, Map.of()).values().stream()
                .flatMap(devices -> devices.values().stream())
                .sorted(OLDEST_FIRST)
                .toList());
    }

    @Override
    public synchronized CompletionStage<Void> setOnCall(UserRef user, boolean onCall) {
        Map<String, PushSubscription> devices =
                byOrg.getOrDefault(user.org(), Map.of()).get(user.user());
        if (devices != null) {
            devices.replaceAll((device, s) -> s.withOnCall(onCall));
        }
        return CompletableFuture.completedFuture(null);
    }

    private List<PushSubscription> all() {
        return byOrg.values().stream()
                .flatMap(users -> users.values().stream())
                .flatMap(devices -> devices.values().stream())
                .toList();
    }

    /** Removes one subscription, and the maps it leaves empty; returns it, or null when there was none. */
    private @Nullable PushSubscription take(UserRef user, String device) {
        Map<String, Map<String, PushSubscription>> users = byOrg.get(user.org());
        if (users == null) {
            return null;
        }
        Map<String, PushSubscription> devices = users.get(user.user());
        if (devices == null) {
            return null;
        }
        PushSubscription removed = devices.remove(device);
        if (devices.isEmpty()) {
            users.remove(user.user());
            if (users.isEmpty()) {
                byOrg.remove(user.org());
            }
        }
        return removed;
    }
}
