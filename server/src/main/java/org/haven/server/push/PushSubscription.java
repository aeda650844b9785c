package org.haven.server.push;

import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Set;
import org.haven.protocol.Role;
import org.haven.server.presence.UserRef;

/**
 * One browser's Web Push subscription of a clinician or supervisor: whom it pages ({@code org},
 * {@code user}, with the {@code role} and room grants of the token it was subscribed with, and
 * whether the user's last presence status was {@code on_call}), and where and how to send ({@code
 * endpoint}, and the browser's {@code p256dh} public key and {@code auth} secret, base64url as the
 * browser gave them). Immutable; {@code subscribedAt} is kept to the millisecond, as every store
 * keeps it.
 *
 * <p>The endpoint is a capability (whoever holds it can send to the browser): {@link #toString()}
 * leaves it and the keys out, and only {@link #service()} (its host) may be logged or audited.
 *
 * @param device the browser's own id for this subscription (1 to 64 characters), chosen by the client
 */
public record PushSubscription(
        String org,
        String user,
        String device,
        Role role,
        Set<String> rooms,
        boolean onCall,
        URI endpoint,
        String p256dh,
        String auth,
        Instant subscribedAt) {

    public PushSubscription {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(p256dh, "p256dh");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(subscribedAt, "subscribedAt");
        if (device.isEmpty() || device.length() > 64) {
            throw new IllegalArgumentException("device: " + device.length() + " characters (expected: 1..64)");
        }
        if (endpoint.getHost() == null) {
            throw new IllegalArgumentException("endpoint: no host");
        }
        rooms = Set.copyOf(rooms);
        subscribedAt = subscribedAt.truncatedTo(ChronoUnit.MILLIS);
    }

    /** Whose subscription it is. */
    public UserRef owner() {
        return new UserRef(org, user);
    }

    /** The host of its push service: what may be shown, logged and audited (never the endpoint). */
    public String service() {
        return Objects.requireNonNull(endpoint.getHost(), "checked at construction");
    }

    /** The same subscription with {@code onCall}. */
    public PushSubscription withOnCall(boolean onCall) {
        return new PushSubscription(org, user, device, role, rooms, onCall, endpoint, p256dh, auth, subscribedAt);
    }

    /** Opaque ids and the service's host only: the endpoint and keys stay out of logs and test reports. */
    @Override
    public String toString() {
        return "PushSubscription[" + org + "/" + user + " device=" + device + " role=" + role.wire() + " rooms="
                + rooms.size() + " onCall=" + onCall + " service=" + service() + " subscribedAt=" + subscribedAt
                + "]";
    }
}
