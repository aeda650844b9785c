package org.haven.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.haven.protocol.Alerts.Severity;
import org.jspecify.annotations.Nullable;

/**
 * The server's configuration: immutable, grouped by feature, validated once when built, with an
 * error that names the setting. Every setting's variable, default, reading and rule is one entry of
 * {@link Settings}; read from environment variables ({@code HAVEN_*}) by {@link #fromEnvironment(Map)}
 * or from a file and the environment by {@link ConfigSources}; the table is in docs/operations.md.
 *
 * <p>Long because it holds one small record per feature and the builder with a field per setting:
 * declarations, no logic (the rules live with the entries of {@link Settings}).
 */
public record ServerConfig(
        Mode mode,
        Transport transport,
        Auth auth,
        Requests requests,
        Rooms rooms,
        Care care,
        Alerting alerts,
        Paging paging,
        Chat chat,
        Storage storage,
        Logging logging) {

    /** Whether dev conveniences (the well-known dev secret, the token command) are allowed. */
    public enum Mode {
        DEV,
        PRODUCTION
    }

    /** How log lines are written: one JSON object per line (for collectors), or plain text (for people). */
    public enum LogFormat {
        JSON,
        TEXT
    }

    /**
     * Listening, the browser origins that may open a WebSocket (the node's own, from its public URL,
     * and the allowlist), frames, keep-alive, queues and connection counts.
     */
    public record Transport(
            String host,
            int port,
            @Nullable URI publicUrl,
            List<String> allowedOrigins,
            @Nullable Path tlsCertificate,
            @Nullable Path tlsPrivateKey,
            int maxFrameBytes,
            Duration helloTimeout,
            Duration pingInterval,
            Duration idleTimeout,
            Duration drainTimeout,
            int outboundQueueMessages,
            int outboundQueueBytes,
            int maxConnections,
            int maxConnectionsPerUser) {
        public Transport {
            Objects.requireNonNull(host, "host");
            allowedOrigins = List.copyOf(allowedOrigins);
        }

        /**
         * The origin a browser sends for this node's own pages, from {@link #publicUrl} (null when it
         * is unset): {@code scheme://host[:port]} in lower case, the scheme's default port left out,
         * as browsers write it ({@code https://haven.example.org:443/} is
         * {@code https://haven.example.org}).
         */
        public @Nullable String publicOrigin() {
            if (publicUrl == null || publicUrl.getScheme() == null || publicUrl.getHost() == null) {
                return null;
            }
            String scheme = publicUrl.getScheme().toLowerCase(Locale.ROOT);
            int port = publicUrl.getPort();
            boolean defaultPort =
                    port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
            return scheme + "://" + publicUrl.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        }
    }

    /** How tokens are verified, and the operator's token. */
    public record Auth(
            @Nullable String hmacSecret,
            @Nullable Path publicKeyPem,
            @Nullable Path jwksFile,
            String issuer,
            String audience,
            Duration clockSkew,
            @Nullable String adminToken) {
        public Auth {
            Objects.requireNonNull(issuer, "issuer");
            Objects.requireNonNull(audience, "audience");
        }

        @Override
        public String toString() {
            return "Auth[hmacSecret=" + (hmacSecret == null ? "unset" : "***") + ", publicKeyPem=" + publicKeyPem
                    + ", jwksFile=" + jwksFile + ", issuer=" + issuer + ", audience=" + audience + ", clockSkew="
                    + clockSkew + ", adminToken=" + (adminToken == null ? "unset" : "***") + "]";
        }
    }

    /** The rate of requests per connection, and how many rooms one connection may join. */
    public record Requests(
            int requestsPerSecond,
            int requestBurst,
            int floodRefusals,
            int maxRoomsPerConnection,
            int apiPerSecond,
            int apiBurst) {}

    /** Live rooms: size, chat, coverage, recovery, and the media servers given to front-ends. */
    public record Rooms(
            int maxMembersPerRoom,
            int maxChatChars,
            Duration coverageTimeout,
            Duration recoveryWindow,
            Duration recoveryGrace,
            List<String> stunUrls,
            List<String> turnUrls,
            @Nullable String turnSecret,
            Duration turnCredentialTtl) {
        public Rooms {
            stunUrls = List.copyOf(stunUrls);
            turnUrls = List.copyOf(turnUrls);
        }

        @Override
        public String toString() {
            return "Rooms[maxMembersPerRoom=" + maxMembersPerRoom + ", turnUrls=" + turnUrls.size() + ", turnSecret="
                    + (turnSecret == null ? "unset" : "***") + "]";
        }
    }

    /**
     * Check-ins, crisis resources, and how many versions of each care record (contacts, safety
     * plan, a room's check-ins) the store keeps per client.
     */
    public record Care(
            Duration checkInValidity,
            Set<String> checkInExemptOrgs,
            @Nullable Path crisisResourcesFile,
            int versionsKept) {
        public Care {
            checkInExemptOrgs = Set.copyOf(checkInExemptOrgs);
        }
    }

    /** Escalation times, check-in alerts and webhooks. */
    public record Alerting(
            boolean alertOnCheckIn,
            Map<Severity, Duration> ackTimeouts,
            Duration engagementTimeout,
            Duration followUpDelay,
            Duration redeliveryInterval,
            List<URI> webhookUrls,
            @Nullable String webhookSecret) {
        public Alerting {
            ackTimeouts = Map.copyOf(ackTimeouts);
            webhookUrls = List.copyOf(webhookUrls);
        }

        /**
         * The time {@code severity} may wait for an acknowledgement before the next tier is added
         * (null when none is set; {@link Settings} refuses a configuration without one).
         */
        public @Nullable Duration ackTimeout(Severity severity) {
            return ackTimeouts.get(severity);
        }

        @Override
        public String toString() {
            return "Alerting[webhookUrls=" + webhookUrls.size() + ", webhookSecret="
                    + (webhookSecret == null ? "unset" : "***") + "]";
        }
    }

    /**
     * Paging responders who have no Haven connection, with Web Push: the node's VAPID key pair (both
     * unset: no paging), the subject its push requests name, the push services subscriptions may
     * point at (origins, {@code *.} for any subdomain), how long a push service keeps a page for an
     * offline device, and whether a responder whose every connection is away is paged too.
     */
    public record Paging(
            @Nullable String vapidPublicKey,
            @Nullable String vapidPrivateKey,
            @Nullable String subject,
            List<String> services,
            Duration ttl,
            boolean pageWhenAway) {
        public Paging {
            services = List.copyOf(services);
            Objects.requireNonNull(ttl, "ttl");
        }

        /** Whether this node pages: it has a key pair. */
        public boolean enabled() {
            return vapidPublicKey != null && vapidPrivateKey != null;
        }

        @Override
        public String toString() {
            return "Paging[vapidPublicKey=" + vapidPublicKey + ", vapidPrivateKey="
                    + (vapidPrivateKey == null ? "unset" : "***") + ", subject=" + subject + ", services="
                    + services + ", ttl=" + ttl + ", pageWhenAway=" + pageWhenAway + "]";
        }
    }

    /** The discreet chat's mailbox and policy. */
    public record Chat(Duration mailboxTtl, int mailboxPerDevice, boolean dmBetweenClinicians) {}

    /**
     * Where state is kept: the audit trail (a file when {@code auditFile} is set, else with the
     * durable records) and its key, Redis, the data directory and the database (each null: not used),
     * and how long superseded care versions and closed alerts are kept.
     */
    public record Storage(
            @Nullable Path auditFile,
            @Nullable String auditKey,
            Duration auditRetention,
            @Nullable String redisUrl,
            Duration leaseTtl,
            @Nullable Path dataDirectory,
            @Nullable String databaseUrl,
            boolean redisPersistenceRequired,
            Duration recordRetention) {
        @Override
        public String toString() {
            return "Storage[auditFile=" + auditFile + ", auditKey=" + (auditKey == null ? "unset" : "***")
                    + ", auditRetention=" + auditRetention + ", redis=" + (redisUrl != null) + ", leaseTtl=" + leaseTtl
                    + ", dataDirectory=" + dataDirectory + ", database=" + (databaseUrl != null)
                    + ", recordRetention=" + recordRetention + "]";
        }
    }

    /** Log lines. */
    public record Logging(@Nullable String logLevel, LogFormat logFormat) {
        public Logging {
            Objects.requireNonNull(logFormat, "logFormat");
        }
    }

    /** The Redis URL setting, and the conventional variable that stands for it when it is not set. */
    static final String REDIS_URL_SETTING = "HAVEN_REDIS_URL";

    static final String REDIS_URL_ALIAS = "REDIS_URL";

    /**
     * The HS256 secret that dev tokens are signed with. It is public knowledge, so production mode
     * refuses it.
     */
    public static final String DEV_SECRET = "haven-dev-secret-do-not-use-in-production-0123456789";

    public static final String DEV_ISSUER = "haven-dev";
    public static final String DEV_AUDIENCE = "haven";

    public ServerConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(rooms, "rooms");
        Objects.requireNonNull(care, "care");
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(chat, "chat");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(logging, "logging");
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
            values = new HashMap<>(values);
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
                throw new IllegalArgumentException(
                        where.apply(setting.env()) + ": cannot read '" + (setting.secret() ? Settings.MASK : raw)
                                + "' (" + e.getMessage() + ")",
                        e);
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

    /**
     * Builds a {@link ServerConfig}. Every setting starts at its default from {@link Settings}; the
     * setters are flat (one per setting), the configuration built is grouped.
     */
    public static final class Builder {
        String host;
        int port;
        Mode mode;

        @Nullable
        String hmacSecret;

        @Nullable
        Path publicKeyPem;

        @Nullable
        Path jwksFile;

        String issuer;
        String audience;
        Duration clockSkew;

        @Nullable
        URI publicUrl;

        List<String> allowedOrigins = List.of();
        int maxFrameBytes;
        int maxChatChars;
        Duration helloTimeout;
        Duration pingInterval;
        Duration idleTimeout;
        Duration drainTimeout;
        int requestsPerSecond;
        int requestBurst;
        int floodRefusals;
        int apiPerSecond;
        int apiBurst;
        int maxRoomsPerConnection;
        int maxMembersPerRoom;
        int outboundQueueMessages;
        int outboundQueueBytes;
        Duration checkInValidity;
        Set<String> checkInExemptOrgs = Set.of();
        int careVersionsKept;
        boolean alertOnCheckIn;
        final Map<Severity, Duration> ackTimeouts = new EnumMap<>(Severity.class);
        Duration engagementTimeout;
        Duration followUpDelay;
        Duration redeliveryInterval;

        @Nullable
        Path auditFile;

        List<URI> webhookUrls = List.of();

        @Nullable
        String webhookSecret;

        @Nullable
        String vapidPublicKey;

        @Nullable
        String vapidPrivateKey;

        @Nullable
        String pushSubject;

        List<String> pushServices = List.of();
        Duration pushTtl;
        boolean pageWhenAway;

        @Nullable
        Path crisisResourcesFile;

        List<String> stunUrls = List.of();
        List<String> turnUrls = List.of();

        @Nullable
        String turnSecret;

        Duration turnCredentialTtl;
        Duration coverageTimeout;
        Duration recoveryWindow;
        Duration recoveryGrace;
        Duration mailboxTtl;
        int mailboxPerDevice;
        boolean dmBetweenClinicians;
        int maxConnections;
        int maxConnectionsPerUser;

        @Nullable
        String adminToken;

        @Nullable
        Path tlsCertificate;

        @Nullable
        Path tlsPrivateKey;

        @Nullable
        String logLevel;

        LogFormat logFormat;

        @Nullable
        String redisUrl;

        Duration leaseTtl;

        @Nullable
        Path dataDirectory;

        @Nullable
        String databaseUrl;

        boolean redisPersistenceRequired;
        Duration recordRetention;

        @Nullable
        String auditKey;

        Duration auditRetention;

        // Every field not @Nullable has a default in Settings, which this loop reads in: NullAway
        // cannot see through the table, so its initialisation check alone is suppressed here.
        @SuppressWarnings("NullAway.Init")
        private Builder() {
            for (Settings.Setting s : Settings.all()) {
                if (s.defaultText() != null) {
                    s.read().accept(this, s.defaultText());
                }
            }
        }

        private Builder(ServerConfig c) {
            mode = c.mode;
            Transport t = c.transport;
            host = t.host();
            port = t.port();
            publicUrl = t.publicUrl();
            allowedOrigins = t.allowedOrigins();
            tlsCertificate = t.tlsCertificate();
            tlsPrivateKey = t.tlsPrivateKey();
            maxFrameBytes = t.maxFrameBytes();
            helloTimeout = t.helloTimeout();
            pingInterval = t.pingInterval();
            idleTimeout = t.idleTimeout();
            drainTimeout = t.drainTimeout();
            outboundQueueMessages = t.outboundQueueMessages();
            outboundQueueBytes = t.outboundQueueBytes();
            maxConnections = t.maxConnections();
            maxConnectionsPerUser = t.maxConnectionsPerUser();
            Auth a = c.auth;
            hmacSecret = a.hmacSecret();
            publicKeyPem = a.publicKeyPem();
            jwksFile = a.jwksFile();
            issuer = a.issuer();
            audience = a.audience();
            clockSkew = a.clockSkew();
            adminToken = a.adminToken();
            Requests r = c.requests;
            requestsPerSecond = r.requestsPerSecond();
            requestBurst = r.requestBurst();
            floodRefusals = r.floodRefusals();
            apiPerSecond = r.apiPerSecond();
            apiBurst = r.apiBurst();
            maxRoomsPerConnection = r.maxRoomsPerConnection();
            Rooms m = c.rooms;
            maxMembersPerRoom = m.maxMembersPerRoom();
            maxChatChars = m.maxChatChars();
            coverageTimeout = m.coverageTimeout();
            recoveryWindow = m.recoveryWindow();
            recoveryGrace = m.recoveryGrace();
            stunUrls = m.stunUrls();
            turnUrls = m.turnUrls();
            turnSecret = m.turnSecret();
            turnCredentialTtl = m.turnCredentialTtl();
            checkInValidity = c.care.checkInValidity();
            checkInExemptOrgs = c.care.checkInExemptOrgs();
            crisisResourcesFile = c.care.crisisResourcesFile();
            careVersionsKept = c.care.versionsKept();
            Alerting al = c.alerts;
            alertOnCheckIn = al.alertOnCheckIn();
            ackTimeouts.putAll(al.ackTimeouts());
            engagementTimeout = al.engagementTimeout();
            followUpDelay = al.followUpDelay();
            redeliveryInterval = al.redeliveryInterval();
            webhookUrls = al.webhookUrls();
            webhookSecret = al.webhookSecret();
            Paging pg = c.paging;
            vapidPublicKey = pg.vapidPublicKey();
            vapidPrivateKey = pg.vapidPrivateKey();
            pushSubject = pg.subject();
            pushServices = pg.services();
            pushTtl = pg.ttl();
            pageWhenAway = pg.pageWhenAway();
            mailboxTtl = c.chat.mailboxTtl();
            mailboxPerDevice = c.chat.mailboxPerDevice();
            dmBetweenClinicians = c.chat.dmBetweenClinicians();
            auditFile = c.storage.auditFile();
            redisUrl = c.storage.redisUrl();
            leaseTtl = c.storage.leaseTtl();
            dataDirectory = c.storage.dataDirectory();
            databaseUrl = c.storage.databaseUrl();
            redisPersistenceRequired = c.storage.redisPersistenceRequired();
            auditKey = c.storage.auditKey();
            auditRetention = c.storage.auditRetention();
            recordRetention = c.storage.recordRetention();
            logLevel = c.logging.logLevel();
            logFormat = c.logging.logFormat();
        }

        public Builder host(String v) {
            host = v;
            return this;
        }

        public Builder port(int v) {
            port = v;
            return this;
        }

        public Builder mode(Mode v) {
            mode = v;
            return this;
        }

        public Builder hmacSecret(@Nullable String v) {
            hmacSecret = v;
            return this;
        }

        public Builder publicKeyPem(@Nullable Path v) {
            publicKeyPem = v;
            return this;
        }

        public Builder jwksFile(@Nullable Path v) {
            jwksFile = v;
            return this;
        }

        public Builder issuer(String v) {
            issuer = v;
            return this;
        }

        public Builder audience(String v) {
            audience = v;
            return this;
        }

        public Builder clockSkew(Duration v) {
            clockSkew = v;
            return this;
        }

        /**
         * The address browsers reach this node at ({@code https://haven.example.org}): its origin is
         * the node's own, allowed to open a WebSocket; null leaves the node without one.
         */
        public Builder publicUrl(@Nullable URI v) {
            publicUrl = v;
            return this;
        }

        public Builder allowedOrigins(List<String> v) {
            allowedOrigins = v;
            return this;
        }

        public Builder maxFrameBytes(int v) {
            maxFrameBytes = v;
            return this;
        }

        public Builder maxChatChars(int v) {
            maxChatChars = v;
            return this;
        }

        public Builder helloTimeout(Duration v) {
            helloTimeout = v;
            return this;
        }

        public Builder pingInterval(Duration v) {
            pingInterval = v;
            return this;
        }

        public Builder idleTimeout(Duration v) {
            idleTimeout = v;
            return this;
        }

        public Builder drainTimeout(Duration v) {
            drainTimeout = v;
            return this;
        }

        public Builder requestsPerSecond(int v) {
            requestsPerSecond = v;
            return this;
        }

        public Builder requestBurst(int v) {
            requestBurst = v;
            return this;
        }

        /** Server API calls a second per service credential, on average. */
        public Builder apiPerSecond(int v) {
            apiPerSecond = v;
            return this;
        }

        /** Server API calls a service may make at once past its rate. */
        public Builder apiBurst(int v) {
            apiBurst = v;
            return this;
        }

        public Builder floodRefusals(int v) {
            floodRefusals = v;
            return this;
        }

        public Builder maxRoomsPerConnection(int v) {
            maxRoomsPerConnection = v;
            return this;
        }

        public Builder maxMembersPerRoom(int v) {
            maxMembersPerRoom = v;
            return this;
        }

        public Builder outboundQueueMessages(int v) {
            outboundQueueMessages = v;
            return this;
        }

        public Builder outboundQueueBytes(int v) {
            outboundQueueBytes = v;
            return this;
        }

        public Builder checkInValidity(Duration v) {
            checkInValidity = v;
            return this;
        }

        public Builder careVersionsKept(int v) {
            careVersionsKept = v;
            return this;
        }

        public Builder recordRetention(Duration v) {
            recordRetention = v;
            return this;
        }

        public Builder checkInExemptOrgs(Set<String> v) {
            checkInExemptOrgs = v;
            return this;
        }

        public Builder alertOnCheckIn(boolean v) {
            alertOnCheckIn = v;
            return this;
        }
        /**
         * The audit trail's JSON-lines file, for a single node; {@code null} keeps the trail with the
         * durable records (the database; a file in the data directory with Redis only; else memory).
         */
        public Builder auditFile(@Nullable Path v) {
            auditFile = v;
            return this;
        }

        /**
         * The key sealing the audit trail (base64, at least 32 bytes); null: the key file in the data
         * directory, made on first start (a random key per process without one).
         */
        public Builder auditKey(@Nullable String v) {
            auditKey = v;
            return this;
        }

        /** How long audit records are kept in the database before housekeeping removes them. */
        public Builder auditRetention(Duration v) {
            auditRetention = v;
            return this;
        }

        public Builder webhookUrls(List<URI> v) {
            webhookUrls = v;
            return this;
        }

        public Builder webhookSecret(@Nullable String v) {
            webhookSecret = v;
            return this;
        }

        public Builder vapidPublicKey(@Nullable String v) {
            vapidPublicKey = v;
            return this;
        }

        public Builder vapidPrivateKey(@Nullable String v) {
            vapidPrivateKey = v;
            return this;
        }

        public Builder pushSubject(@Nullable String v) {
            pushSubject = v;
            return this;
        }

        public Builder pushServices(List<String> v) {
            pushServices = v;
            return this;
        }

        public Builder pushTtl(Duration v) {
            pushTtl = v;
            return this;
        }

        public Builder pageWhenAway(boolean v) {
            pageWhenAway = v;
            return this;
        }

        public Builder crisisResourcesFile(@Nullable Path v) {
            crisisResourcesFile = v;
            return this;
        }

        public Builder stunUrls(List<String> v) {
            stunUrls = v;
            return this;
        }

        public Builder turnUrls(List<String> v) {
            turnUrls = v;
            return this;
        }

        public Builder turnSecret(@Nullable String v) {
            turnSecret = v;
            return this;
        }

        public Builder turnCredentialTtl(Duration v) {
            turnCredentialTtl = v;
            return this;
        }

        public Builder coverageTimeout(Duration v) {
            coverageTimeout = v;
            return this;
        }

        public Builder recoveryWindow(Duration v) {
            recoveryWindow = v;
            return this;
        }

        public Builder recoveryGrace(Duration v) {
            recoveryGrace = v;
            return this;
        }

        public Builder mailboxTtl(Duration v) {
            mailboxTtl = v;
            return this;
        }

        public Builder mailboxPerDevice(int v) {
            mailboxPerDevice = v;
            return this;
        }

        public Builder dmBetweenClinicians(boolean v) {
            dmBetweenClinicians = v;
            return this;
        }

        public Builder maxConnections(int v) {
            maxConnections = v;
            return this;
        }

        public Builder maxConnectionsPerUser(int v) {
            maxConnectionsPerUser = v;
            return this;
        }

        public Builder adminToken(@Nullable String v) {
            adminToken = v;
            return this;
        }

        public Builder tls(@Nullable Path certificate, @Nullable Path privateKey) {
            tlsCertificate = certificate;
            tlsPrivateKey = privateKey;
            return this;
        }

        public Builder tlsCertificate(@Nullable Path v) {
            tlsCertificate = v;
            return this;
        }

        public Builder tlsPrivateKey(@Nullable Path v) {
            tlsPrivateKey = v;
            return this;
        }

        public Builder logLevel(@Nullable String v) {
            logLevel = v;
            return this;
        }

        public Builder logFormat(LogFormat v) {
            logFormat = v;
            return this;
        }
        /** Redis for every engine (a cluster of nodes shares it); null keeps everything in memory. */
        public Builder redisUrl(@Nullable String v) {
            redisUrl = v;
            return this;
        }

        /** How long a node's and an organisation's lease last without renewal (renewed every quarter). */
        public Builder leaseTtl(Duration v) {
            leaseTtl = v;
            return this;
        }

        /**
         * Where a node without Redis or a database keeps its durable records (an SQLite file, made on
         * first start); null keeps them in memory only (tests, embedding).
         */
        public Builder dataDirectory(@Nullable Path v) {
            dataDirectory = v;
            return this;
        }

        /** A PostgreSQL database for the durable records (the nodes of a cluster share it); null: none. */
        public Builder databaseUrl(@Nullable String v) {
            databaseUrl = v;
            return this;
        }

        /**
         * In production, with the durable records in Redis: whether a node is ready only while Redis
         * keeps them on disk (RDB snapshots or the AOF).
         */
        public Builder redisPersistenceRequired(boolean v) {
            redisPersistenceRequired = v;
            return this;
        }
        /** The time {@code severity} may wait for an acknowledgement before the next tier is added. */
        public Builder ackTimeout(Severity severity, Duration v) {
            ackTimeouts.put(severity, v);
            return this;
        }

        public Builder engagementTimeout(Duration v) {
            engagementTimeout = v;
            return this;
        }

        public Builder followUpDelay(Duration v) {
            followUpDelay = v;
            return this;
        }

        public Builder redeliveryInterval(Duration v) {
            redeliveryInterval = v;
            return this;
        }

        /** Builds, then checks every setting's rule ({@link Settings}); a bad setting fails with its name. */
        public ServerConfig build() {
            ServerConfig config = new ServerConfig(
                    mode,
                    new Transport(
                            host,
                            port,
                            publicUrl,
                            allowedOrigins,
                            tlsCertificate,
                            tlsPrivateKey,
                            maxFrameBytes,
                            helloTimeout,
                            pingInterval,
                            idleTimeout,
                            drainTimeout,
                            outboundQueueMessages,
                            outboundQueueBytes,
                            maxConnections,
                            maxConnectionsPerUser),
                    new Auth(hmacSecret, publicKeyPem, jwksFile, issuer, audience, clockSkew, adminToken),
                    new Requests(
                            requestsPerSecond,
                            requestBurst,
                            floodRefusals,
                            maxRoomsPerConnection,
                            apiPerSecond,
                            apiBurst),
                    new Rooms(
                            maxMembersPerRoom,
                            maxChatChars,
                            coverageTimeout,
                            recoveryWindow,
                            recoveryGrace,
                            stunUrls,
                            turnUrls,
                            turnSecret,
                            turnCredentialTtl),
                    new Care(checkInValidity, checkInExemptOrgs, crisisResourcesFile, careVersionsKept),
                    new Alerting(
                            alertOnCheckIn,
                            ackTimeouts,
                            engagementTimeout,
                            followUpDelay,
                            redeliveryInterval,
                            webhookUrls,
                            webhookSecret),
                    new Paging(vapidPublicKey, vapidPrivateKey, pushSubject, pushServices, pushTtl, pageWhenAway),
                    new Chat(mailboxTtl, mailboxPerDevice, dmBetweenClinicians),
                    new Storage(
                            auditFile,
                            auditKey,
                            auditRetention,
                            redisUrl,
                            leaseTtl,
                            dataDirectory,
                            databaseUrl,
                            redisPersistenceRequired,
                            recordRetention),
                    new Logging(logLevel == null ? null : logLevel.toUpperCase(Locale.ROOT), logFormat));
            Settings.check(config);
            return config;
        }
    }
}
