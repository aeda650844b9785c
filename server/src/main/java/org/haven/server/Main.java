package org.haven.server;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.haven.protocol.Role;
import org.haven.server.auth.DevTokens;
import org.haven.server.config.ServerConfig;

/**
 * The command line: {@code serve} (the default) runs a node; {@code token} prints a dev token that a
 * dev-mode server accepts.
 */
public final class Main {

    private static final String USAGE = """
            usage: java -jar haven-server.jar [serve]
                   java -jar haven-server.jar token --sub <user> --role <client|clinician|supervisor|support>
                                                    --org <org> --rooms <room,room...> [--name <display name>] [--ttl 1h]
            configuration: HAVEN_* environment variables (see README.md)""";

    private Main() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) throws Exception {
        String command = args.length == 0 ? "serve" : args[0];
        List<String> rest = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
        ServerConfig config;
        try {
            config = ServerConfig.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            err.println("haven: invalid configuration: " + e.getMessage());
            return 2;
        }
        switch (command) {
            case "serve":
                return serve(config, out);
            case "token":
                return token(config, rest, out, err);
            case "help", "--help", "-h":
                out.println(USAGE);
                return 0;
            default:
                err.println("haven: unknown command '" + command + "'\n" + USAGE);
                return 2;
        }
    }

    private static int serve(ServerConfig config, PrintStream out) throws InterruptedException {
        HavenServer server = HavenServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "haven-shutdown"));
        out.println("Haven is listening on port " + server.port() + " (WebSocket at ws://localhost:" + server.port()
                + "/ws, health at /healthz, readiness at /readyz)");
        if (config.mode() == ServerConfig.Mode.DEV) {
            out.println("Dev mode: tokens are signed with the public dev secret. Mint one with:");
            out.println("  java -jar server/target/haven-server.jar token --sub alice --role client --org demo"
                    + " --rooms group-1 --name Alice");
        }
        stopped.await();
        return 0;
    }

    private static int token(ServerConfig config, List<String> args, PrintStream out, PrintStream err) {
        if (config.mode() != ServerConfig.Mode.DEV) {
            err.println("haven: the token command works in dev mode only; in production your identity provider"
                    + " or scheduling backend mints tokens");
            return 2;
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String key = args.get(i);
            if (!key.startsWith("--") || i + 1 >= args.size()) {
                err.println("haven: expected --option value, got '" + key + "'\n" + USAGE);
                return 2;
            }
            options.put(key.substring(2), args.get(++i));
        }
        String sub = options.get("sub");
        Role role = Role.fromWire(options.getOrDefault("role", ""));
        String org = options.get("org");
        if (sub == null || role == null || org == null || !options.containsKey("rooms")) {
            err.println("haven: token needs --sub, --role (client|clinician|supervisor|support), --org and --rooms\n"
                    + USAGE);
            return 2;
        }
        List<String> rooms = Arrays.stream(options.get("rooms").split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        Duration ttl;
        try {
            ttl = parseTtl(options.getOrDefault("ttl", "1h"));
        } catch (IllegalArgumentException e) {
            err.println("haven: --ttl: " + e.getMessage());
            return 2;
        }
        DevTokens tokens = new DevTokens(config.hmacSecret(), config.issuer(), config.audience(), Clock.systemUTC());
        out.println(tokens.mint(sub, role, org, rooms, options.get("name"), ttl));
        return 0;
    }

    private static Duration parseTtl(String text) {
        try {
            char unit = text.charAt(text.length() - 1);
            long n = Long.parseLong(text.substring(0, text.length() - 1));
            Duration d = switch (unit) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new IllegalArgumentException("unit must be s, m or h");
            };
            if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("between 1s and 24h");
            }
            return d;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' (expected: like 30m or 1h, at most 24h)");
        }
    }
}
