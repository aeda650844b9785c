package org.haven.server.alert;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.haven.protocol.Alerts;

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
    public CompletionStage<List<StoredAlert>> unclosed() {
        return CompletableFuture.completedFuture(alerts.values().stream()
                .filter(a -> a.view().state() != Alerts.State.CLOSED).toList());
    }

    @Override
    public CompletionStage<List<StoredAlert>> unclosed(String org) {
        return CompletableFuture.completedFuture(alerts.values().stream()
                .filter(a -> a.org().equals(org) && a.view().state() != Alerts.State.CLOSED).toList());
    }

    @Override
    public CompletionStage<java.util.Set<String>> overdue(java.time.Instant before, int limit) {
        java.util.Set<String> orgs = new java.util.LinkedHashSet<>();
        alerts.values().stream().filter(a -> a.nextDeadline() != null && a.nextDeadline().isBefore(before))
                .sorted(java.util.Comparator.comparing(StoredAlert::nextDeadline))
                .limit(limit).forEach(a -> orgs.add(a.org()));
        return CompletableFuture.completedFuture(java.util.Set.copyOf(orgs));
    }

    /** Every alert ever stored (tests). */
    public StoredAlert get(String id) {
        return alerts.get(id);
    }
}
