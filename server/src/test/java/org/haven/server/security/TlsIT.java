package org.haven.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.haven.client.ClientOptions;
import org.haven.client.HavenClient;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.server.testing.TestCertificates;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** wss and https from PEM files, TLS 1.2 and newer only; plain text is refused on the TLS port. */
class TlsIT {

    static final Path DIR;
    static final TestCertificates CERTS;

    static {
        try {
            DIR = Files.createTempDirectory("haven-tls");
            CERTS = TestCertificates.create(DIR);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @RegisterExtension
    final TestServer haven = new TestServer(b -> b.tls(CERTS.certificate, CERTS.privateKey));

    /** What openssl (a client that still speaks the old versions when asked) hears from the server. */
    private String opensslHandshake(String version) throws Exception {
        return opensslHandshake(version, "DEFAULT:@SECLEVEL=0");
    }

    /** The same, offering only the TLS 1.2 suites {@code ciphers} (OpenSSL names). */
    private String opensslHandshake(String version, String ciphers) throws Exception {
        Process p = new ProcessBuilder(
                        "openssl",
                        "s_client",
                        "-connect",
                        "127.0.0.1:" + haven.server().port(),
                        "-servername",
                        "localhost",
                        version,
                        "-cipher",
                        ciphers)
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("openssl finished").isTrue();
        return new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void tls12NegotiatesOnlyForwardSecretAeadSuites() throws Exception {
        assertThat(opensslHandshake("-tls1_2", "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256"))
                .as("control: a forward-secret AEAD suite")
                .doesNotContain("Cipher is (NONE)");
        for (String weak : new String[] {
            "AES128-SHA:@SECLEVEL=0", // static RSA key exchange, CBC
            "AES128-GCM-SHA256:@SECLEVEL=0", // static RSA key exchange
            "ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0" // forward secret, but CBC
        }) {
            assertThat(opensslHandshake("-tls1_2", weak))
                    .as("the client offered only " + weak)
                    .contains("Cipher is (NONE)");
        }
    }

    @Test
    void refusesTls11AndTls10EvenFromAClientThatOffersThem() throws Exception {
        String tls12 = opensslHandshake("-tls1_2");
        assertThat(tls12)
                .as("control: the same client gets TLS 1.2")
                .contains("Protocol  : TLSv1.2")
                .doesNotContain("Cipher is (NONE)");
        for (String old : new String[] {"-tls1_1", "-tls1"}) {
            String refused = opensslHandshake(old);
            assertThat(refused)
                    .as("the client offered " + old + "; the server answered with a protocol_version alert")
                    .contains("alert protocol version")
                    .contains("Cipher is (NONE)");
        }
    }

    @Test
    void aClientTrustingTheCaConnectsOverWss() throws Exception {
        SslContext tls = SslContextBuilder.forClient()
                .trustManager(CERTS.ca)
                .protocols("TLSv1.3")
                .build();
        HavenClient client = HavenClient.connect(
                        URI.create("wss://localhost:" + haven.server().port() + "/ws"),
                        ClientOptions.defaults().withTls(tls))
                .get(10, TimeUnit.SECONDS);
        try {
            Result.Welcome welcome =
                    client.hello(haven.token("alice", Role.CLIENT, "demo")).get(5, TimeUnit.SECONDS);
            assertThat(welcome.user()).isEqualTo("alice");
        } finally {
            client.close();
        }
        SslContext tls12 = SslContextBuilder.forClient()
                .trustManager(CERTS.ca)
                .protocols("TLSv1.2")
                .build();
        HavenClient old = HavenClient.connect(
                        URI.create("wss://localhost:" + haven.server().port() + "/ws"),
                        ClientOptions.defaults().withTls(tls12))
                .get(10, TimeUnit.SECONDS);
        old.close();
    }

    @Test
    void healthIsServedOverHttps() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", CERTS.ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpResponse<String> health = HttpClient.newBuilder()
                .sslContext(ssl)
                .build()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        "https://localhost:" + haven.server().port() + "/healthz"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }

    @Test
    void plainTextIsRefused() {
        assertThatThrownBy(() -> HavenClient.connect(
                                URI.create("ws://localhost:" + haven.server().port() + "/ws"), ClientOptions.defaults())
                        .get(10, TimeUnit.SECONDS))
                .isInstanceOf(Exception.class);
        assertThatThrownBy(() -> HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("http://localhost:"
                                                + haven.server().port() + "/healthz"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(Exception.class);
    }

    @Test
    void aClientThatDoesNotTrustTheCaIsRefused() throws Exception {
        SslContext tls = SslContextBuilder.forClient().build(); // the JDK's default trust: not our private CA
        assertThatThrownBy(() -> HavenClient.connect(
                                URI.create("wss://localhost:" + haven.server().port() + "/ws"),
                                ClientOptions.defaults().withTls(tls))
                        .get(10, TimeUnit.SECONDS))
                .isInstanceOf(Exception.class);
    }
}
