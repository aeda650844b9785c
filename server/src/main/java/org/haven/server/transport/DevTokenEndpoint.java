package org.haven.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.haven.protocol.Role;
import org.haven.server.auth.DevTokens;
import org.haven.server.auth.Scope;

/**
 * {@code POST /dev/token}: the console's demo sign-in. Mints a dev token for
 * {@code {"sub", "role", "org", "rooms": [...], "name"?}}, or a service credential for the server
 * API for {@code {"service", "org", "scope"}}. The route exists only in dev mode, where
 * the signing secret is public anyway; in production mode it is a 404 like any unknown path.
 */
final class DevTokenEndpoint {

    static final String PATH = "/dev/token";
    static final Duration TTL = Duration.ofHours(8);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._~-]{1,64}");
    private static final int MAX_ROOMS = 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DevTokens tokens;

    DevTokenEndpoint(DevTokens tokens) {
        this.tokens = tokens;
    }

    HttpReply handle(FullHttpRequest request) {
        if (!HttpMethod.POST.equals(request.method())) {
            return HttpReply.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed");
        }
        try {
            JsonNode body = JSON.readTree(request.content().toString(StandardCharsets.UTF_8));
            if (body == null || !body.isObject()) {
                throw new IllegalArgumentException("expected a JSON object");
            }
            if (body.has("service")) {
                return serviceCredential(body);
            }
            String sub = id(body, "sub");
            Role role = Role.fromWire(body.path("role").asText(""));
            if (role == null) {
                throw new IllegalArgumentException("role: expected client, clinician, supervisor or support");
            }
            String org = id(body, "org");
            List<String> rooms = new ArrayList<>();
            for (JsonNode room : body.path("rooms")) {
                if (!room.isTextual() || !ID.matcher(room.asText()).matches() || rooms.size() == MAX_ROOMS) {
                    throw new IllegalArgumentException("rooms: up to " + MAX_ROOMS + " room ids");
                }
                rooms.add(room.asText());
            }
            String name = body.hasNonNull("name") ? body.get("name").asText() : null;
            if (name != null && (name.isBlank() || name.length() > 64)) {
                throw new IllegalArgumentException("name: 1..64 characters");
            }
            String token = tokens.mint(sub, role, org, rooms, name, TTL);
            return HttpReply.json(
                    HttpResponseStatus.OK,
                    JSON.createObjectNode()
                            .put("token", token)
                            .put("expiresInSeconds", TTL.toSeconds())
                            .toString());
        } catch (IOException | IllegalArgumentException e) {
            String message = e instanceof IOException ? "malformed JSON" : e.getMessage();
            return HttpReply.json(
                    HttpResponseStatus.BAD_REQUEST,
                    JSON.createObjectNode()
                            .put("error", "bad_request")
                            .put("message", message)
                            .toString());
        }
    }

    /** {@code {"service", "org", "scope"}}: a service credential for trying the server API. */
    private HttpReply serviceCredential(JsonNode body) {
        String name = id(body, "service");
        String org = id(body, "org");
        String scope = body.path("scope").asText("");
        Set<Scope> scopes = Scope.parse(scope);
        if (scopes.isEmpty() || scopes.size() != scope.trim().split("\\s+").length) {
            throw new IllegalArgumentException("scope: space-separated, of "
                    + String.join(
                            " ", Arrays.stream(Scope.values()).map(Scope::wire).toList()));
        }
        String token = tokens.mintService(name, org, scopes, TTL);
        return HttpReply.json(
                HttpResponseStatus.OK,
                JSON.createObjectNode()
                        .put("token", token)
                        .put("expiresInSeconds", TTL.toSeconds())
                        .toString());
    }

    private static String id(JsonNode body, String field) {
        String value = body.path(field).asText("");
        if (!ID.matcher(value).matches()) {
            throw new IllegalArgumentException(field + ": 1..64 of A-Z a-z 0-9 . _ ~ -");
        }
        return value;
    }
}
