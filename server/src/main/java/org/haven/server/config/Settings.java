package org.haven.server.config;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ObjIntConsumer;
import java.util.function.Predicate;
import org.haven.protocol.Alerts.Severity;
import org.haven.server.audit.AuditKey;
import org.jspecify.annotations.Nullable;

/**
 * Every setting of a node in one table: its environment variable (the YAML key is the same name
 * without {@code HAVEN_}, in lower case), its default, how its text is read into a
 * {@link ServerConfig.Builder}, how its effective value is shown, whether it is a secret (masked
 * when shown), and the rule its value must keep (checked when a configuration is built, in this
 * order, the first broken one named). Reading a configuration, the builder's defaults,
 * {@code --print-config} and the table in docs/operations.md all follow this list.
 *
 * <p>Long (one entry per setting, some 60 of them) on purpose: the table is read whole, in the order
 * the documentation lists it, and a setting is added by adding one entry here.
 */
public final class Settings {

    /** What a setting's value must be: null when it is fine, else what was expected. */
    @FunctionalInterface
    public interface Rule {
        @Nullable
        Problem check(ServerConfig config);

        Rule NONE = c -> null;
    }

    /** A broken rule: the value as it should be shown in the message (null: the setting's shown value), and what was expected. */
    public record Problem(@Nullable String value, String expected) {}

    /** One setting. */
    public record Setting(
            String env,
            boolean secret,
            @Nullable String defaultText,
            BiConsumer<ServerConfig.Builder, String> read,
            Function<ServerConfig, @Nullable Object> show,
            Rule rule) {

        /** The key of this setting in a YAML configuration file. */
        public String yamlKey() {
            return env.substring(PREFIX.length()).toLowerCase(Locale.ROOT);
        }

        /** The effective value as text ({@code ""} when unset), or a mask for a secret that is set. */
        public String shown(ServerConfig config) {
            String text = text(show.apply(config));
            return secret && !text.isEmpty() ? MASK : text;
        }

        /** The same setting with {@code rule}. */
        Setting rule(Rule r) {
            return new Setting(env, secret, defaultText, read, show, r);
        }
    }

    public static final String PREFIX = "HAVEN_";
    public static final String MASK = "********";
    private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    /** The push services of the major browsers: Chrome's (FCM), Firefox's, Safari's and Edge's. */
    static final List<String> DEFAULT_PUSH_SERVICES = List.of(
            "https://fcm.googleapis.com",
            "https://updates.push.services.mozilla.com",
            "https://*.push.apple.com",
            "https://*.notify.windows.com");

    private static final List<Setting> ALL = build();

    private Settings() {}

    /** Every setting, in the order of the documentation. */
    public static List<Setting> all() {
        return ALL;
    }

    /** The setting of an environment variable, or null. */
    public static @Nullable Setting byEnv(String env) {
        for (Setting s : ALL) {
            if (s.env.equals(env)) {
                return s;
            }
        }
        return null;
    }

    /** Checks every setting's rule, in order; the first broken one fails with the setting's name. */
    static void check(ServerConfig config) {
        for (Setting s : ALL) {
            Problem p = s.rule().check(config);
            if (p != null) {
                String value = p.value() != null
                        ? p.value()
                        : s.secret() && !s.shown(config).isEmpty()
                                ? MASK
                                : text(s.show().apply(config));
                throw new IllegalArgumentException(
                        s.env() + ": " + (value.isEmpty() ? "unset" : value) + " (expected: " + p.expected() + ")");
            }
        }
    }

    /** A rule that holds when {@code ok} does. */
    private static Rule expect(Predicate<ServerConfig> ok, String expected) {
        return c -> ok.test(c) ? null : new Problem(null, expected);
    }

    private static boolean positive(@Nullable Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static Rule positive(Function<ServerConfig, @Nullable Duration> d) {
        return expect(c -> positive(d.apply(c)), "> 0");
    }

    private static List<Setting> build() {
        List<Setting> s = new ArrayList<>();
        s.add(plain(
                "HAVEN_HOST",
                "0.0.0.0",
                ServerConfig.Builder::host,
                c -> c.transport().host()));
        s.add(plain(
                        "HAVEN_PORT",
                        "8080",
                        (b, v) -> b.port(Integer.parseInt(v)),
                        c -> c.transport().port())
                .rule(expect(c -> c.transport().port() >= 0 && c.transport().port() <= 65535, "0..65535")));
        s.add(plain(
                "HAVEN_MODE",
                "dev",
                (b, v) -> b.mode(ServerConfig.Mode.valueOf(v.toUpperCase(Locale.ROOT))),
                c -> c.mode().name().toLowerCase(Locale.ROOT)));
        s.add(secret(
                        "HAVEN_JWT_SECRET",
                        ServerConfig.DEV_SECRET,
                        ServerConfig.Builder::hmacSecret,
                        c -> c.auth().hmacSecret())
                .rule(c -> {
                    String secret = c.auth().hmacSecret();
                    if (secret == null) {
                        return c.auth().publicKeyPem() != null || c.auth().jwksFile() != null
                                ? null
                                : new Problem("unset", "a secret, or HAVEN_JWT_PUBLIC_KEY / HAVEN_JWT_JWKS");
                    }
                    if (secret.getBytes(StandardCharsets.UTF_8).length < 32) {
                        return new Problem("(" + secret.length() + " characters)", "at least 32 bytes");
                    }
                    return c.mode() == ServerConfig.Mode.PRODUCTION && secret.equals(ServerConfig.DEV_SECRET)
                            ? new Problem("the dev secret", "a private secret in production mode")
                            : null;
                }));
        s.add(plain(
                "HAVEN_JWT_PUBLIC_KEY",
                null,
                (b, v) -> b.publicKeyPem(Path.of(v)),
                c -> c.auth().publicKeyPem()));
        s.add(plain(
                "HAVEN_JWT_JWKS",
                null,
                (b, v) -> b.jwksFile(Path.of(v)),
                c -> c.auth().jwksFile()));
        s.add(plain(
                        "HAVEN_JWT_ISSUER",
                        ServerConfig.DEV_ISSUER,
                        ServerConfig.Builder::issuer,
                        c -> c.auth().issuer())
                .rule(expect(c -> !c.auth().issuer().isBlank(), "non-blank")));
        s.add(plain(
                        "HAVEN_JWT_AUDIENCE",
                        ServerConfig.DEV_AUDIENCE,
                        ServerConfig.Builder::audience,
                        c -> c.auth().audience())
                .rule(expect(c -> !c.auth().audience().isBlank(), "non-blank")));
        s.add(duration(
                        "HAVEN_JWT_CLOCK_SKEW",
                        "30s",
                        ServerConfig.Builder::clockSkew,
                        c -> c.auth().clockSkew())
                .rule(expect(
                        c -> !c.auth().clockSkew().isNegative()
                                && c.auth().clockSkew().compareTo(Duration.ofMinutes(5)) <= 0,
                        "0..5m")));
        s.add(plain(
                        "HAVEN_PUBLIC_URL",
                        null,
                        (b, v) -> b.publicUrl(URI.create(v)),
                        c -> c.transport().publicUrl())
                .rule(expect(
                        c -> c.transport().publicUrl() == null
                                || isOrigin(c.transport().publicUrl()),
                        "the address browsers reach this node at: http:// or https://, a host and an optional"
                                + " port, nothing after (no path, query or user), e.g. https://haven.example.org")));
        s.add(plain(
                "HAVEN_ALLOWED_ORIGINS",
                null,
                (b, v) -> b.allowedOrigins(list(v)),
                c -> c.transport().allowedOrigins()));
        s.add(integer(
                        "HAVEN_MAX_FRAME_BYTES",
                        "65536",
                        ServerConfig.Builder::maxFrameBytes,
                        c -> c.transport().maxFrameBytes())
                .rule(expect(
                        c -> c.transport().maxFrameBytes() >= 1024
                                && c.transport().maxFrameBytes() <= 16 * 1024 * 1024,
                        "1024..16777216")));
        s.add(integer(
                        "HAVEN_MAX_CHAT_CHARS",
                        "4000",
                        ServerConfig.Builder::maxChatChars,
                        c -> c.rooms().maxChatChars())
                .rule(expect(
                        c -> c.rooms().maxChatChars() > 0
                                && c.rooms().maxChatChars() * 4 < c.transport().maxFrameBytes(),
                        "> 0 and well under the frame size")));
        s.add(duration(
                        "HAVEN_HELLO_TIMEOUT",
                        "5s",
                        ServerConfig.Builder::helloTimeout,
                        c -> c.transport().helloTimeout())
                .rule(positive(c -> c.transport().helloTimeout())));
        s.add(duration(
                        "HAVEN_PING_INTERVAL",
                        "2s",
                        ServerConfig.Builder::pingInterval,
                        c -> c.transport().pingInterval())
                .rule(positive(c -> c.transport().pingInterval())));
        s.add(duration(
                        "HAVEN_IDLE_TIMEOUT",
                        "4s",
                        ServerConfig.Builder::idleTimeout,
                        c -> c.transport().idleTimeout())
                .rule(c -> c.transport().idleTimeout().compareTo(c.transport().pingInterval()) > 0
                        ? null
                        : new Problem(
                                null, "> HAVEN_PING_INTERVAL (" + c.transport().pingInterval() + ")")));
        s.add(duration(
                        "HAVEN_DRAIN_TIMEOUT",
                        "5s",
                        ServerConfig.Builder::drainTimeout,
                        c -> c.transport().drainTimeout())
                .rule(positive(c -> c.transport().drainTimeout())));
        s.add(integer(
                        "HAVEN_RATE_PER_SECOND",
                        "20",
                        ServerConfig.Builder::requestsPerSecond,
                        c -> c.requests().requestsPerSecond())
                .rule(expect(c -> c.requests().requestsPerSecond() > 0, "> 0")));
        s.add(integer(
                        "HAVEN_RATE_BURST",
                        "40",
                        ServerConfig.Builder::requestBurst,
                        c -> c.requests().requestBurst())
                .rule(expect(
                        c -> c.requests().requestBurst() >= c.requests().requestsPerSecond(),
                        ">= HAVEN_RATE_PER_SECOND")));
        s.add(integer(
                        "HAVEN_RATE_FLOOD_REFUSALS",
                        "200",
                        ServerConfig.Builder::floodRefusals,
                        c -> c.requests().floodRefusals())
                .rule(expect(c -> c.requests().floodRefusals() > 0, "> 0")));
        s.add(integer(
                        "HAVEN_API_RATE_PER_SECOND",
                        "50",
                        ServerConfig.Builder::apiPerSecond,
                        c -> c.requests().apiPerSecond())
                .rule(expect(c -> c.requests().apiPerSecond() > 0, "> 0")));
        s.add(integer(
                        "HAVEN_API_RATE_BURST",
                        "200",
                        ServerConfig.Builder::apiBurst,
                        c -> c.requests().apiBurst())
                .rule(expect(
                        c -> c.requests().apiBurst() >= c.requests().apiPerSecond(), ">= HAVEN_API_RATE_PER_SECOND")));
        s.add(integer(
                        "HAVEN_MAX_ROOMS_PER_CONNECTION",
                        "32",
                        ServerConfig.Builder::maxRoomsPerConnection,
                        c -> c.requests().maxRoomsPerConnection())
                .rule(expect(c -> c.requests().maxRoomsPerConnection() > 0, "> 0")));
        s.add(integer(
                        "HAVEN_MAX_MEMBERS_PER_ROOM",
                        "500",
                        ServerConfig.Builder::maxMembersPerRoom,
                        c -> c.rooms().maxMembersPerRoom())
                .rule(expect(c -> c.rooms().maxMembersPerRoom() > 1, "> 1")));
        s.add(integer(
                        "HAVEN_OUTBOUND_QUEUE_MESSAGES",
                        "4096",
                        ServerConfig.Builder::outboundQueueMessages,
                        c -> c.transport().outboundQueueMessages())
                .rule(expect(c -> c.transport().outboundQueueMessages() > 0, "> 0")));
        s.add(integer(
                        "HAVEN_OUTBOUND_QUEUE_BYTES",
                        "4194304",
                        ServerConfig.Builder::outboundQueueBytes,
                        c -> c.transport().outboundQueueBytes())
                .rule(expect(
                        c -> c.transport().outboundQueueBytes() >= c.transport().maxFrameBytes(),
                        ">= HAVEN_MAX_FRAME_BYTES")));
        s.add(integer(
                        "HAVEN_MAX_CONNECTIONS",
                        "250000",
                        ServerConfig.Builder::maxConnections,
                        c -> c.transport().maxConnections())
                .rule(expect(c -> c.transport().maxConnections() > 0, "> 0")));
        s.add(integer(
                        "HAVEN_MAX_CONNECTIONS_PER_USER",
                        "10",
                        ServerConfig.Builder::maxConnectionsPerUser,
                        c -> c.transport().maxConnectionsPerUser())
                .rule(expect(c -> c.transport().maxConnectionsPerUser() > 0, "> 0")));
        s.add(duration(
                        "HAVEN_CHECKIN_VALIDITY",
                        "4h",
                        ServerConfig.Builder::checkInValidity,
                        c -> c.care().checkInValidity())
                .rule(positive(c -> c.care().checkInValidity())));
        s.add(plain(
                "HAVEN_CHECKIN_EXEMPT_ORGS",
                null,
                (b, v) -> b.checkInExemptOrgs(Set.copyOf(list(v))),
                c -> c.care().checkInExemptOrgs()));
        s.add(integer(
                        "HAVEN_CARE_VERSIONS_KEPT",
                        "100",
                        ServerConfig.Builder::careVersionsKept,
                        c -> c.care().versionsKept())
                .rule(expect(c -> c.care().versionsKept() >= 1, ">= 1")));
        s.add(bool(
                "HAVEN_ALERT_ON_CHECKIN",
                "true",
                ServerConfig.Builder::alertOnCheckIn,
                c -> c.alerts().alertOnCheckIn()));
        Map<Severity, String> ackDefaults =
                Map.of(Severity.LOW, "10m", Severity.MODERATE, "3m", Severity.HIGH, "1m", Severity.IMMINENT, "30s");
        for (Severity severity : Severity.values()) {
            s.add(duration(
                            "HAVEN_ALERT_ACK_TIMEOUT_" + severity.name(),
                            ackDefaults.get(severity),
                            (b, d) -> b.ackTimeout(severity, d),
                            c -> c.alerts().ackTimeout(severity))
                    .rule(positive(c -> c.alerts().ackTimeout(severity))));
        }
        s.add(duration(
                        "HAVEN_ALERT_ENGAGEMENT_TIMEOUT",
                        "5m",
                        ServerConfig.Builder::engagementTimeout,
                        c -> c.alerts().engagementTimeout())
                .rule(positive(c -> c.alerts().engagementTimeout())));
        s.add(duration(
                        "HAVEN_ALERT_FOLLOW_UP_DELAY",
                        "24h",
                        ServerConfig.Builder::followUpDelay,
                        c -> c.alerts().followUpDelay())
                .rule(positive(c -> c.alerts().followUpDelay())));
        s.add(duration(
                        "HAVEN_ALERT_REDELIVERY_INTERVAL",
                        "5s",
                        ServerConfig.Builder::redeliveryInterval,
                        c -> c.alerts().redeliveryInterval())
                .rule(positive(c -> c.alerts().redeliveryInterval())));
        s.add(duration(
                        "HAVEN_COVERAGE_TIMEOUT",
                        "30s",
                        ServerConfig.Builder::coverageTimeout,
                        c -> c.rooms().coverageTimeout())
                .rule(positive(c -> c.rooms().coverageTimeout())));
        s.add(plain(
                "HAVEN_AUDIT_FILE",
                null,
                (b, v) -> b.auditFile(Path.of(v)),
                c -> c.storage().auditFile()));
        s.add(secret(
                        "HAVEN_AUDIT_KEY",
                        null,
                        ServerConfig.Builder::auditKey,
                        c -> c.storage().auditKey())
                .rule(c -> {
                    String key = c.storage().auditKey();
                    if (key == null) {
                        // The nodes of a cluster write one trail: each must seal it with the same key.
                        return c.mode() == ServerConfig.Mode.PRODUCTION
                                        && c.storage().databaseUrl() != null
                                ? new Problem(
                                        "unset", "the same key on every node, with HAVEN_DATABASE_URL in production")
                                : null;
                    }
                    try {
                        AuditKey.parse(key);
                        return null;
                    } catch (IllegalArgumentException e) {
                        return new Problem("(not a key)", "base64 of at least " + AuditKey.MIN_BYTES + " random bytes");
                    }
                }));
        s.add(duration(
                        "HAVEN_AUDIT_RETENTION",
                        "2190d",
                        ServerConfig.Builder::auditRetention,
                        c -> c.storage().auditRetention())
                .rule(expect(
                        c -> c.storage().auditRetention().compareTo(Duration.ofDays(365)) >= 0,
                        "at least 365d (six years, 2190d, is the default)")));
        s.add(plain(
                "HAVEN_WEBHOOK_URLS",
                null,
                (b, v) -> b.webhookUrls(list(v).stream().map(URI::create).toList()),
                c -> c.alerts().webhookUrls()));
        s.add(secret(
                        "HAVEN_WEBHOOK_SECRET",
                        null,
                        ServerConfig.Builder::webhookSecret,
                        c -> c.alerts().webhookSecret())
                .rule(c -> c.alerts().webhookUrls().isEmpty()
                                || (c.alerts().webhookSecret() != null
                                        && c.alerts().webhookSecret().length() >= 16)
                        ? null
                        : new Problem(
                                c.alerts().webhookSecret() == null ? "unset" : "(too short)",
                                "at least 16 characters with HAVEN_WEBHOOK_URLS")));
        s.add(plain(
                        "HAVEN_PUSH_VAPID_PUBLIC_KEY",
                        null,
                        ServerConfig.Builder::vapidPublicKey,
                        c -> c.paging().vapidPublicKey())
                .rule(c ->
                        vapidProblem(c.paging().vapidPublicKey(), 65, c.paging().vapidPrivateKey())));
        s.add(secret(
                        "HAVEN_PUSH_VAPID_PRIVATE_KEY",
                        null,
                        ServerConfig.Builder::vapidPrivateKey,
                        c -> c.paging().vapidPrivateKey())
                .rule(c -> vapidProblem(
                        c.paging().vapidPrivateKey(), 32, c.paging().vapidPublicKey())));
        s.add(plain(
                        "HAVEN_PUSH_SUBJECT",
                        null,
                        ServerConfig.Builder::pushSubject,
                        c -> c.paging().subject())
                .rule(c -> {
                    String subject = c.paging().subject();
                    if (subject == null) {
                        return c.paging().enabled()
                                ? new Problem("unset", "a mailto: or https: address with the VAPID keys")
                                : null;
                    }
                    return subject.startsWith("mailto:") || subject.startsWith("https://")
                            ? null
                            : new Problem(null, "a mailto: or https: address of the program's operators");
                }));
        s.add(plain(
                        "HAVEN_PUSH_SERVICES",
                        String.join(",", DEFAULT_PUSH_SERVICES),
                        (b, v) -> b.pushServices(list(v)),
                        c -> c.paging().services())
                .rule(expect(
                        c -> c.paging().services().stream().allMatch(Settings::isPushService),
                        "origins of push services (https://host, https://*.domain; http only on loopback)")));
        s.add(duration(
                        "HAVEN_PUSH_TTL",
                        "15m",
                        ServerConfig.Builder::pushTtl,
                        c -> c.paging().ttl())
                .rule(expect(
                        c -> c.paging().ttl().compareTo(Duration.ofMinutes(1)) >= 0
                                && c.paging().ttl().compareTo(Duration.ofDays(1)) <= 0,
                        "from 1m to 24h")));
        s.add(bool(
                "HAVEN_PUSH_PAGE_WHEN_AWAY",
                "true",
                ServerConfig.Builder::pageWhenAway,
                c -> c.paging().pageWhenAway()));
        s.add(plain(
                "HAVEN_CRISIS_RESOURCES",
                null,
                (b, v) -> b.crisisResourcesFile(Path.of(v)),
                c -> c.care().crisisResourcesFile()));
        s.add(plain(
                "HAVEN_STUN_URLS",
                null,
                (b, v) -> b.stunUrls(list(v)),
                c -> c.rooms().stunUrls()));
        s.add(plain(
                "HAVEN_TURN_URLS",
                null,
                (b, v) -> b.turnUrls(list(v)),
                c -> c.rooms().turnUrls()));
        s.add(secret(
                        "HAVEN_TURN_SECRET",
                        null,
                        ServerConfig.Builder::turnSecret,
                        c -> c.rooms().turnSecret())
                .rule(c -> c.rooms().turnUrls().isEmpty()
                                || (c.rooms().turnSecret() != null
                                        && !c.rooms().turnSecret().isBlank())
                        ? null
                        : new Problem("unset", "the TURN server's shared secret when HAVEN_TURN_URLS is set")));
        s.add(duration(
                        "HAVEN_TURN_TTL",
                        "1h",
                        ServerConfig.Builder::turnCredentialTtl,
                        c -> c.rooms().turnCredentialTtl())
                .rule(positive(c -> c.rooms().turnCredentialTtl())));
        s.add(duration(
                        "HAVEN_RECOVERY_WINDOW",
                        "2m",
                        ServerConfig.Builder::recoveryWindow,
                        c -> c.rooms().recoveryWindow())
                .rule(positive(c -> c.rooms().recoveryWindow())));
        s.add(duration(
                        "HAVEN_RECOVERY_GRACE",
                        "2s",
                        ServerConfig.Builder::recoveryGrace,
                        c -> c.rooms().recoveryGrace())
                .rule(expect(
                        c -> !c.rooms().recoveryGrace().isNegative()
                                && c.rooms().recoveryGrace().compareTo(Duration.ofSeconds(3)) <= 0,
                        "0..3s (leaves must be seen within 5 s)")));
        s.add(duration(
                        "HAVEN_MAILBOX_TTL",
                        "24h",
                        ServerConfig.Builder::mailboxTtl,
                        c -> c.chat().mailboxTtl())
                .rule(positive(c -> c.chat().mailboxTtl())));
        s.add(integer(
                        "HAVEN_MAILBOX_PER_DEVICE",
                        "500",
                        ServerConfig.Builder::mailboxPerDevice,
                        c -> c.chat().mailboxPerDevice())
                .rule(expect(c -> c.chat().mailboxPerDevice() > 0, "> 0")));
        s.add(bool(
                "HAVEN_DM_BETWEEN_CLINICIANS",
                "true",
                ServerConfig.Builder::dmBetweenClinicians,
                c -> c.chat().dmBetweenClinicians()));
        s.add(secret(
                        "HAVEN_ADMIN_TOKEN",
                        null,
                        ServerConfig.Builder::adminToken,
                        c -> c.auth().adminToken())
                .rule(c ->
                        c.auth().adminToken() == null || c.auth().adminToken().length() >= 32
                                ? null
                                : new Problem("(too short)", "at least 32 characters")));
        s.add(plain(
                        "HAVEN_TLS_CERT",
                        null,
                        (b, v) -> b.tlsCertificate(Path.of(v)),
                        c -> c.transport().tlsCertificate())
                .rule(expect(
                        c -> (c.transport().tlsCertificate() == null)
                                == (c.transport().tlsPrivateKey() == null),
                        "set together with HAVEN_TLS_KEY")));
        s.add(plain(
                "HAVEN_TLS_KEY",
                null,
                (b, v) -> b.tlsPrivateKey(Path.of(v)),
                c -> c.transport().tlsPrivateKey()));
        s.add(plain(
                        "HAVEN_REDIS_URL",
                        null,
                        ServerConfig.Builder::redisUrl,
                        c -> maskPasswordOrNull(c.storage().redisUrl()))
                .rule(c -> c.storage().redisUrl() == null
                                || c.storage()
                                        .redisUrl()
                                        .matches(
                                                "(?i)(redis|rediss|redis-sentinel|rediss-sentinel|redis-cluster|rediss-cluster)://.+")
                        ? null
                        : new Problem(
                                "(not a Redis URL)",
                                "redis://, rediss://, redis-sentinel:// or redis-cluster:// (or REDIS_URL)")));
        s.add(plain(
                "HAVEN_DATA_DIR",
                "haven-data",
                (b, v) -> b.dataDirectory(Path.of(v)),
                c -> c.storage().dataDirectory()));
        s.add(plain(
                        "HAVEN_DATABASE_URL",
                        null,
                        ServerConfig.Builder::databaseUrl,
                        c -> maskPasswordOrNull(c.storage().databaseUrl()))
                .rule(c -> c.storage().databaseUrl() == null
                                || c.storage().databaseUrl().matches("(?i)(postgres|postgresql|jdbc:postgresql)://.+")
                        ? null
                        : new Problem("(not a PostgreSQL URL)", "postgresql://user:password@host:port/database")));
        s.add(duration(
                        "HAVEN_RECORD_RETENTION",
                        "2190d",
                        ServerConfig.Builder::recordRetention,
                        c -> c.storage().recordRetention())
                .rule(positive(c -> c.storage().recordRetention())));
        s.add(bool(
                "HAVEN_REDIS_PERSISTENCE_REQUIRED",
                "true",
                ServerConfig.Builder::redisPersistenceRequired,
                c -> c.storage().redisPersistenceRequired()));
        s.add(duration(
                        "HAVEN_LEASE_TTL",
                        "3s",
                        ServerConfig.Builder::leaseTtl,
                        c -> c.storage().leaseTtl())
                .rule(expect(
                        c -> c.storage().leaseTtl().compareTo(Duration.ofSeconds(2)) >= 0
                                && c.storage().leaseTtl().compareTo(Duration.ofSeconds(15)) <= 0,
                        "between 2s and 15s")));
        s.add(plain(
                        "HAVEN_LOG_LEVEL",
                        "info",
                        ServerConfig.Builder::logLevel,
                        c -> c.logging().logLevel())
                .rule(expect(
                        c -> c.logging().logLevel() != null
                                && LOG_LEVELS.contains(c.logging().logLevel()),
                        "one of trace, debug, info, warn, error, off")));
        s.add(plain(
                "HAVEN_LOG_FORMAT",
                "json",
                (b, v) -> b.logFormat(ServerConfig.LogFormat.valueOf(v.toUpperCase(Locale.ROOT))),
                c -> c.logging().logFormat().name().toLowerCase(Locale.ROOT)));
        return List.copyOf(s);
    }

    /**
     * What is wrong with one half of the VAPID key pair, {@code key} ({@code bytes} long in base64url),
     * given the other half: null when both are unset, or this one is well formed and the other set.
     */
    private static @Nullable Problem vapidProblem(@Nullable String key, int bytes, @Nullable String other) {
        if (key == null) {
            return other == null
                    ? null
                    : new Problem("unset", "both VAPID keys, or neither (make them with vapid-keys)");
        }
        byte[] raw;
        try {
            raw = java.util.Base64.getUrlDecoder().decode(key.strip());
        } catch (IllegalArgumentException e) {
            raw = new byte[0];
        }
        if (raw.length != bytes || (bytes == 65 && raw[0] != 4)) {
            return new Problem(
                    "(not a key)", "base64url of a " + bytes + "-byte P-256 key (make them with vapid-keys)");
        }
        return other == null ? new Problem(null, "both VAPID keys, or neither") : null;
    }

    /** Whether {@code origin} names push services: https, a host (or {@code *.} and a domain), an optional port; http on loopback. */
    static boolean isPushService(String origin) {
        String text = origin.replace("://*.", "://wildcard.");
        URI url;
        try {
            url = new URI(text);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
        if (!isOrigin(url)) {
            return false;
        }
        String host = url.getHost();
        boolean loopback = host.equals("localhost") || host.matches("127(\\.[0-9]{1,3}){3}") || host.equals("[::1]");
        return url.getScheme().equalsIgnoreCase("https") || loopback;
    }

    private static Setting plain(
            String env,
            @Nullable String defaultText,
            BiConsumer<ServerConfig.Builder, String> read,
            Function<ServerConfig, @Nullable Object> show) {
        return new Setting(env, false, defaultText, read, show, Rule.NONE);
    }

    private static Setting secret(
            String env,
            @Nullable String defaultText,
            BiConsumer<ServerConfig.Builder, String> read,
            Function<ServerConfig, @Nullable Object> show) {
        return new Setting(env, true, defaultText, read, show, Rule.NONE);
    }

    private static Setting integer(
            String env,
            @Nullable String defaultText,
            ObjIntConsumer<ServerConfig.Builder> read,
            Function<ServerConfig, @Nullable Object> show) {
        return plain(env, defaultText, (b, v) -> read.accept(b, Integer.parseInt(v)), show);
    }

    private static Setting duration(
            String env,
            @Nullable String defaultText,
            BiConsumer<ServerConfig.Builder, Duration> read,
            Function<ServerConfig, @Nullable Object> show) {
        return plain(env, defaultText, (b, v) -> read.accept(b, Durations.parse(v)), show);
    }

    private static Setting bool(
            String env,
            @Nullable String defaultText,
            BiConsumer<ServerConfig.Builder, Boolean> read,
            Function<ServerConfig, @Nullable Object> show) {
        return plain(env, defaultText, (b, v) -> read.accept(b, parseBoolean(v)), show);
    }

    /**
     * Whether {@code url} names an origin a browser can send: http or https, a host, an optional
     * port, and nothing else but a final {@code /}. A path, query or user would be dropped from the
     * {@code Origin} a browser sends, so the node's own origin would silently differ from the
     * address the operator meant.
     */
    private static boolean isOrigin(URI url) {
        String scheme = url.getScheme();
        String path = url.getRawPath();
        return scheme != null
                && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                && !url.isOpaque()
                && url.getHost() != null
                && url.getRawUserInfo() == null
                && (url.getPort() == -1 || (url.getPort() > 0 && url.getPort() <= 65535))
                && (path == null || path.isEmpty() || path.equals("/"))
                && url.getRawQuery() == null
                && url.getRawFragment() == null;
    }

    /**
     * {@code url} with its passwords masked: the one in its user information ({@code
     * redis://u:********@host}) and a {@code password} parameter ({@code
     * jdbc:postgresql://db/haven?user=u&password=********}). For any message that shows a URL.
     */
    public static String maskPassword(String url) {
        return url.replaceAll("(://[^:/@,]*:)[^@/]*@", "$1" + MASK + "@")
                .replaceAll("(?i)([?&;]password=)[^&;]*", "$1" + MASK);
    }

    private static @Nullable String maskPasswordOrNull(@Nullable String url) {
        return url == null ? null : maskPassword(url);
    }

    static boolean parseBoolean(String raw) {
        if (raw.equalsIgnoreCase("true")) {
            return true;
        }
        if (raw.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("expected true or false");
    }

    static List<String> list(String raw) {
        List<String> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    private static String text(@Nullable Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Duration d) {
            return Durations.format(d);
        }
        if (value instanceof Set<?> set) {
            return String.join(
                    ",", new TreeSet<>(set.stream().map(String::valueOf).toList()));
        }
        if (value instanceof Collection<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }
}
