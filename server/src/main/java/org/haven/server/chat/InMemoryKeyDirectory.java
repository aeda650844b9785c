package org.haven.server.chat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.haven.protocol.E2e;
import org.haven.server.presence.UserRef;

/**
 * {@link KeyDirectory} for one node; each user's devices are changed under that user's lock.
 *
 * <p>Threading: any thread; a concurrent map, each user's devices changed under that user's lock;
 * answers on the caller's thread.
 */
public final class InMemoryKeyDirectory implements KeyDirectory {

    private static final class Device {
        final E2e.DeviceBundle bundle;
        final ArrayDeque<E2e.Prekey> oneTime;

        Device(E2e.DeviceBundle bundle, List<E2e.Prekey> oneTime) {
            this.bundle = bundle;
            this.oneTime = new ArrayDeque<>(oneTime);
        }
    }

    private final Map<UserRef, Map<String, Device>> users = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Optional<String>> publish(
            UserRef user, E2e.DeviceBundle bundle, List<E2e.Prekey> oneTimePrekeys) {
        Map<String, Device> devices = users.computeIfAbsent(user, u -> new LinkedHashMap<>());
        synchronized (devices) {
            Device previous = devices.put(bundle.device(), new Device(bundle, oneTimePrekeys));
            return CompletableFuture.completedFuture(
                    Optional.ofNullable(previous).map(d -> d.bundle.fingerprint()));
        }
    }

    @Override
    public CompletionStage<List<E2e.DeviceBundle>> fetch(UserRef user) {
        Map<String, Device> devices = users.get(user);
        if (devices == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        synchronized (devices) {
            List<E2e.DeviceBundle> out = new ArrayList<>();
            for (Device d : devices.values()) {
                E2e.Prekey oneTime = d.oneTime.pollFirst();
                E2e.DeviceBundle b = d.bundle;
                out.add(new E2e.DeviceBundle(
                        b.device(), b.identityKey(), b.signingKey(), b.signedPrekey(), oneTime, b.fingerprint()));
            }
            return CompletableFuture.completedFuture(out);
        }
    }

    @Override
    public CompletionStage<List<String>> devices(UserRef user) {
        Map<String, Device> devices = users.get(user);
        if (devices == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        synchronized (devices) {
            return CompletableFuture.completedFuture(List.copyOf(devices.keySet()));
        }
    }
}
