package org.haven.server.push;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * What a node offers browsers that subscribe to paging: its VAPID public key (base64url; null when
 * the node does not page, and every {@code push.subscribe} is refused {@code push_not_configured}),
 * and which endpoints it accepts (the push services it sends to; an endpoint is a URL the node will
 * POST to, so it is an allow-list, never "anything"). Immutable.
 */
public record SubscriptionPolicy(@Nullable String publicKey, Predicate<URI> endpointAllowed) {

    /**
     * The push services of the major browsers: Chrome and the other Chromium browsers (FCM), Firefox
     * (Mozilla's autopush), Edge (Windows Push Notification Services) and Safari (Apple).
     */
    public static final List<String> MAJOR_BROWSER_SERVICES = List.of(
            "fcm.googleapis.com",
            "android.googleapis.com",
            "updates.push.services.mozilla.com",
            ".notify.windows.com",
            "web.push.apple.com",
            ".push.apple.com");

    public SubscriptionPolicy {
        Objects.requireNonNull(endpointAllowed, "endpointAllowed");
        if (publicKey != null && !publicKey.matches("[A-Za-z0-9_-]{87}")) {
            throw new IllegalArgumentException(
                    "publicKey: not base64url of an uncompressed P-256 point (expected: 87 characters, unpadded)");
        }
    }

    /** A node that does not page: no key, no endpoint allowed. */
    public static SubscriptionPolicy notConfigured() {
        return new SubscriptionPolicy(null, endpoint -> false);
    }

    /** Whether the node pages (its welcome carries {@code pushKey}). */
    public boolean configured() {
        return publicKey != null;
    }

    /**
     * Endpoints over {@code https} at one of {@code hosts}: a host as given, or any host under one
     * given with a leading dot ({@code .push.apple.com}); compared without case.
     */
    public static Predicate<URI> httpsAt(List<String> hosts) {
        List<String> allowed =
                hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        return endpoint -> {
            String host = endpoint.getHost();
            if (!"https".equalsIgnoreCase(endpoint.getScheme()) || host == null) {
                return false;
            }
            String h = host.toLowerCase(Locale.ROOT);
            return allowed.stream().anyMatch(a -> a.startsWith(".") ? h.endsWith(a) : h.equals(a));
        };
    }

    /** The key shown, never the predicate. */
    @Override
    public String toString() {
        return "SubscriptionPolicy[" + (publicKey == null ? "not configured" : "publicKey=" + publicKey) + "]";
    }
}
