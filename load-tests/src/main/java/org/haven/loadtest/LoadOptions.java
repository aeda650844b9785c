package org.haven.loadtest;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.haven.server.config.ServerConfig;

/**
 * The command line of {@code haven-load.jar}, parsed and checked: a scenario name followed by
 * {@code --option value} pairs. Anything wrong is a {@link UsageException} naming the problem.
 */
public record LoadOptions(String scenario, AlertLatencyScenario.Settings settings) {

    public static final String USAGE = """
            usage: java -jar load-tests/target/haven-load.jar alert-latency [options]

            Measures alert latency (alert.raise -> the on-call clinician's receipt) against a Haven
            server on this machine. Sends only to loopback, a fixed number of alerts, within a time limit.

              --url URL            ws://127.0.0.1:8080/ws   loopback only (localhost, 127.x.x.x, [::1])
              --client-url URL     the --url   where the clients raising alerts connect: another node of
                                   the cluster measures raise on one node -> receipt on the other
              --alerts N           2000    alerts, one per client user (1..100000)
              --rate N             50      alerts per second (1..10000)
              --warmup N           0       alerts sent first at the same rate, not measured (0..100000)
              --window N           200     client users connected ahead of their alert (1..5000)
              --org ORG            bench   organisation of the test users
              --secret S           the dev secret   HS256 secret the server verifies tokens with
              --issuer S           haven-dev
              --audience S         haven
              --max-seconds N      120     hard time limit of the whole run (10..3600)

            Run the server with HAVEN_RATE_PER_SECOND=10000 HAVEN_RATE_BURST=10000: the clinician
            confirms every alert on one connection, past the default limit of 20 requests a second.
            Exit status: 0 every alert received, 1 an alert lost or the run failed, 2 usage error.
            """;

    private static final Set<String> OPTIONS = Set.of(
            "--url",
            "--client-url",
            "--alerts",
            "--rate",
            "--warmup",
            "--window",
            "--org",
            "--secret",
            "--issuer",
            "--audience",
            "--max-seconds");
    private static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(10);
    /** Connecting, the receive time-out after the last alert, and closing, on top of the sending time. */
    private static final int OVERHEAD_SECONDS = 20;

    public LoadOptions {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(settings, "settings");
    }

    /** A command-line mistake; the message says what to change. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message);
        }
    }

    /** Parses the arguments (without the {@code --help} case, which the caller handles). */
    public static LoadOptions parse(String... args) throws UsageException {
        Objects.requireNonNull(args, "args");
        if (args.length == 0) {
            throw new UsageException("missing the scenario (alert-latency, capacity, group-chat, alert-under-load,"
                    + " connect-storm, slow-consumers)");
        }
        if (!args[0].equals("alert-latency")) {
            throw new UsageException("unknown scenario '" + args[0] + "' (known: alert-latency, capacity, group-chat,"
                    + " alert-under-load, connect-storm, slow-consumers; also ceiling-server, report)");
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            String key = args[i];
            if (!OPTIONS.contains(key)) {
                throw new UsageException("unknown option '" + key + "'");
            }
            if (i + 1 >= args.length) {
                throw new UsageException(key + " needs a value");
            }
            if (values.put(key, args[i + 1]) != null) {
                throw new UsageException(key + " given twice");
            }
        }
        URI url = url(values.getOrDefault("--url", "ws://127.0.0.1:8080/ws"));
        int alerts = number(values, "--alerts", 2000, 1, 100_000);
        int rate = number(values, "--rate", 50, 1, 10_000);
        int warmup = number(values, "--warmup", 0, 0, 100_000);
        int window = number(values, "--window", 200, 1, 5000);
        int maxSeconds = number(values, "--max-seconds", 120, 10, 3600);
        long needed = ((long) warmup + alerts + rate - 1L) / rate + OVERHEAD_SECONDS;
        if (needed > maxSeconds) {
            throw new UsageException((warmup + alerts) + " alerts at " + rate + "/s need about " + needed
                    + " s with connecting and the final time-out: raise --max-seconds or lower --alerts or --warmup");
        }
        try {
            return new LoadOptions(
                    args[0],
                    new AlertLatencyScenario.Settings(
                            url,
                            alerts,
                            rate,
                            warmup,
                            window,
                            text(values, "--org", "bench"),
                            text(values, "--secret", ServerConfig.DEV_SECRET),
                            text(values, "--issuer", ServerConfig.DEV_ISSUER),
                            text(values, "--audience", ServerConfig.DEV_AUDIENCE),
                            RECEIVE_TIMEOUT,
                            Duration.ofSeconds(maxSeconds),
                            values.containsKey("--client-url") ? url(values.get("--client-url")) : url));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static URI url(String value) throws UsageException {
        URI url;
        try {
            url = new URI(value);
        } catch (URISyntaxException e) {
            throw new UsageException("--url: not a URL: " + value);
        }
        try {
            return Loopback.require(url);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static int number(Map<String, String> values, String key, int fallback, int min, int max)
            throws UsageException {
        String value = values.get(key);
        if (value == null) {
            return fallback;
        }
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException(key + ": not a whole number: " + value);
        }
        if (n < min || n > max) {
            throw new UsageException(key + ": " + n + " (expected " + min + ".." + max + ")");
        }
        return n;
    }

    private static String text(Map<String, String> values, String key, String fallback) throws UsageException {
        String value = values.getOrDefault(key, fallback);
        if (value.isBlank()) {
            throw new UsageException(key + ": empty");
        }
        return value;
    }
}
