package org.haven.server.transport;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Which browser origins may open a WebSocket: a configured allowlist ({@code *} allows any), or,
 * when the list is empty, only the server's own origin. A request without {@code Origin} comes from
 * a non-browser client, which cross-site WebSocket hijacking cannot use, and is allowed.
 */
final class OriginPolicy {

    private final List<String> allowed;

    OriginPolicy(List<String> allowed) {
        this.allowed = allowed.stream().map(OriginPolicy::normalize).toList();
    }

    boolean permits(String origin, String host) {
        if (origin == null) {
            return true;
        }
        String o = normalize(origin);
        if (allowed.isEmpty()) {
            return host != null && sameHost(o, host);
        }
        return allowed.contains("*") || allowed.contains(o);
    }

    private static boolean sameHost(String origin, String host) {
        try {
            URI uri = URI.create(origin);
            String authority = uri.getAuthority();
            return authority != null && authority.equalsIgnoreCase(host.trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String normalize(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
