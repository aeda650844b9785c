package org.haven.client;

import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Options of a {@link HavenClient}.
 *
 * @param origin the {@code Origin} header to send, as a browser would; {@code null} sends none
 * @param group the event loop group to run on; {@code null} uses a shared default group
 * @param frameListener sees the raw text of every frame received (tests validate them against the
 *     published schema); {@code null} for none
 * @param connectTimeout how long connecting and the WebSocket handshake may take
 * @param tls the TLS context for {@code wss://}; {@code null} for the JDK's default trust
 */
public record ClientOptions(
        String origin,
        EventLoopGroup group,
        Consumer<String> frameListener,
        Duration connectTimeout,
        io.netty.handler.ssl.SslContext tls) {

    public static ClientOptions defaults() {
        return new ClientOptions(null, null, null, Duration.ofSeconds(10), null);
    }

    public ClientOptions withOrigin(String value) {
        return new ClientOptions(value, group, frameListener, connectTimeout, tls);
    }

    public ClientOptions withGroup(EventLoopGroup value) {
        return new ClientOptions(origin, value, frameListener, connectTimeout, tls);
    }

    public ClientOptions withFrameListener(Consumer<String> value) {
        return new ClientOptions(origin, group, value, connectTimeout, tls);
    }

    /** The TLS context for {@code wss://} (e.g. trusting a private CA); the JDK's default trust otherwise. */
    public ClientOptions withTls(io.netty.handler.ssl.SslContext value) {
        return new ClientOptions(origin, group, frameListener, connectTimeout, value);
    }
}
