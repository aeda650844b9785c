package org.haven.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.haven.protocol.Alerts.Severity;
import org.haven.server.alert.EscalationPolicy;

/**
 * The server's configuration: immutable, validated once when built, with an error that names the
 * setting. Read from environment variables ({@code HAVEN_*}) by {@link #fromEnvironment(Map)}; the
 * table of settings is in the README.
 */
public record ServerConfig(
        String host,
        int port,
        Mode mode,
        String hmacSecret,
        Path publicKeyPem,
        Path jwksFile,
        String issuer,
        String audience,
        Duration clockSkew,
        List<String> allowedOrigins,
        int maxFrameBytes,
        int maxChatChars,
        Duration helloTimeout,
        Duration pingInterval,
        Duration idleTimeout,
        Duration drainTimeout,
        int requestsPerSecond,
        int requestBurst,
        int floodRefusals,
        int maxRoomsPerConnection,
        int maxMembersPerRoom,
        int outboundQueueMessages,
        int outboundQueueBytes,
        Duration checkInValidity,
        Set<String> checkInExemptOrgs,
        boolean alertOnCheckIn,
        EscalationPolicy escalation,
        Path auditFile,
        List<URI> webhookUrls,
        String webhookSecret,
        Path crisisResourcesFile,
        List<String> stunUrls,
        List<String> turnUrls,
        String turnSecret,
        Duration turnCredentialTtl,
        Duration coverageTimeout,
        Duration recoveryWindow,
        Duration recoveryGrace,
        Duration mailboxTtl,
        int mailboxPerDevice,
        boolean dmBetweenClinicians,
        int maxConnections,
        int maxConnectionsPerUser,
        String adminToken,
        Path tlsCertificate,
        Path tlsPrivateKey,
        String logLevel,
        LogFormat logFormat,
        String redisUrl) {

    /** Whether dev conveniences (the well-known dev secret, the token command) are allowed. */
    public enum Mode { DEV, PRODUCTION }

    /** How log lines are written: one JSON object per line (for collectors), or plain text (for people). */
    public enum LogFormat { JSON, TEXT }

    /** The Redis URL setting, and the conventional variable that stands for it when it is not set. */
    static final String REDIS_URL_SETTING = "HAVEN_REDIS_URL";
    static final String REDIS_URL_ALIAS = "REDIS_URL";

    private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    /**
     * The HS256 secret that dev tokens are signed with. It is public knowledge, so production mode
     * refuses it.
     */
    public static final String DEV_SECRET = "haven-dev-secret-do-not-use-in-production-0123456789";
    public static final String DEV_ISSUER = "haven-dev";
    public static final String DEV_AUDIENCE = "haven";

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        allowedOrigins = List.copyOf(allowedOrigins);
        check(port >= 0 && port <= 65535, "HAVEN_PORT", port, "0..65535");
        boolean hasKey = publicKeyPem != null || jwksFile != null;
        check(hmacSecret != null || hasKey, "HAVEN_JWT_SECRET", "unset",
                "a secret, or HAVEN_JWT_PUBLIC_KEY / HAVEN_JWT_JWKS");
        if (hmacSecret != null) {
            check(hmacSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= 32,
                    "HAVEN_JWT_SECRET", "(" + hmacSecret.length() + " characters)", "at least 32 bytes");
            check(mode == Mode.DEV || !hmacSecret.equals(DEV_SECRET), "HAVEN_JWT_SECRET", "the dev secret",
                    "a private secret in production mode");
        }
        check(!issuer.isBlank(), "HAVEN_JWT_ISSUER", "blank", "non-blank");
        check(!audience.isBlank(), "HAVEN_JWT_AUDIENCE", "blank", "non-blank");
        check(!clockSkew.isNegative() && clockSkew.compareTo(Duration.ofMinutes(5)) <= 0,
                "HAVEN_JWT_CLOCK_SKEW", clockSkew, "0..5m");
        check(maxFrameBytes >= 1024 && maxFrameBytes <= 16 * 1024 * 1024, "HAVEN_MAX_FRAME_BYTES", maxFrameBytes,
                "1024..16777216");
        check(maxChatChars > 0 && maxChatChars * 4 < maxFrameBytes, "HAVEN_MAX_CHAT_CHARS", maxChatChars,
                "> 0 and well under the frame size");
        positive(helloTimeout, "HAVEN_HELLO_TIMEOUT");
        positive(pingInterval, "HAVEN_PING_INTERVAL");
        check(idleTimeout.compareTo(pingInterval) > 0, "HAVEN_IDLE_TIMEOUT", idleTimeout,
                "> HAVEN_PING_INTERVAL (" + pingInterval + ")");
        positive(drainTimeout, "HAVEN_DRAIN_TIMEOUT");
        check(requestsPerSecond > 0, "HAVEN_RATE_PER_SECOND", requestsPerSecond, "> 0");
        check(requestBurst >= requestsPerSecond, "HAVEN_RATE_BURST", requestBurst, ">= HAVEN_RATE_PER_SECOND");
        check(floodRefusals > 0, "HAVEN_RATE_FLOOD_REFUSALS", floodRefusals, "> 0");
        check(maxRoomsPerConnection > 0, "HAVEN_MAX_ROOMS_PER_CONNECTION", maxRoomsPerConnection, "> 0");
        check(maxMembersPerRoom > 1, "HAVEN_MAX_MEMBERS_PER_ROOM", maxMembersPerRoom, "> 1");
        check(outboundQueueMessages > 0, "HAVEN_OUTBOUND_QUEUE_MESSAGES", outboundQueueMessages, "> 0");
        check(outboundQueueBytes >= maxFrameBytes, "HAVEN_OUTBOUND_QUEUE_BYTES", outboundQueueBytes,
                ">= HAVEN_MAX_FRAME_BYTES");
        positive(checkInValidity, "HAVEN_CHECKIN_VALIDITY");
        checkInExemptOrgs = Set.copyOf(checkInExemptOrgs);
        Objects.requireNonNull(escalation, "escalation");
        stunUrls = List.copyOf(stunUrls);
        turnUrls = List.copyOf(turnUrls);
        check(turnUrls.isEmpty() || (turnSecret != null && !turnSecret.isBlank()), "HAVEN_TURN_SECRET", "unset",
                "the TURN server's shared secret when HAVEN_TURN_URLS is set");
        positive(turnCredentialTtl, "HAVEN_TURN_TTL");
        positive(coverageTimeout, "HAVEN_COVERAGE_TIMEOUT");
        positive(recoveryWindow, "HAVEN_RECOVERY_WINDOW");
        check(!recoveryGrace.isNegative() && recoveryGrace.compareTo(Duration.ofSeconds(3)) <= 0,
                "HAVEN_RECOVERY_GRACE", recoveryGrace, "0..3s (leaves must be seen within 5 s)");
        positive(mailboxTtl, "HAVEN_MAILBOX_TTL");
        check(mailboxPerDevice > 0, "HAVEN_MAILBOX_PER_DEVICE", mailboxPerDevice, "> 0");
        check(maxConnections > 0, "HAVEN_MAX_CONNECTIONS", maxConnections, "> 0");
        check(maxConnectionsPerUser > 0, "HAVEN_MAX_CONNECTIONS_PER_USER", maxConnectionsPerUser, "> 0");
        check(adminToken == null || adminToken.length() >= 32, "HAVEN_ADMIN_TOKEN", "(too short)",
                "at least 32 characters");
        check((tlsCertificate == null) == (tlsPrivateKey == null), "HAVEN_TLS_CERT", tlsCertificate,
                "set together with HAVEN_TLS_KEY");
        webhookUrls = List.copyOf(webhookUrls);
        check(webhookUrls.isEmpty() || (webhookSecret != null && webhookSecret.length() >= 16),
                "HAVEN_WEBHOOK_SECRET", webhookSecret == null ? "unset" : "(too short)", "at least 16 characters with HAVEN_WEBHOOK_URLS");
        check(logLevel != null && LOG_LEVELS.contains(logLevel.toUpperCase(Locale.ROOT)), "HAVEN_LOG_LEVEL", logLevel,
                "one of trace, debug, info, warn, error, off");
        logLevel = logLevel.toUpperCase(Locale.ROOT);
        Objects.requireNonNull(logFormat, "logFormat");
        check(redisUrl == null || redisUrl.matches("(?i)(redis|rediss|redis-sentinel|rediss-sentinel|redis-cluster|rediss-cluster)://.+"),
                "HAVEN_REDIS_URL", "(not a Redis URL)", "redis://, rediss://, redis-sentinel:// or redis-cluster:// (or REDIS_URL)");
    }

    /** The defaults: dev mode, port 8080, the dev secret. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Reads {@code HAVEN_*} variables over the defaults; a bad value fails with the variable's name. */
    public static ServerConfig fromEnvironment(Map<String, String> env) {
        return from(env, name -> name);
    }

    /**
     * Builds from setting values keyed by environment variable name; {@code where} says where a
     * value came from, for the message when it cannot be read. Unknown names are ignored here (the
     * environment holds much else); a configuration file refuses them before this.
     */
    static ServerConfig from(Map<String, String> values, Function<String, String> where) {
        if (!values.containsKey(REDIS_URL_SETTING) && values.get(REDIS_URL_ALIAS) != null) {
            values = new java.util.HashMap<>(values);
            values.put(REDIS_URL_SETTING, values.get(REDIS_URL_ALIAS));
        }
        Builder b = builder();
        for (Settings.Setting setting : Settings.all()) {
            String raw = values.get(setting.env());
            if (raw == null || raw.isBlank()) {
                continue;
            }
            try {
                setting.read().accept(b, raw.trim());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(where.apply(setting.env()) + ": cannot read '"
                        + (setting.secret() ? Settings.MASK : raw) + "' (" + e.getMessage() + ")", e);
            }
        }
        // Outside dev mode there is no default secret: one of the key settings must be given.
        if (b.mode == Mode.PRODUCTION && !values.containsKey("HAVEN_JWT_SECRET")) {
            b.hmacSecret = null;
        }
        if (b.mode == Mode.PRODUCTION && !values.containsKey("HAVEN_JWT_ISSUER")) {
            throw new IllegalArgumentException(where.apply("HAVEN_JWT_ISSUER")
                    + ": unset (expected: the issuer of your tokens in production mode)");
        }
        if (b.mode == Mode.PRODUCTION && !values.containsKey("HAVEN_JWT_AUDIENCE")) {
            throw new IllegalArgumentException(where.apply("HAVEN_JWT_AUDIENCE")
                    + ": unset (expected: the audience of your tokens in production mode)");
        }
        return b.build();
    }

    private static void positive(Duration d, String name) {
        check(d != null && !d.isNegative() && !d.isZero(), name, d, "> 0");
    }

    private static void check(boolean ok, String name, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + expected + ")");
        }
    }

    /** Builds a {@link ServerConfig}; every field starts at its documented default. */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = 8080;
        private Mode mode = Mode.DEV;
        private String hmacSecret = DEV_SECRET;
        private Path publicKeyPem;
        private Path jwksFile;
        private String issuer = DEV_ISSUER;
        private String audience = DEV_AUDIENCE;
        private Duration clockSkew = Duration.ofSeconds(30);
        private List<String> allowedOrigins = List.of();
        private int maxFrameBytes = 64 * 1024;
        private int maxChatChars = 4000;
        private Duration helloTimeout = Duration.ofSeconds(5);
        private Duration pingInterval = Duration.ofSeconds(2);
        private Duration idleTimeout = Duration.ofSeconds(4);
        private Duration drainTimeout = Duration.ofSeconds(5);
        private int requestsPerSecond = 20;
        private int requestBurst = 40;
        private int floodRefusals = 200;
        private int maxRoomsPerConnection = 32;
        private int maxMembersPerRoom = 500;
        private int outboundQueueMessages = 4096;
        private int outboundQueueBytes = 4 * 1024 * 1024;
        private Duration checkInValidity = Duration.ofHours(4);
        private Set<String> checkInExemptOrgs = Set.of();
        private boolean alertOnCheckIn = true;
        private EscalationPolicy escalation = EscalationPolicy.defaults();
        private Path auditFile = Path.of("haven-audit.jsonl");
        private List<URI> webhookUrls = List.of();
        private String webhookSecret;
        private Path crisisResourcesFile;
        private List<String> stunUrls = List.of();
        private List<String> turnUrls = List.of();
        private String turnSecret;
        private Duration turnCredentialTtl = Duration.ofHours(1);
        private Duration coverageTimeout = Duration.ofSeconds(30);
        private Duration recoveryWindow = Duration.ofMinutes(2);
        private Duration recoveryGrace = Duration.ofSeconds(2);
        private Duration mailboxTtl = Duration.ofHours(24);
        private int mailboxPerDevice = 500;
        private boolean dmBetweenClinicians = true;
        private int maxConnections = 250_000;
        private int maxConnectionsPerUser = 10;
        private String adminToken;
        private Path tlsCertificate;
        private Path tlsPrivateKey;
        private String logLevel = "INFO";
        private LogFormat logFormat = LogFormat.JSON;
        private String redisUrl;

        private Builder() {}

        private Builder(ServerConfig c) {
            host = c.host; port = c.port; mode = c.mode; hmacSecret = c.hmacSecret;
            publicKeyPem = c.publicKeyPem; jwksFile = c.jwksFile; issuer = c.issuer; audience = c.audience;
            clockSkew = c.clockSkew; allowedOrigins = c.allowedOrigins; maxFrameBytes = c.maxFrameBytes;
            maxChatChars = c.maxChatChars; helloTimeout = c.helloTimeout; pingInterval = c.pingInterval;
            idleTimeout = c.idleTimeout; drainTimeout = c.drainTimeout; requestsPerSecond = c.requestsPerSecond;
            requestBurst = c.requestBurst; floodRefusals = c.floodRefusals;
            maxRoomsPerConnection = c.maxRoomsPerConnection; maxMembersPerRoom = c.maxMembersPerRoom;
            outboundQueueMessages = c.outboundQueueMessages; outboundQueueBytes = c.outboundQueueBytes;
            checkInValidity = c.checkInValidity; checkInExemptOrgs = c.checkInExemptOrgs;
            alertOnCheckIn = c.alertOnCheckIn; escalation = c.escalation; auditFile = c.auditFile;
            webhookUrls = c.webhookUrls; webhookSecret = c.webhookSecret; crisisResourcesFile = c.crisisResourcesFile;
            stunUrls = c.stunUrls; turnUrls = c.turnUrls; turnSecret = c.turnSecret;
            turnCredentialTtl = c.turnCredentialTtl; coverageTimeout = c.coverageTimeout;
            recoveryWindow = c.recoveryWindow; recoveryGrace = c.recoveryGrace; mailboxTtl = c.mailboxTtl;
            mailboxPerDevice = c.mailboxPerDevice; dmBetweenClinicians = c.dmBetweenClinicians;
            maxConnections = c.maxConnections; maxConnectionsPerUser = c.maxConnectionsPerUser;
            adminToken = c.adminToken; tlsCertificate = c.tlsCertificate; tlsPrivateKey = c.tlsPrivateKey;
            logLevel = c.logLevel; logFormat = c.logFormat; redisUrl = c.redisUrl;
        }

        public Builder host(String v) { host = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder mode(Mode v) { mode = v; return this; }
        public Builder hmacSecret(String v) { hmacSecret = v; return this; }
        public Builder publicKeyPem(Path v) { publicKeyPem = v; return this; }
        public Builder jwksFile(Path v) { jwksFile = v; return this; }
        public Builder issuer(String v) { issuer = v; return this; }
        public Builder audience(String v) { audience = v; return this; }
        public Builder clockSkew(Duration v) { clockSkew = v; return this; }
        public Builder allowedOrigins(List<String> v) { allowedOrigins = v; return this; }
        public Builder maxFrameBytes(int v) { maxFrameBytes = v; return this; }
        public Builder maxChatChars(int v) { maxChatChars = v; return this; }
        public Builder helloTimeout(Duration v) { helloTimeout = v; return this; }
        public Builder pingInterval(Duration v) { pingInterval = v; return this; }
        public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
        public Builder drainTimeout(Duration v) { drainTimeout = v; return this; }
        public Builder requestsPerSecond(int v) { requestsPerSecond = v; return this; }
        public Builder requestBurst(int v) { requestBurst = v; return this; }
        public Builder floodRefusals(int v) { floodRefusals = v; return this; }
        public Builder maxRoomsPerConnection(int v) { maxRoomsPerConnection = v; return this; }
        public Builder maxMembersPerRoom(int v) { maxMembersPerRoom = v; return this; }
        public Builder outboundQueueMessages(int v) { outboundQueueMessages = v; return this; }
        public Builder outboundQueueBytes(int v) { outboundQueueBytes = v; return this; }
        public Builder checkInValidity(Duration v) { checkInValidity = v; return this; }
        public Builder checkInExemptOrgs(Set<String> v) { checkInExemptOrgs = v; return this; }
        public Builder alertOnCheckIn(boolean v) { alertOnCheckIn = v; return this; }
        public Builder escalation(EscalationPolicy v) { escalation = v; return this; }
        /** The audit trail's JSON-lines file; {@code null} keeps it in memory (tests). */
        public Builder auditFile(Path v) { auditFile = v; return this; }
        public Builder webhookUrls(List<URI> v) { webhookUrls = v; return this; }
        public Builder webhookSecret(String v) { webhookSecret = v; return this; }
        public Builder crisisResourcesFile(Path v) { crisisResourcesFile = v; return this; }
        public Builder stunUrls(List<String> v) { stunUrls = v; return this; }
        public Builder turnUrls(List<String> v) { turnUrls = v; return this; }
        public Builder turnSecret(String v) { turnSecret = v; return this; }
        public Builder turnCredentialTtl(Duration v) { turnCredentialTtl = v; return this; }
        public Builder coverageTimeout(Duration v) { coverageTimeout = v; return this; }
        public Builder recoveryWindow(Duration v) { recoveryWindow = v; return this; }
        public Builder recoveryGrace(Duration v) { recoveryGrace = v; return this; }
        public Builder mailboxTtl(Duration v) { mailboxTtl = v; return this; }
        public Builder mailboxPerDevice(int v) { mailboxPerDevice = v; return this; }
        public Builder dmBetweenClinicians(boolean v) { dmBetweenClinicians = v; return this; }
        public Builder maxConnections(int v) { maxConnections = v; return this; }
        public Builder maxConnectionsPerUser(int v) { maxConnectionsPerUser = v; return this; }
        public Builder adminToken(String v) { adminToken = v; return this; }
        public Builder tls(Path certificate, Path privateKey) { tlsCertificate = certificate; tlsPrivateKey = privateKey; return this; }
        public Builder tlsCertificate(Path v) { tlsCertificate = v; return this; }
        public Builder tlsPrivateKey(Path v) { tlsPrivateKey = v; return this; }
        public Builder logLevel(String v) { logLevel = v; return this; }
        public Builder logFormat(LogFormat v) { logFormat = v; return this; }
        /** Redis for every engine (a cluster of nodes shares it); null keeps everything in memory. */
        public Builder redisUrl(String v) { redisUrl = v; return this; }

        /** The time {@code severity} may wait for an acknowledgement before the next tier is added. */
        public Builder ackTimeout(Severity severity, Duration v) {
            Map<Severity, Duration> ack = new EnumMap<>(escalation.ackTimeouts());
            ack.put(severity, v);
            escalation = new EscalationPolicy(escalation.tiers(), ack, escalation.engagementTimeout(),
                    escalation.followUpDelay(), escalation.redeliveryInterval());
            return this;
        }

        public Builder engagementTimeout(Duration v) {
            escalation = new EscalationPolicy(escalation.tiers(), escalation.ackTimeouts(), v,
                    escalation.followUpDelay(), escalation.redeliveryInterval());
            return this;
        }

        public Builder followUpDelay(Duration v) {
            escalation = new EscalationPolicy(escalation.tiers(), escalation.ackTimeouts(),
                    escalation.engagementTimeout(), v, escalation.redeliveryInterval());
            return this;
        }

        public Builder redeliveryInterval(Duration v) {
            escalation = new EscalationPolicy(escalation.tiers(), escalation.ackTimeouts(),
                    escalation.engagementTimeout(), escalation.followUpDelay(), v);
            return this;
        }

        /** Validates and builds; a bad setting fails with its name. */
        public ServerConfig build() {
            return new ServerConfig(host, port, mode, hmacSecret, publicKeyPem, jwksFile, issuer, audience,
                    clockSkew, allowedOrigins, maxFrameBytes, maxChatChars, helloTimeout, pingInterval, idleTimeout,
                    drainTimeout, requestsPerSecond, requestBurst, floodRefusals, maxRoomsPerConnection,
                    maxMembersPerRoom, outboundQueueMessages, outboundQueueBytes, checkInValidity, checkInExemptOrgs,
                    alertOnCheckIn, escalation, auditFile, webhookUrls, webhookSecret, crisisResourcesFile, stunUrls,
                    turnUrls, turnSecret, turnCredentialTtl, coverageTimeout, recoveryWindow, recoveryGrace, mailboxTtl,
                    mailboxPerDevice, dmBetweenClinicians, maxConnections, maxConnectionsPerUser, adminToken,
                    tlsCertificate, tlsPrivateKey, logLevel, logFormat, redisUrl);
        }
    }

    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port + ", mode=" + mode
                + ", hmacSecret=" + (hmacSecret == null ? "unset" : "***") + ", publicKeyPem=" + publicKeyPem
                + ", jwksFile=" + jwksFile + ", issuer=" + issuer + ", audience=" + audience
                + ", allowedOrigins=" + allowedOrigins + ", maxFrameBytes=" + maxFrameBytes
                + ", auditFile=" + auditFile + ", webhookUrls=" + webhookUrls.size()
                + ", webhookSecret=" + (webhookSecret == null ? "unset" : "***")
                + ", turnSecret=" + (turnSecret == null ? "unset" : "***")
                + ", adminToken=" + (adminToken == null ? "unset" : "***") + ", tls=" + (tlsCertificate != null)
                + ", redis=" + (redisUrl != null) + "]";
    }
}
