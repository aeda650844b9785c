package org.haven.loadtest.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * The memory of the Socket.IO peer's node process: resident memory from {@code /proc}, the heap
 * from the peer's {@code /stats} (which runs a full collection first when node was started with
 * {@code --expose-gc}, as the comparison script does).
 */
final class NodeProbe extends ProcessProbe {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI statsUrl;
    // HTTP/1.1: an HTTP/2 upgrade request would be taken for a WebSocket upgrade by the peer's Engine.IO.
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    NodeProbe(ProcessMemory memory, URI statsUrl) {
        super(memory);
        this.statsUrl = statsUrl;
    }

    @Override
    public OptionalLong heapAfterGcBytes() {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(statsUrl)
                            .timeout(Duration.ofSeconds(20))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode stats = JSON.readTree(response.body());
            if (response.statusCode() != 200 || !stats.path("gc").asBoolean() || !stats.has("heapUsed")) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(stats.get("heapUsed").asLong());
        } catch (IOException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }
}
