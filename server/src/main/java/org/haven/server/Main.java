package org.haven.server;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.haven.protocol.Role;
import org.haven.server.audit.AuditKey;
import org.haven.server.audit.AuditVerifier;
import org.haven.server.auth.DevTokens;
import org.haven.server.auth.Scope;
import org.haven.server.config.ConfigSources;
import org.haven.server.config.ServerConfig;
import org.haven.server.logging.LogSetup;
import org.haven.server.push.VapidKeys;
import org.haven.server.sql.SqlAuditVerifier;
import org.haven.server.sql.SqlDatabase;
import org.haven.server.storage.StorageUnavailableException;
import org.haven.server.threads.NodeThreads;
import org.jspecify.annotations.Nullable;

/**
 * The command line: {@code serve} (the default) runs a node; {@code token} prints a dev token that a
 * dev-mode server accepts; {@code audit-verify} checks the hash chain of an audit trail file.
 */
public final class Main {

    private static final String USAGE = """
            usage: java -jar haven-server.jar [--config <file.yml>] [serve]
                   java -jar haven-server.jar [--config <file.yml>] --print-config
                       prints the effective configuration (secrets masked) and where each value came from
                   java -jar haven-server.jar token --sub <user> --role <client|clinician|supervisor|support>
                                                    --org <org> --rooms <room,room...> [--name <display name>] [--ttl 1h]
                   java -jar haven-server.jar token --service <name> --org <org> --scope "care:read care:write ..." [--ttl 1h]
                       a service credential for the server API (docs/api.md)
                   java -jar haven-server.jar vapid-keys
                       prints a new VAPID key pair for paging by Web Push (HAVEN_PUSH_VAPID_PUBLIC_KEY and
                       HAVEN_PUSH_VAPID_PRIVATE_KEY): make it once, give every node of a cluster the same pair
                   java -jar haven-server.jar healthcheck
                       exit 0 when the node on this machine (HAVEN_PORT) answers /healthz (containers' health checks)
                   java -jar haven-server.jar audit-verify [<file>] [--org <org>] [--key-file <file>]
                       checks the audit trail's sealed chains: the file given, else the database of
                       HAVEN_DATABASE_URL or HAVEN_DATA_DIR (every organisation, or the one named), with the
                       key in --key-file, HAVEN_AUDIT_KEY or HAVEN_DATA_DIR/audit.key;
                       exit 0 intact, 1 broken, 2 unreadable (works in any mode, without a token secret)
                   java -jar haven-server.jar audit-verify <file> --export [--prev <hash>] [--key-file <file>]
                       checks an export of one organisation's chain (GET /api/v1/audit, pages appended in
                       order): from its first record on, or from the hash given (the last of the export before)
            configuration: a YAML file (--config or HAVEN_CONFIG) with HAVEN_* environment variables over it;
            every setting is listed in docs/operations.md
            exit status of serve: 0 stopped; 2 a setting to check (invalid, or the database, Redis or data
            directory it names cannot be reached or used); 70 fatal error; 71 stop overdue""";

    /** What a stop may take beyond the drain time-out before the process exits regardless. */
    static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private Main() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) throws Exception {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        Path configFile = null;
        if (all.size() >= 1 && all.get(0).equals("--config")) {
            if (all.size() < 2) {
                err.println("haven: --config needs a file\n" + USAGE);
                return 2;
            }
            configFile = Path.of(all.get(1));
            all = all.subList(2, all.size());
        }
        String command = all.isEmpty() ? "serve" : all.get(0);
        List<String> rest = all.subList(Math.min(1, all.size()), all.size());
        // Commands that need no server configuration run before it is read, so a production host
        // without a token secret in its environment can still use them.
        switch (command) {
            case "audit-verify":
                return auditVerify(rest, env, out, err);
            case "healthcheck":
                return healthcheck(env, err);
            case "vapid-keys":
                VapidKeys.printNewPair(out);
                return 0;
            case "help", "--help", "-h":
                out.println(USAGE);
                return 0;
            default:
                break;
        }
        ConfigSources sources;
        ServerConfig config;
        try {
            sources = ConfigSources.load(env, configFile);
            config = sources.config();
        } catch (IllegalArgumentException e) {
            err.println("haven: invalid configuration: " + e.getMessage());
            return 2;
        }
        String vapidProblem = vapidProblem(config.paging());
        if (vapidProblem != null) {
            err.println("haven: invalid configuration: " + vapidProblem);
            return 2;
        }
        switch (command) {
            case "serve":
                LogSetup.apply(config);
                return serve(config, out, err);
            case "--print-config":
                out.print(sources.print(config));
                return 0;
            case "token":
                return token(config, rest, out, err);
            default:
                err.println("haven: unknown command '" + command + "'\n" + USAGE);
                return 2;
        }
    }

    /** Why the VAPID keys of {@code paging} are not a pair (each is well formed: the settings checked that), or null. */
    private static @Nullable String vapidProblem(ServerConfig.Paging paging) {
        String pub = paging.vapidPublicKey();
        String priv = paging.vapidPrivateKey();
        String subject = paging.subject();
        if (pub == null || priv == null || subject == null) {
            return null;
        }
        try {
            VapidKeys.parse(pub, priv, subject);
            return null;
        } catch (IllegalArgumentException e) {
            return VapidKeys.PUBLIC_KEY_VARIABLE + ": not the public half of " + VapidKeys.PRIVATE_KEY_VARIABLE
                    + " (expected: the pair vapid-keys printed together)";
        }
    }

    /** The exit status when a stop (SIGTERM) did not finish within its deadline. */
    static final int EXIT_STOP_OVERDUE = 71;

    private static int serve(ServerConfig config, PrintStream out, PrintStream err) throws InterruptedException {
        // An Error in a thread Haven does not own (Netty's, Lettuce's) is as fatal as in its own.
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (e instanceof VirtualMachineError) {
                NodeThreads.die(e);
            }
            System.err.println(
                    "haven: thread " + t.getName() + " failed: " + e.getClass().getName());
        });
        HavenServer server;
        try {
            server = HavenServer.start(config);
        } catch (StorageUnavailableException e) {
            // A setting to check, as the configuration's own problems: its message is the whole story
            // (no stack trace, no driver's message, no password).
            err.println("haven: " + e.getMessage());
            return 2;
        }
        // SIGTERM always stops the process: the drain, then at most STOP_GRACE more for the rest.
        Duration stopDeadline = config.transport().drainTimeout().plus(STOP_GRACE);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            Thread watchdog = new Thread(
                                    () -> {
                                        try {
                                            Thread.sleep(stopDeadline.toMillis());
                                            System.err.println("haven: the stop did not finish within "
                                                    + stopDeadline.toSeconds() + " s; exiting");
                                            Runtime.getRuntime().halt(EXIT_STOP_OVERDUE);
                                        } catch (InterruptedException done) {
                                            // stopped in time
                                        }
                                    },
                                    "haven-stop-watchdog");
                            watchdog.setDaemon(true);
                            watchdog.start();
                            server.close();
                            LogSetup.flush();
                            watchdog.interrupt();
                        },
                        "haven-shutdown"));
        out.println("Haven is listening on port " + server.port() + " (WebSocket at ws://localhost:" + server.port()
                + "/ws, health at /healthz, readiness at /readyz, metrics at /metrics)");
        out.println("Browser console: http://localhost:" + server.port() + "/");
        if (config.storage().redisUrl() != null) {
            out.println("Cluster node " + server.node() + ": serves with every other node on this Redis.");
        }
        if (config.mode() == ServerConfig.Mode.DEV) {
            out.println(
                    ServerConfig.DEV_SECRET.equals(config.auth().hmacSecret())
                            ? "Dev mode: tokens are signed with the public dev secret. Mint one with:"
                            : "Dev mode: tokens are verified with your own HAVEN_JWT_SECRET (issuer "
                                    + config.auth().issuer() + ", audience "
                                    + config.auth().audience()
                                    + "). Mint one with (the same environment):");
            out.println("  java -jar server/target/haven-server.jar token --sub alice --role client --org demo"
                    + " --rooms group-1 --name Alice");
        }
        server.stopped().join();
        return 0;
    }

    /**
     * Asks the node on this machine whether it is alive: {@code GET /healthz} on {@code HAVEN_PORT},
     * or with TLS configured, whether the port accepts a connection. Exit 0 alive, 1 not.
     */
    private static int healthcheck(Map<String, String> env, PrintStream err) {
        int port;
        try {
            port = Integer.parseInt(env.getOrDefault("HAVEN_PORT", "8080").trim());
        } catch (NumberFormatException e) {
            err.println("haven: healthcheck: HAVEN_PORT is not a port");
            return 2;
        }
        try {
            if (env.get("HAVEN_TLS_CERT") != null) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                }
                return 0;
            }
            HttpResponse<Void> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200 ? 0 : 1;
        } catch (IOException e) {
            err.println("haven: healthcheck: nothing answers on port " + port);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
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
        Duration ttl;
        try {
            ttl = parseTtl(options.getOrDefault("ttl", "1h"));
        } catch (IllegalArgumentException e) {
            err.println("haven: --ttl: " + e.getMessage());
            return 2;
        }
        DevTokens tokens = new DevTokens(
                Objects.requireNonNull(config.auth().hmacSecret(), "dev mode always has a secret"),
                config.auth().issuer(),
                config.auth().audience(),
                Clock.systemUTC());
        if (options.containsKey("service")) {
            return serviceToken(tokens, options, ttl, out, err);
        }
        String sub = options.get("sub");
        Role role = Role.fromWire(options.getOrDefault("role", ""));
        String org = options.get("org");
        if (sub == null || role == null || org == null || !options.containsKey("rooms")) {
            err.println("haven: token needs --sub, --role (client|clinician|supervisor|support), --org and --rooms\n"
                    + USAGE);
            return 2;
        }
        List<String> rooms = Arrays.stream(options.get("rooms").split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
        out.println(tokens.mint(sub, role, org, rooms, options.get("name"), ttl));
        return 0;
    }

    /** {@code token --service <name> --org <org> --scope "<scopes>"}: a service credential for the server API. */
    private static int serviceToken(
            DevTokens tokens, Map<String, String> options, Duration ttl, PrintStream out, PrintStream err) {
        String name = options.get("service");
        String org = options.get("org");
        String scope = options.getOrDefault("scope", "");
        Set<Scope> scopes = Scope.parse(scope);
        List<String> unknown = Arrays.stream(scope.trim().split("\\s+"))
                .filter(s -> !s.isEmpty() && Scope.fromWire(s) == null)
                .toList();
        if (name == null
                || !name.matches("[A-Za-z0-9._~-]{1,64}")
                || org == null
                || scopes.isEmpty()
                || !unknown.isEmpty()) {
            err.println(
                    "haven: a service token needs --service (1..64 of A-Z a-z 0-9 . _ ~ -), --org and --scope, one or"
                            + " more of: "
                            + String.join(
                                    " ",
                                    Arrays.stream(Scope.values())
                                            .map(Scope::wire)
                                            .toList())
                            + (unknown.isEmpty() ? "" : " (unknown: " + String.join(" ", unknown) + ")") + "\n"
                            + USAGE);
            return 2;
        }
        out.println(tokens.mintService(name, org, scopes, ttl));
        return 0;
    }

    /**
     * Verifies the audit trail: a file, or the chains in the database. Exit 0 when intact, 1 when
     * broken (naming the first record that fails and why, never quoting it), 2 when it cannot be read
     * at all or the key is missing.
     */
    private static int auditVerify(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        String fileArg = null;
        String org = null;
        String keyFile = null;
        boolean export = false;
        String prev = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals("--org") || a.equals("--key-file") || a.equals("--prev"))
                    && i + 1 < args.size()
                    && !args.get(i + 1).isBlank()) {
                if (a.equals("--org")) {
                    org = args.get(++i);
                } else if (a.equals("--prev")) {
                    prev = args.get(++i);
                } else {
                    keyFile = args.get(++i);
                }
            } else if (a.equals("--export")) {
                export = true;
            } else if (!a.startsWith("--") && fileArg == null && !a.isBlank()) {
                fileArg = a;
            } else {
                err.println("haven: audit-verify: unexpected argument '" + a + "'\n" + USAGE);
                return 2;
            }
        }
        if ((export || prev != null) && (fileArg == null || org != null)) {
            err.println("haven: audit-verify: --export checks a file (the export), without --org\n" + USAGE);
            return 2;
        }
        if (prev != null && (!export || !prev.matches("[0-9a-f]{64}"))) {
            err.println("haven: audit-verify: --prev takes a record's hash (64 hex digits), with --export");
            return 2;
        }
        Path dataDirectory;
        Path file = null;
        try {
            dataDirectory = Path.of(env.getOrDefault("HAVEN_DATA_DIR", "haven-data"));
            if (fileArg != null) {
                file = Path.of(fileArg);
            }
        } catch (InvalidPathException e) {
            err.println("haven: audit-verify: not a valid path: " + e.getInput());
            return 2;
        }
        if (file != null && Files.isDirectory(file)) {
            err.println("haven: audit-verify: " + file + " is a directory, not an audit trail file");
            return 2;
        }
        AuditKey key;
        try {
            key = auditKey(keyFile, env, dataDirectory, file);
        } catch (IllegalArgumentException | IOException e) {
            err.println("haven: audit-verify: " + e.getMessage());
            return 2;
        }
        if (file == null) {
            return auditVerifyDatabase(env.get("HAVEN_DATABASE_URL"), dataDirectory, org, key, out, err);
        }
        return export ? auditVerifyExport(file, key, prev, out, err) : auditVerifyFile(file, key, out, err);
    }

    /** The audit key: from {@code --key-file}, HAVEN_AUDIT_KEY, or the key file of the data directory or beside the trail. */
    private static AuditKey auditKey(
            @Nullable String keyFile, Map<String, String> env, Path dataDirectory, @Nullable Path trailFile)
            throws IOException {
        if (keyFile != null) {
            return readKey(Path.of(keyFile));
        }
        String text = env.get("HAVEN_AUDIT_KEY");
        if (text != null && !text.isBlank()) {
            try {
                return AuditKey.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("HAVEN_AUDIT_KEY does not hold a key: " + e.getMessage());
            }
        }
        List<Path> candidates = new ArrayList<>();
        if (trailFile != null) { // beside the trail first: where a node without a data directory keeps it
            Path dir = trailFile.toAbsolutePath().getParent();
            if (dir != null) {
                candidates.add(dir.resolve(AuditKey.FILE));
            }
        }
        candidates.add(dataDirectory.resolve(AuditKey.FILE));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return readKey(candidate);
            }
        }
        throw new IllegalArgumentException(
                "no audit key: give --key-file or HAVEN_AUDIT_KEY (looked for " + candidates + ")");
    }

    private static AuditKey readKey(Path file) throws IOException {
        try {
            return AuditKey.parse(Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such key file: " + file);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the key file " + file + " does not hold a key: " + e.getMessage());
        }
    }

    private static int auditVerifyFile(Path file, AuditKey key, PrintStream out, PrintStream err) {
        return auditVerifyFile(file, () -> AuditVerifier.verify(file, key), out, err);
    }

    /** An export of one organisation's chain: from its first record, or from the hash {@code prev}. */
    private static int auditVerifyExport(
            Path file, AuditKey key, @Nullable String prev, PrintStream out, PrintStream err) {
        return auditVerifyFile(file, () -> AuditVerifier.verifyExport(file, key, prev), out, err);
    }

    private static int auditVerifyFile(
            Path file, Supplier<AuditVerifier.Verification> verification, PrintStream out, PrintStream err) {
        AuditVerifier.Verification result;
        try {
            result = verification.get();
        } catch (UncheckedIOException e) {
            IOException cause = Objects.requireNonNull(e.getCause(), "an UncheckedIOException always has a cause");
            err.println("haven: audit-verify: cannot read " + file + ": "
                    + (cause instanceof NoSuchFileException
                            ? "no such file"
                            : cause.getClass().getSimpleName()
                                    + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")")));
            return 2;
        }
        if (result.intact()) {
            out.println("intact: " + records(result.recordsChecked()));
            return 0;
        }
        out.println("broken at record " + result.firstBrokenSeq() + " (line " + result.firstBrokenLine() + "): "
                + result.problem());
        return 1;
    }

    private static int auditVerifyDatabase(
            @Nullable String url,
            Path dataDirectory,
            @Nullable String org,
            AuditKey key,
            PrintStream out,
            PrintStream err) {
        String where = url != null ? "the database HAVEN_DATABASE_URL names" : "the database in " + dataDirectory;
        List<SqlAuditVerifier.OrgVerification> results;
        try (NodeThreads threads = new NodeThreads();
                SqlDatabase db = SqlDatabase.existing(url, dataDirectory, threads)) {
            results = SqlAuditVerifier.verify(db, key, org);
        } catch (RuntimeException e) {
            // Never the exception's message for a database: it may quote the URL with its password.
            err.println("haven: audit-verify: cannot read " + where + ": "
                    + (e instanceof IllegalArgumentException
                            ? e.getMessage()
                            : e.getClass().getSimpleName()));
            return 2;
        }
        if (results.isEmpty()) {
            out.println("no audit records" + (org == null ? "" : " for organisation " + org) + " in " + where);
            return org == null ? 0 : 1;
        }
        boolean intact = true;
        for (SqlAuditVerifier.OrgVerification r : results) {
            AuditVerifier.Verification v = r.verification();
            if (v.intact()) {
                out.println("org " + r.org() + ": intact: " + records(v.recordsChecked()));
            } else {
                intact = false;
                out.println("org " + r.org() + ": broken at record " + v.firstBrokenSeq() + ": " + v.problem());
            }
        }
        return intact ? 0 : 1;
    }

    private static String records(long n) {
        return n + (n == 1 ? " record" : " records");
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
