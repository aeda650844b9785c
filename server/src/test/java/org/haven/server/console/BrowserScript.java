package org.haven.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.haven.protocol.ProtocolSchema;

/**
 * One script of {@code browser-tests/} (Playwright driving Debian's Chromium, headless) or of
 * {@code js-client/} run with Node.js, its output echoed line by line. Missing tools fail the test
 * (they are not skipped): {@code scripts/test.sh} installs Chromium, Node.js and the npm packages.
 */
final class BrowserScript {

    static final Path BROWSER_TESTS =
            Path.of("..", "browser-tests").toAbsolutePath().normalize();
    static final String CHROMIUM = System.getenv().getOrDefault("HAVEN_CHROMIUM", "/usr/bin/chromium");

    /** What a run ended with: the exit code and the last 40 lines of output. */
    record Result(int exitCode, String tail) {}

    private BrowserScript() {}

    /** Node, the npm packages and Chromium must be there: returns the {@code node} command. */
    static String requireTools() throws Exception {
        String node = requireNode();
        requireNpmPackages(BROWSER_TESTS, "playwright-core");
        if (!Files.isExecutable(Path.of(CHROMIUM))) {
            fail(
                    "%s is missing: install Debian's chromium (`apt-get install -y chromium`; scripts/test.sh does)",
                    CHROMIUM);
        }
        return node;
    }

    /** Node.js must be there: returns the {@code node} command. */
    static String requireNode() throws Exception {
        String node = System.getenv().getOrDefault("HAVEN_NODE", "node");
        try {
            Process p = new ProcessBuilder(node, "--version")
                    .redirectErrorStream(true)
                    .start();
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                fail(
                        "`%s --version` failed: Node.js 20+ is needed for the browser and js-client tests (scripts/test.sh installs it)",
                        node);
            }
        } catch (IOException e) {
            fail(
                    "Node.js is missing (`%s` not found): the browser and js-client tests need it; scripts/test.sh installs it",
                    node);
        }
        return node;
    }

    /**
     * The packages that {@code npm ci} installs in {@code directory} must be there (scripts/test.sh
     * runs it); {@code packages} are names under its {@code node_modules/}.
     */
    static void requireNpmPackages(Path directory, String... packages) {
        for (String name : packages) {
            if (!Files.isDirectory(directory.resolve("node_modules").resolve(name))) {
                fail(
                        "%s/node_modules/%s is missing: run `npm ci` in %s/ (scripts/test.sh does)",
                        directory, name, directory.getFileName());
            }
        }
    }

    /**
     * Runs {@code script} of {@code browser-tests/} with {@code environment} (and
     * {@code HAVEN_CHROMIUM}); fails the test when it has not finished within {@code seconds}.
     */
    static Result run(String node, String script, Map<String, String> environment, long seconds) throws Exception {
        return run(node, BROWSER_TESTS, script, environment, seconds);
    }

    /**
     * Runs {@code script} in {@code directory} with {@code environment} (and {@code HAVEN_CHROMIUM});
     * fails the test when it has not finished within {@code seconds}.
     */
    static Result run(String node, Path directory, String script, Map<String, String> environment, long seconds)
            throws Exception {
        ProcessBuilder pb =
                new ProcessBuilder(node, script).directory(directory.toFile()).redirectErrorStream(true);
        pb.environment().put("HAVEN_CHROMIUM", CHROMIUM);
        pb.environment().putAll(environment);
        Process process = pb.start();
        String label = "[" + directory.getFileName() + "] ";
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread pump = new Thread(
                () -> {
                    try (BufferedReader in = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = in.readLine()) != null; ) {
                            System.out.println(label + line);
                            lines.add(line);
                        }
                    } catch (IOException e) {
                        lines.add("(output ended: " + e.getClass().getSimpleName() + ")");
                    }
                },
                "node-script-output");
        pump.setDaemon(true);
        pump.start();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            pump.join(2000);
            fail("%s%s did not finish within %s s; its output:%n%s", label, script, seconds, String.join("\n", lines));
        }
        pump.join(5000);
        int from = Math.max(0, lines.size() - 40);
        return new Result(process.exitValue(), String.join("\n", lines.subList(from, lines.size())));
    }

    /**
     * Every frame the browsers received ({@code frames-*.jsonl} in {@code artifacts}, more than
     * {@code atLeast}) conforms to the published schema: TestServer checks the frames its own clients
     * receive, these are the browsers'.
     */
    static void assertFramesConformToTheSchema(Path artifacts, int atLeast) throws IOException {
        List<String> violations = new ArrayList<>();
        int frames = 0;
        try (var files = Files.list(artifacts)) {
            for (Path file : (Iterable<Path>)
                    files.filter(f -> f.getFileName().toString().startsWith("frames-"))::iterator) {
                for (String frame : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (frame.isBlank()) {
                        continue;
                    }
                    frames++;
                    List<String> errors = ProtocolSchema.instance().validateServer(frame);
                    if (!errors.isEmpty()) {
                        violations.add(file.getFileName() + ": " + errors);
                    }
                }
            }
        }
        assertThat(frames).as("frames recorded by the browsers").isGreaterThan(atLeast);
        assertThat(violations)
                .as("frames the browsers received that break the published schema")
                .isEmpty();
    }
}
