package org.haven.loadtest;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Refuses any target that is not this machine: load tests send traffic only to {@code localhost},
 * {@code 127.x.x.x} or {@code [::1]}, over plain {@code ws://}.
 */
public final class Loopback {

    // A literal 127.0.0.0/8 address; names other than "localhost" are refused rather than resolved,
    // so that a DNS answer can never point a load test at another machine.
    private static final Pattern IPV4_LOOPBACK = Pattern.compile(
            "127\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)");

    private Loopback() {}

    /** Returns {@code url} if it is a {@code ws://} URL to a loopback host; otherwise throws with the reason. */
    public static URI require(URI url) {
        Objects.requireNonNull(url, "url");
        if (!"ws".equalsIgnoreCase(url.getScheme())) {
            throw new IllegalArgumentException("--url must start with ws:// (got " + url + ")");
        }
        String host = url.getHost();
        if (!isLoopback(host)) {
            throw new IllegalArgumentException("refusing to load " + (host == null ? "a URL without a host" : host)
                    + ": load tests only send traffic to this machine (localhost, 127.x.x.x or [::1])");
        }
        return url;
    }

    /** Whether {@code host} (as {@link URI#getHost()} returns it) names this machine without a DNS lookup. */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost")
                || h.equals("[::1]")
                || IPV4_LOOPBACK.matcher(h).matches();
    }
}
