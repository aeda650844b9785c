package org.haven.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.haven.protocol.Alerts.Severity;

/**
 * Every setting of a node in one table: its environment variable (the YAML key is the same name
 * without {@code HAVEN_}, in lower case), how its text is read into a {@link ServerConfig.Builder},
 * how its effective value is shown, and whether it is a secret (masked when shown). Reading a
 * configuration, {@code --print-config} and the table in docs/operations.md all follow this list.
 */
public final class Settings {

    /** One setting. */
    public record Setting(String env, boolean secret, BiConsumer<ServerConfig.Builder, String> read,
            Function<ServerConfig, Object> show) {

        /** The key of this setting in a YAML configuration file. */
        public String yamlKey() {
            return env.substring(PREFIX.length()).toLowerCase(Locale.ROOT);
        }

        /** The effective value as text ({@code ""} when unset), or a mask for a secret that is set. */
        public String shown(ServerConfig config) {
            String text = text(show.apply(config));
            return secret && !text.isEmpty() ? MASK : text;
        }
    }

    public static final String PREFIX = "HAVEN_";
    public static final String MASK = "********";

    private static final List<Setting> ALL = build();

    private Settings() {}

    /** Every setting, in the order of the documentation. */
    public static List<Setting> all() {
        return ALL;
    }

    /** The setting of an environment variable, or null. */
    public static Setting byEnv(String env) {
        for (Setting s : ALL) {
            if (s.env.equals(env)) {
                return s;
            }
        }
        return null;
    }

    private static List<Setting> build() {
        List<Setting> s = new ArrayList<>();
        s.add(plain("HAVEN_HOST", ServerConfig.Builder::host, ServerConfig::host));
        s.add(plain("HAVEN_PORT", (b, v) -> b.port(Integer.parseInt(v)), ServerConfig::port));
        s.add(plain("HAVEN_MODE", (b, v) -> b.mode(ServerConfig.Mode.valueOf(v.toUpperCase(Locale.ROOT))),
                c -> c.mode().name().toLowerCase(Locale.ROOT)));
        s.add(secret("HAVEN_JWT_SECRET", ServerConfig.Builder::hmacSecret, ServerConfig::hmacSecret));
        s.add(plain("HAVEN_JWT_PUBLIC_KEY", (b, v) -> b.publicKeyPem(Path.of(v)), ServerConfig::publicKeyPem));
        s.add(plain("HAVEN_JWT_JWKS", (b, v) -> b.jwksFile(Path.of(v)), ServerConfig::jwksFile));
        s.add(plain("HAVEN_JWT_ISSUER", ServerConfig.Builder::issuer, ServerConfig::issuer));
        s.add(plain("HAVEN_JWT_AUDIENCE", ServerConfig.Builder::audience, ServerConfig::audience));
        s.add(plain("HAVEN_JWT_CLOCK_SKEW", (b, v) -> b.clockSkew(Durations.parse(v)), ServerConfig::clockSkew));
        s.add(plain("HAVEN_ALLOWED_ORIGINS", (b, v) -> b.allowedOrigins(list(v)), ServerConfig::allowedOrigins));
        s.add(integer("HAVEN_MAX_FRAME_BYTES", ServerConfig.Builder::maxFrameBytes, ServerConfig::maxFrameBytes));
        s.add(integer("HAVEN_MAX_CHAT_CHARS", ServerConfig.Builder::maxChatChars, ServerConfig::maxChatChars));
        s.add(duration("HAVEN_HELLO_TIMEOUT", ServerConfig.Builder::helloTimeout, ServerConfig::helloTimeout));
        s.add(duration("HAVEN_PING_INTERVAL", ServerConfig.Builder::pingInterval, ServerConfig::pingInterval));
        s.add(duration("HAVEN_IDLE_TIMEOUT", ServerConfig.Builder::idleTimeout, ServerConfig::idleTimeout));
        s.add(duration("HAVEN_DRAIN_TIMEOUT", ServerConfig.Builder::drainTimeout, ServerConfig::drainTimeout));
        s.add(integer("HAVEN_RATE_PER_SECOND", ServerConfig.Builder::requestsPerSecond, ServerConfig::requestsPerSecond));
        s.add(integer("HAVEN_RATE_BURST", ServerConfig.Builder::requestBurst, ServerConfig::requestBurst));
        s.add(integer("HAVEN_RATE_FLOOD_REFUSALS", ServerConfig.Builder::floodRefusals, ServerConfig::floodRefusals));
        s.add(integer("HAVEN_MAX_ROOMS_PER_CONNECTION", ServerConfig.Builder::maxRoomsPerConnection,
                ServerConfig::maxRoomsPerConnection));
        s.add(integer("HAVEN_MAX_MEMBERS_PER_ROOM", ServerConfig.Builder::maxMembersPerRoom,
                ServerConfig::maxMembersPerRoom));
        s.add(integer("HAVEN_OUTBOUND_QUEUE_MESSAGES", ServerConfig.Builder::outboundQueueMessages,
                ServerConfig::outboundQueueMessages));
        s.add(integer("HAVEN_OUTBOUND_QUEUE_BYTES", ServerConfig.Builder::outboundQueueBytes,
                ServerConfig::outboundQueueBytes));
        s.add(integer("HAVEN_MAX_CONNECTIONS", ServerConfig.Builder::maxConnections, ServerConfig::maxConnections));
        s.add(integer("HAVEN_MAX_CONNECTIONS_PER_USER", ServerConfig.Builder::maxConnectionsPerUser,
                ServerConfig::maxConnectionsPerUser));
        s.add(duration("HAVEN_CHECKIN_VALIDITY", ServerConfig.Builder::checkInValidity, ServerConfig::checkInValidity));
        s.add(plain("HAVEN_CHECKIN_EXEMPT_ORGS", (b, v) -> b.checkInExemptOrgs(Set.copyOf(list(v))),
                ServerConfig::checkInExemptOrgs));
        s.add(bool("HAVEN_ALERT_ON_CHECKIN", ServerConfig.Builder::alertOnCheckIn, ServerConfig::alertOnCheckIn));
        for (Severity severity : Severity.values()) {
            s.add(duration("HAVEN_ALERT_ACK_TIMEOUT_" + severity.name(), (b, d) -> b.ackTimeout(severity, d),
                    c -> c.escalation().ackTimeout(severity)));
        }
        s.add(duration("HAVEN_ALERT_ENGAGEMENT_TIMEOUT", ServerConfig.Builder::engagementTimeout,
                c -> c.escalation().engagementTimeout()));
        s.add(duration("HAVEN_ALERT_FOLLOW_UP_DELAY", ServerConfig.Builder::followUpDelay,
                c -> c.escalation().followUpDelay()));
        s.add(duration("HAVEN_ALERT_REDELIVERY_INTERVAL", ServerConfig.Builder::redeliveryInterval,
                c -> c.escalation().redeliveryInterval()));
        s.add(duration("HAVEN_COVERAGE_TIMEOUT", ServerConfig.Builder::coverageTimeout, ServerConfig::coverageTimeout));
        s.add(plain("HAVEN_AUDIT_FILE", (b, v) -> b.auditFile(Path.of(v)), ServerConfig::auditFile));
        s.add(plain("HAVEN_WEBHOOK_URLS", (b, v) -> b.webhookUrls(list(v).stream().map(URI::create).toList()),
                ServerConfig::webhookUrls));
        s.add(secret("HAVEN_WEBHOOK_SECRET", ServerConfig.Builder::webhookSecret, ServerConfig::webhookSecret));
        s.add(plain("HAVEN_CRISIS_RESOURCES", (b, v) -> b.crisisResourcesFile(Path.of(v)),
                ServerConfig::crisisResourcesFile));
        s.add(plain("HAVEN_STUN_URLS", (b, v) -> b.stunUrls(list(v)), ServerConfig::stunUrls));
        s.add(plain("HAVEN_TURN_URLS", (b, v) -> b.turnUrls(list(v)), ServerConfig::turnUrls));
        s.add(secret("HAVEN_TURN_SECRET", ServerConfig.Builder::turnSecret, ServerConfig::turnSecret));
        s.add(duration("HAVEN_TURN_TTL", ServerConfig.Builder::turnCredentialTtl, ServerConfig::turnCredentialTtl));
        s.add(duration("HAVEN_RECOVERY_WINDOW", ServerConfig.Builder::recoveryWindow, ServerConfig::recoveryWindow));
        s.add(duration("HAVEN_RECOVERY_GRACE", ServerConfig.Builder::recoveryGrace, ServerConfig::recoveryGrace));
        s.add(duration("HAVEN_MAILBOX_TTL", ServerConfig.Builder::mailboxTtl, ServerConfig::mailboxTtl));
        s.add(integer("HAVEN_MAILBOX_PER_DEVICE", ServerConfig.Builder::mailboxPerDevice, ServerConfig::mailboxPerDevice));
        s.add(bool("HAVEN_DM_BETWEEN_CLINICIANS", ServerConfig.Builder::dmBetweenClinicians,
                ServerConfig::dmBetweenClinicians));
        s.add(secret("HAVEN_ADMIN_TOKEN", ServerConfig.Builder::adminToken, ServerConfig::adminToken));
        s.add(plain("HAVEN_TLS_CERT", (b, v) -> b.tlsCertificate(Path.of(v)), ServerConfig::tlsCertificate));
        s.add(plain("HAVEN_TLS_KEY", (b, v) -> b.tlsPrivateKey(Path.of(v)), ServerConfig::tlsPrivateKey));
        s.add(plain("HAVEN_REDIS_URL", ServerConfig.Builder::redisUrl, c -> maskPassword(c.redisUrl())));
        s.add(plain("HAVEN_LOG_LEVEL", (b, v) -> b.logLevel(v), ServerConfig::logLevel));
        s.add(plain("HAVEN_LOG_FORMAT", (b, v) -> b.logFormat(ServerConfig.LogFormat.valueOf(v.toUpperCase(Locale.ROOT))),
                c -> c.logFormat().name().toLowerCase(Locale.ROOT)));
        return List.copyOf(s);
    }

    private static Setting plain(String env, BiConsumer<ServerConfig.Builder, String> read,
            Function<ServerConfig, Object> show) {
        return new Setting(env, false, read, show);
    }

    private static Setting secret(String env, BiConsumer<ServerConfig.Builder, String> read,
            Function<ServerConfig, Object> show) {
        return new Setting(env, true, read, show);
    }

    private static Setting integer(String env, java.util.function.ObjIntConsumer<ServerConfig.Builder> read,
            Function<ServerConfig, Object> show) {
        return plain(env, (b, v) -> read.accept(b, Integer.parseInt(v)), show);
    }

    private static Setting duration(String env, BiConsumer<ServerConfig.Builder, Duration> read,
            Function<ServerConfig, Object> show) {
        return plain(env, (b, v) -> read.accept(b, Durations.parse(v)), show);
    }

    private static Setting bool(String env, BiConsumer<ServerConfig.Builder, Boolean> read,
            Function<ServerConfig, Object> show) {
        return plain(env, (b, v) -> read.accept(b, parseBoolean(v)), show);
    }

    /** A URL with the password of its user information masked ({@code redis://u:********@host}). */
    static String maskPassword(String url) {
        return url == null ? null : url.replaceAll("(://[^:/@,]*:)[^@/]*@", "$1" + MASK + "@");
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

    private static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Duration d) {
            return Durations.format(d);
        }
        if (value instanceof Set<?> set) {
            return String.join(",", new TreeSet<>(set.stream().map(String::valueOf).toList()));
        }
        if (value instanceof Collection<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }
}
