package org.haven.server.transport;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.haven.server.config.ServerConfig;
import org.jspecify.annotations.Nullable;

/**
 * Which browser origins may open a WebSocket: the node's own origin, taken from its configured
 * public URL ({@code HAVEN_PUBLIC_URL}), and the allowlist ({@code HAVEN_ALLOWED_ORIGINS};
 * {@code *} allows any). A request without {@code Origin} comes from a non-browser client, which
 * cross-site WebSocket hijacking cannot use, and is allowed.
 *
 * <p>The {@code Host} header is never the node's own origin: under DNS rebinding a hostile page's
 * name resolves to the node, and its requests arrive with that name in both {@code Host} and
 * {@code Origin} ({@code Host: evil.test}, {@code Origin: http://evil.test}), so an origin that
 * matches the host it was sent to proves nothing about who sent it. Without a public URL a node in
 * dev mode takes any origin on loopback ({@code http://localhost:<port>}, {@code 127.0.0.1},
 * {@code [::1]}) as its own, so the console it serves works on a developer's machine with no
 * setting; a rebinding page still sends its own name there. In production without one, the node has
 * no own origin: only the allowlist and clients without {@code Origin} get in.
 */
final class OriginPolicy {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    private final List<String> allowed;
    private final @Nullable String own;
    private final boolean loopback;

    /**
     * @param allowed the allowlist, as configured
     * @param own the node's own origin as a browser writes it ({@code https://haven.example.org}), or
     *     null
     * @param loopback whether origins on loopback (any port, http or https) count as the node's own
     */
    OriginPolicy(List<String> allowed, @Nullable String own, boolean loopback) {
        this.allowed = allowed.stream().map(OriginPolicy::normalize).toList();
        this.own = own == null ? null : normalize(own);
        this.loopback = loopback;
    }

    /** The policy of {@code config}: loopback stands for the own origin in dev mode without a public URL. */
    static OriginPolicy of(ServerConfig config) {
        String own = config.transport().publicOrigin();
        return new OriginPolicy(
                config.transport().allowedOrigins(), own, own == null && config.mode() == ServerConfig.Mode.DEV);
    }

    boolean permits(@Nullable String origin) {
        if (origin == null) {
            return true;
        }
        String o = normalize(origin);
        return o.equals(own) || allowed.contains("*") || allowed.contains(o) || (loopback && onLoopback(o));
    }

    /** Whether no browser can open a WebSocket: no own origin, no loopback, an empty allowlist. */
    boolean refusesEveryBrowser() {
        return own == null && !loopback && allowed.isEmpty();
    }

    /** Whether loopback origins stand for the node's own (dev mode without a public URL). */
    boolean allowsLoopback() {
        return loopback;
    }

    private static boolean onLoopback(String origin) {
        try {
            URI uri = URI.create(origin);
            String path = uri.getRawPath();
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && uri.getRawUserInfo() == null
                    && uri.getHost() != null
                    && LOOPBACK.contains(uri.getHost())
                    && (path == null || path.isEmpty())
                    && uri.getRawQuery() == null
                    && uri.getRawFragment() == null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String normalize(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
