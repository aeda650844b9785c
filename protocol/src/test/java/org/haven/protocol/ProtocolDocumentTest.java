package org.haven.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/protocol.md documents every message type, result kind, error code and close code. */
class ProtocolDocumentTest {

    private final String document = read();

    private static String read() {
        try {
            return Files.readString(Path.of("..", "docs", "protocol.md"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("docs/protocol.md is missing", e);
        }
    }

    @Test
    void documentsEveryMessageTypeAndResultKind() {
        for (Class<?> root : new Class<?>[] {ClientMessage.class, ServerMessage.class, Result.class}) {
            for (JsonSubTypes.Type type : root.getAnnotation(JsonSubTypes.class).value()) {
                assertThat(document).as(type.name()).contains("`" + type.name() + "`");
            }
        }
    }

    @Test
    void documentsEveryErrorCode() {
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(document).as(code.wire()).contains("| `" + code.wire() + "` |");
        }
    }

    @Test
    void documentsEveryCloseCode() {
        for (CloseCode code : CloseCode.values()) {
            assertThat(document).as(code.name()).contains("| " + code.code() + " |");
        }
    }
}
