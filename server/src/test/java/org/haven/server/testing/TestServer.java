package org.haven.server.testing;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.haven.client.ClientOptions;
import org.haven.client.HavenClient;
import org.haven.protocol.ProtocolSchema;
import org.haven.protocol.Role;
import org.haven.server.Engines;
import org.haven.server.HavenServer;
import org.haven.server.auth.DevTokens;
import org.haven.server.config.ServerConfig;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Haven server on a free loopback port for each test, with dev tokens and clients from the
 * client library. Every frame any client receives is validated against the published JSON Schema;
 * a frame that does not conform fails the test.
 */
public final class TestServer implements BeforeEachCallback, AfterEachCallback {

    private final UnaryOperator<ServerConfig.Builder> customize;
    private final Clock clock;
    private final java.util.Map<HavenClient, Role> roles = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<HavenClient> clients = new CopyOnWriteArrayList<>();
    private final List<String> schemaViolations = new CopyOnWriteArrayList<>();
    private HavenServer server;
    private Engines engines;
    private DevTokens tokens;

    public TestServer() {
        this(b -> b);
    }

    public TestServer(UnaryOperator<ServerConfig.Builder> customize) {
        this(customize, Clock.systemUTC());
    }

    /** A server whose time is {@code clock} (a {@link MutableClock} lets a test move it). */
    public TestServer(UnaryOperator<ServerConfig.Builder> customize, Clock clock) {
        this.customize = customize;
        this.clock = clock;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        ServerConfig config = customize
                .apply(ServerConfig.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .clockSkew(Duration.ofSeconds(1))
                        .drainTimeout(Duration.ofSeconds(2))
                        .auditFile(null)
                        .dataDirectory(null))
                .build();
        server = HavenServer.start(config, clock, com.github.benmanes.caffeine.cache.Ticker.systemTicker());
        engines = server.engines();
        tokens = new DevTokens(
                config.auth().hmacSecret(),
                config.auth().issuer(),
                config.auth().audience(),
                Clock.systemUTC());
    }

    /**
     * Stops this node and starts another on the same engines and clock (a new port): what a node
     * taking over after another's loss finds. Clients connected to the old node are closed.
     */
    public HavenServer restart() throws InterruptedException {
        ServerConfig config = server.config();
        server.close();
        server = HavenServer.start(config, clock, com.github.benmanes.caffeine.cache.Ticker.systemTicker(), engines);
        return server;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (HavenClient client : clients) {
            client.close();
        }
        clients.clear();
        roles.clear();
        if (server != null) {
            server.close();
        }
        if (!schemaViolations.isEmpty()) {
            List<String> found = List.copyOf(schemaViolations);
            schemaViolations.clear();
            throw new AssertionError(
                    "the server sent frames that do not conform to the published schema:\n" + String.join("\n", found));
        }
    }

    public HavenServer server() {
        return server;
    }

    public URI uri() {
        return URI.create((server.config().transport().tlsCertificate() != null ? "wss" : "ws") + "://127.0.0.1:"
                + server.port() + "/ws");
    }

    public String httpBase() {
        return "http://127.0.0.1:" + server.port();
    }

    /** A dev token valid for an hour. */
    public String token(String sub, Role role, String org, String... rooms) {
        return tokens.mint(sub, role, org, List.of(rooms), "Name of " + sub, Duration.ofHours(1));
    }

    /** A dev token with a given lifetime. */
    public String token(String sub, Role role, String org, Duration ttl, String... rooms) {
        return tokens.mint(sub, role, org, List.of(rooms), null, ttl);
    }

    /** A service credential for the server API, valid for an hour. */
    public String serviceToken(String name, String org, org.haven.server.auth.Scope... scopes) {
        return tokens.mintService(name, org, List.of(scopes), Duration.ofHours(1));
    }

    /** The minter of this node's dev tokens (for tokens of other shapes). */
    public DevTokens tokens() {
        return tokens;
    }

    /** A client of this node's server API whose every exchange is checked against the OpenAPI document. */
    public ApiClient api() {
        return new ApiClient(this::httpBase);
    }

    /** Connects without saying hello. */
    public HavenClient connect() throws Exception {
        return connect(ClientOptions.defaults());
    }

    /** Connects with options, adding the schema check to them. */
    public HavenClient connect(ClientOptions options) throws Exception {
        java.util.function.Consumer<String> theirs = options.frameListener();
        java.util.function.Consumer<String> listener = theirs == null
                ? this::validate
                : text -> {
                    validate(text);
                    theirs.accept(text);
                };
        HavenClient client =
                HavenClient.connect(uri(), options.withFrameListener(listener)).get(10, TimeUnit.SECONDS);
        clients.add(client);
        return client;
    }

    /** Connects and authenticates as {@code sub}. */
    public HavenClient login(String sub, Role role, String org, String... rooms) throws Exception {
        HavenClient client = connect();
        client.hello(token(sub, role, org, rooms)).get(10, TimeUnit.SECONDS);
        roles.put(client, role);
        return client;
    }

    /** Joins a room; a client first confirms a location for the session, as a real one must. */
    public org.haven.protocol.Result.RoomSnapshot join(HavenClient client, String room) throws Exception {
        if (roles.get(client) == Role.CLIENT) {
            checkIn(client, room);
        }
        return client.call(
                        id -> new org.haven.protocol.ClientMessage.RoomJoin(id, room),
                        org.haven.protocol.Result.RoomSnapshot.class)
                .get(10, TimeUnit.SECONDS);
    }

    /** A client's check-in for a room, at a planted test address. */
    public org.haven.protocol.Care.CheckIn checkIn(HavenClient client, String room) throws Exception {
        return client.call(
                        id -> new org.haven.protocol.ClientMessage.CheckInSubmit(
                                id, room, ADDRESS, null, "+1 217 555 0100", true),
                        org.haven.protocol.Result.CheckInRecorded.class)
                .get(10, TimeUnit.SECONDS)
                .checkIn();
    }

    /** The address test clients check in from. */
    public static final org.haven.protocol.Care.Address ADDRESS =
            new org.haven.protocol.Care.Address("12 Elm Street", "Apt 3", "Springfield", "IL", "62701", "US");

    private void validate(String frame) {
        List<String> errors = ProtocolSchema.instance().validateServer(frame);
        if (!errors.isEmpty()) {
            schemaViolations.add(frame + " -> " + errors);
        }
    }
}
