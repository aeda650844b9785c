package org.haven.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.haven.server.config.ServerConfig;
import org.junit.jupiter.api.Test;

/** Log lines in the two formats an operator can choose. */
class LogSetupTest {

    private final LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
    private final Logger logger = context.getLogger("org.haven.server.alert.AlertService");

    private String encode(ServerConfig.LogFormat format, LoggingEvent event) {
        return new String(LogSetup.encoder(format, context).encode(event), StandardCharsets.UTF_8);
    }

    @Test
    void jsonIsOneObjectPerLineWithTheFormattedMessage() throws Exception {
        LoggingEvent event = new LoggingEvent(
                "fqcn",
                logger,
                Level.WARN,
                "alert undelivered alert={} org={}",
                new IllegalStateException("no responder"),
                new Object[] {"a-1f2e", "org-7"});
        String line = encode(ServerConfig.LogFormat.JSON, event);
        assertThat(line).endsWith("\n").doesNotContain("\n{");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("level").asText()).isEqualTo("WARN");
        assertThat(json.get("loggerName").asText()).isEqualTo("org.haven.server.alert.AlertService");
        assertThat(json.get("formattedMessage").asText()).isEqualTo("alert undelivered alert=a-1f2e org=org-7");
        assertThat(json.has("timestamp")).isTrue();
        assertThat(json.get("throwable").toString()).contains("IllegalStateException");
    }

    @Test
    void textIsOnePlainLine() {
        LoggingEvent event =
                new LoggingEvent("fqcn", logger, Level.INFO, "listening port={}", null, new Object[] {8080});
        assertThat(encode(ServerConfig.LogFormat.TEXT, event))
                .contains("INFO", "listening port=8080")
                .endsWith("\n");
    }
}
