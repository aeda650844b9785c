package org.haven.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Calls the server API of a test node over real HTTP, and checks every request and response against
 * the OpenAPI document ({@link OpenApiValidator}): an exchange it does not describe fails the test at
 * once.
 */
public final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<String> base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A client of the node at {@code base} ({@code http://127.0.0.1:<port>}), read at each call. */
    public ApiClient(Supplier<String> base) {
        this.base = base;
    }

    /** An answer: its status, headers (names in lower case) and body. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        /** The error code of a refusal's body. */
        public String code() {
            return json().path("error").path("code").asText();
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    public Answer get(String path, String token) {
        return send("GET", path, token, "", Map.of());
    }

    public Answer post(String path, String token, String body) {
        return send("POST", path, token, body, Map.of());
    }

    public Answer put(String path, String token, String body) {
        return send("PUT", path, token, body, Map.of());
    }

    /**
     * Sends a request ({@code token} null: no Authorization; {@code body} empty: none) and checks the
     * exchange against the document.
     */
    public Answer send(String method, String path, String token, String body, Map<String, String> headers) {
        Map<String, String> sent = new LinkedHashMap<>(headers);
        if (token != null) {
            sent.put("Authorization", "Bearer " + token);
        }
        if (!body.isEmpty()) {
            sent.putIfAbsent("Content-Type", "application/json");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.get() + path))
                .timeout(Duration.ofSeconds(20)) // beyond a forwarded call's 10 s wait for its answer
                .method(
                        method,
                        body.isEmpty()
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body));
        sent.forEach(request::header);
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        Map<String, String> received = new HashMap<>();
        response.headers()
                .map()
                .forEach((name, values) -> received.put(name.toLowerCase(java.util.Locale.ROOT), values.get(0)));
        List<String> problems = OpenApiValidator.instance()
                .check(new OpenApiValidator.Exchange(
                        method, path, sent, body, response.statusCode(), received, response.body()));
        assertThat(problems)
                .as(
                        "%s %s -> %s %s: what the OpenAPI document does not describe",
                        method, path, response.statusCode(), response.body())
                .isEmpty();
        return new Answer(response.statusCode(), received, response.body());
    }
}
