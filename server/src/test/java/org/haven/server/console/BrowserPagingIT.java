package org.haven.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console's paging in a real browser: runs {@code browser-tests/paging.test.mjs} against a node
 * that pages (a VAPID key pair) and one that does not, after checking how the node serves the
 * service worker. What the browser cannot do here (reach its push service) is said in that script;
 * the node's sending is tested against a local push service elsewhere.
 */
class BrowserPagingIT {

    private static final Path ARTIFACTS =
            Path.of("target", "browser-artifacts", "paging").toAbsolutePath();
    private static final long RUN_SECONDS = 90;

    /** A valid P-256 pair (base64url), for tests only. */
    private static final String VAPID_PUBLIC =
            "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";

    private static final String VAPID_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";

    @RegisterExtension
    final TestServer paged = new TestServer(b ->
            b.vapidPublicKey(VAPID_PUBLIC).vapidPrivateKey(VAPID_PRIVATE).pushSubject("mailto:operators@haven.test"));

    @RegisterExtension
    final TestServer unpaged = new TestServer();

    @Test
    @Timeout(value = RUN_SECONDS + 30, unit = TimeUnit.SECONDS)
    void aTherapistCanTurnPagingOnWhereTheNodePagesAndAClickedPageShowsItsAlert() throws Exception {
        String node = BrowserScript.requireTools();
        Files.createDirectories(ARTIFACTS);
        assertTheServiceWorkerIsServedAsAScriptOfTheConsole();

        BrowserScript.Result run = BrowserScript.run(
                node,
                "paging.test.mjs",
                Map.of(
                        "HAVEN_URL", paged.httpBase(),
                        "HAVEN_URL_UNPAGED", unpaged.httpBase(),
                        "HAVEN_ARTIFACTS", ARTIFACTS.toString()),
                RUN_SECONDS);
        assertThat(run.exitCode())
                .as("browser test failed (exit %s); its output:%n%s", run.exitCode(), run.tail())
                .isZero();
        BrowserScript.assertFramesConformToTheSchema(ARTIFACTS, 5);
    }

    /**
     * A browser runs a service worker only from a JavaScript response; its scope, {@code /console/},
     * is its own directory, so no {@code Service-Worker-Allowed} is needed nor sent. The page's
     * policy lets it in ({@code worker-src} falls back to {@code script-src 'self'}), and the worker
     * logs nothing.
     */
    private void assertTheServiceWorkerIsServedAsAScriptOfTheConsole() throws Exception {
        HttpResponse<String> sw = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(paged.httpBase() + "/console/haven-sw.js"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(sw.statusCode()).isEqualTo(200);
        assertThat(sw.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(sw.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(
                        csp -> assertThat(csp).contains("script-src 'self'").doesNotContain("worker-src"));
        assertThat(sw.headers().firstValue("Service-Worker-Allowed")).isEmpty();
        assertThat(sw.body()).contains("addEventListener('push'").doesNotContain("console.");
    }
}
