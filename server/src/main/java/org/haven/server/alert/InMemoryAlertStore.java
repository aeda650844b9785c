package org.haven.server.alert;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.haven.protocol.Alerts;
import org.jspecify.annotations.Nullable;

/**
 * {@link AlertStore} for one node: a map by alert id.
 *
 * <p>Threading: any thread (a concurrent map); answers at once, on the caller's thread.
 */
public final class InMemoryAlertStore implements AlertStore {

    private final Map<String, StoredAlert> alerts = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Void> save(StoredAlert alert) {
        alerts.put(alert.view().id(), alert);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Boolean> saveNew(StoredAlert alert) {
        return CompletableFuture.completedFuture(alerts.putIfAbsent(alert.view().id(), alert) == null);
    }

    @Override
    public CompletionStage<Optional<StoredAlert>> find(String org, String id) {
        StoredAlert a = alerts.get(id);
        return CompletableFuture.completedFuture(a != null && a.org().equals(org) ? Optional.of(a) : Optional.empty());
    }

    @Override
    public CompletionStage<List<StoredAlert>> unclosed() {
        return CompletableFuture.completedFuture(alerts.values().stream()
                .filter(a -> a.view().state() != Alerts.State.CLOSED)
                .toList());
    }

    @Override
    public CompletionStage<List<StoredAlert>> unclosed(String org) {
        return CompletableFuture.completedFuture(alerts.values().stream()
                .filter(a -> a.org().equals(org) && a.view().state() != Alerts.State.CLOSED)
                .toList());
    }

    @Override
    public CompletionStage<List<StoredAlert>> unclosedOf(String org, String client) {
        return CompletableFuture.completedFuture(alerts.values().stream()
                .filter(a -> a.org().equals(org)
                        && a.view().client().equals(client)
                        && a.view().state() != Alerts.State.CLOSED)
                .toList());
    }

    @Override
    public CompletionStage<Set<String>> overdue(Instant before, int limit) {
        Set<String> orgs = new LinkedHashSet<>();
        alerts.values().stream()
                .filter(a -> a.nextDeadline() != null && a.nextDeadline().isBefore(before))
                .sorted(Comparator.comparing(StoredAlert::nextDeadline))
                .limit(limit)
                .forEach(a -> orgs.add(a.org()));
        return CompletableFuture.completedFuture(Set.copyOf(orgs));
    }

    @Override
    public CompletionStage<Integer> purgeClosed(Instant before) {
        int[] purged = {0};
        alerts.values().removeIf(a -> {
            boolean old = a.view().state() == Alerts.State.CLOSED
                    && a.view().updatedAt().isBefore(before);
            purged[0] += old ? 1 : 0;
            return old;
        });
        return CompletableFuture.completedFuture(purged[0]);
    }

    /** Reads every alert: memory holds one node's, and they are read anyway by {@link #unclosed()}. */
    @Override
    public CompletionStage<List<StoredAlert>> search(AlertSearch search) {
        return CompletableFuture.completedFuture(alerts.values().stream()
                .filter(search::matches)
                .sorted(AlertSearch.NEWEST_FIRST)
                .limit(search.limit())
                .toList());
    }

    /** Every alert stored and not purged (tests). */
    public @Nullable StoredAlert get(String id) {
        return alerts.get(id);
    }
}
