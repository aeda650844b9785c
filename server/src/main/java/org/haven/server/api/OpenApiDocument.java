package org.haven.server.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The API's OpenAPI 3.1 description ({@code docs/openapi.json}, copied into the jar at
 * {@value #RESOURCE}), served as it is at {@code GET /api/v1/openapi.json}. A jar without it does
 * not start.
 *
 * <p>Threading: immutable.
 */
final class OpenApiDocument {

    static final String RESOURCE = "/api/openapi.json";

    private final String json;

    private OpenApiDocument(String json) {
        this.json = json;
    }

    static OpenApiDocument fromClassPath() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the jar has no " + RESOURCE + " (docs/openapi.json)");
            }
            return new OpenApiDocument(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    CompletionStage<ApiResponse> serve(ApiCall call) {
        return CompletableFuture.completedFuture(new ApiResponse(200, json, Map.of("Cache-Control", "no-cache")));
    }
}
