package org.haven.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.haven.protocol.Alerts;
import org.haven.protocol.ProtocolVersion;
import org.haven.server.alert.StoredAlert;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console's JavaScript client as the npm package {@code js-client/} ({@code @haven/client}),
 * as an integrator gets it: runs {@code js-client/test/package.test.mjs} with Node.js against a real
 * server in dev mode. The script checks that {@code protocol.d.ts} is what the JSON Schema gives,
 * packs the package with {@code npm pack} (the console's own {@code haven-client.js} and
 * {@code haven-crypto.js}, byte for byte), installs the tarball into a directory of its own,
 * compiles a strict TypeScript consumer against its declarations and holds them to the modules'
 * exports, then runs a clinician and a client in Node.js (the {@code ws} package for the socket):
 * hello, check-in, join, chat, an alert the client raises and the clinician receives and
 * acknowledges, an end-to-end encrypted message sealed with Node's WebCrypto. Here: every frame
 * those clients received conforms to the published schema, and the alert is the server's.
 *
 * <p>Missing tools fail the test ({@link BrowserScript}): Node.js, npm, and the package's
 * devDependencies ({@code npm ci} in {@code js-client/}; scripts/test.sh runs it). The tarball,
 * the installed consumer and the frames are kept in {@code target/js-client/}.
 */
class JsClientPackageIT {

    private static final Path JS_CLIENT =
            Path.of("..", "js-client").toAbsolutePath().normalize();
    private static final Path WORK = Path.of("target", "js-client").toAbsolutePath();
    private static final long RUN_SECONDS = 90;

    @RegisterExtension
    final TestServer haven = new TestServer();

    @Test
    @Timeout(value = RUN_SECONDS + 30, unit = TimeUnit.SECONDS)
    void thePackedClientWorksFromNodeJsAgainstARealServer() throws Exception {
        String node = BrowserScript.requireNode();
        BrowserScript.requireNpmPackages(JS_CLIENT, "ws", "typescript", "@types/ws");
        Files.createDirectories(WORK);
        Files.deleteIfExists(WORK.resolve("frames-js.jsonl"));

        BrowserScript.Result run = BrowserScript.run(
                node,
                JS_CLIENT,
                "test/package.test.mjs",
                Map.of(
                        "HAVEN_URL",
                        haven.httpBase(),
                        "HAVEN_WORK",
                        WORK.toString(),
                        "HAVEN_PROTOCOL_VERSION",
                        String.valueOf(ProtocolVersion.CURRENT)),
                RUN_SECONDS);
        assertThat(run.exitCode())
                .as("js-client package test failed (exit %s); its output:%n%s", run.exitCode(), run.tail())
                .isZero();

        BrowserScript.assertFramesConformToTheSchema(WORK, 10);
        List<StoredAlert> alerts =
                haven.server().alertStore().unclosed().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(alerts).as("alerts raised from Node.js").hasSize(1);
        Alerts.View alert = alerts.get(0).view();
        assertThat(alert.client()).isEqualTo("pat-pkg");
        assertThat(alert.state()).isEqualTo(Alerts.State.ACKNOWLEDGED);
        assertThat(alert.acknowledgedBy()).isEqualTo("dr-pkg");
        assertThat(alert.checkIn().address().street()).isEqualTo("18 Package Row");
    }
}
