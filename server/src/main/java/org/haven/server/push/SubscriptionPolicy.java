package org.haven.server.push;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;
import org.haven.server.config.ServerConfig;
import org.jspecify.annotations.Nullable;

/**
 * What a node offers browsers that subscribe to paging: its VAPID public key (base64url; null when
 * the node does not page, and every {@code push.subscribe} is refused {@code push_not_configured}),
 * and which endpoints it accepts (the push services it sends to; an endpoint is a URL the node will
 * POST to, so it is an allow-list, never "anything"). Immutable.
 */
public record SubscriptionPolicy(@Nullable String publicKey, Predicate<URI> endpointAllowed) {

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

    /** The policy of a node's paging settings ({@code HAVEN_PUSH_*}, docs/operations.md). */
    public static SubscriptionPolicy of(ServerConfig.Paging paging) {
        return paging.enabled()
                ? new SubscriptionPolicy(paging.vapidPublicKey(), at(paging.services()))
                : notConfigured();
    }

    /**
     * Endpoints at one of {@code origins}: {@code scheme://host[:port]}, the host given or, written
     * {@code scheme://*.domain}, any host under the domain; scheme and host compared without case,
     * a port left out meaning the scheme's own.
     */
    public static Predicate<URI> at(List<String> origins) {
        List<Origin> allowed = origins.stream().map(Origin::parse).toList();
        return endpoint -> {
            String scheme = endpoint.getScheme();
            String host = endpoint.getHost();
            if (scheme == null || host == null) {
                return false;
            }
            String h = host.toLowerCase(Locale.ROOT);
            int port = port(endpoint);
            return allowed.stream().anyMatch(a -> a.matches(scheme, h, port));
        };
    }

    /** One allowed origin: a host, or with {@code anySubdomain} any host under {@code host}. */
    private record Origin(String scheme, String host, boolean anySubdomain, int port) {
        static Origin parse(String origin) {
            String text = origin.toLowerCase(Locale.ROOT);
            boolean any = text.contains("://*.");
            URI u = URI.create(any ? text.replace("://*.", "://") : text);
            return new Origin(
                    Objects.requireNonNull(u.getScheme(), "an origin has a scheme"),
                    Objects.requireNonNull(u.getHost(), "an origin has a host"),
                    any,
                    SubscriptionPolicy.port(u));
        }

        boolean matches(String scheme, String host, int port) {
            boolean hostMatches = anySubdomain ? host.endsWith("." + this.host) : host.equals(this.host);
            return hostMatches && this.scheme.equalsIgnoreCase(scheme) && this.port == port;
        }
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /** The key shown, never the predicate. */
    @Override
    public String toString() {
        return "SubscriptionPolicy[" + (publicKey == null ? "not configured" : "publicKey=" + publicKey) + "]";
    }
}
