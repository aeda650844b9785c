package org.haven.server.transport;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProtocols;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLException;
import org.haven.server.config.ServerConfig;
import org.jspecify.annotations.Nullable;

/** The server's TLS: a PEM certificate chain and a PKCS#8 PEM private key, TLS 1.2 and 1.3 only, forward-secret AEAD suites only. */
final class TlsContexts {

    /**
     * Forward secret and authenticated encryption only: TLS 1.3's suites, and TLS 1.2's ECDHE with
     * AES-GCM or ChaCha20-Poly1305 (no static RSA key exchange, no CBC). Those the JDK lacks are
     * skipped.
     */
    static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private TlsContexts() {}

    /** The server context, or {@code null} when TLS is not configured (plain ws/http, e.g. behind a TLS proxy). */
    static @Nullable SslContext forServer(ServerConfig config) {
        if (config.transport().tlsCertificate() == null) {
            return null;
        }
        try {
            return SslContextBuilder.forServer(
                            config.transport().tlsCertificate().toFile(),
                            Objects.requireNonNull(
                                            config.transport().tlsPrivateKey(),
                                            "validated: HAVEN_TLS_KEY is set with HAVEN_TLS_CERT")
                                    .toFile())
                    .protocols(SslProtocols.TLS_v1_3, SslProtocols.TLS_v1_2)
                    .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "HAVEN_TLS_CERT / HAVEN_TLS_KEY: cannot use "
                            + config.transport().tlsCertificate() + " and "
                            + config.transport().tlsPrivateKey() + " (" + e.getMessage()
                            + "; the key must be PKCS#8 PEM)",
                    e);
        }
    }
}
