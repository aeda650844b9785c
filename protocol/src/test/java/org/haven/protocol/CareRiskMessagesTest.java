package org.haven.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * {@code care.risk.set}: a level of the three, for a named client; its source and the time of the
 * assessment optional. Anything else is {@code invalid_message}, naming the field.
 */
class CareRiskMessagesTest {

    private final ProtocolCodec codec = ProtocolCodec.instance();
    private final ProtocolSchema schema = ProtocolSchema.instance();

    /** The codec's refusal of {@code frame}, which the schema refuses too. */
    private Decoded.Invalid invalid(String frame) {
        assertThat(schema.validateClient(frame))
                .as("the schema refuses it too: %s", frame)
                .isNotEmpty();
        return refused(frame);
    }

    private Decoded.Invalid refused(String frame) {
        Decoded decoded = codec.decodeClient(frame);
        assertThat(decoded).as(frame).isInstanceOf(Decoded.Invalid.class);
        Decoded.Invalid invalid = (Decoded.Invalid) decoded;
        assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_MESSAGE);
        return invalid;
    }

    @Test
    void aLevelAloneIsARisk() {
        String frame = "{\"type\":\"care.risk.set\",\"id\":\"7\",\"client\":\"u-alice\",\"level\":\"moderate\"}";
        assertThat(schema.validateClient(frame)).isEmpty();
        Decoded decoded = codec.decodeClient(frame);
        assertThat(decoded)
                .isEqualTo(new Decoded.Message(
                        new ClientMessage.RiskSet("7", "u-alice", Care.RiskLevel.MODERATE, null, null)));
        assertThat(((ClientMessage.RiskSet) ((Decoded.Message) decoded).message()).risk())
                .isEqualTo(new Care.Risk(Care.RiskLevel.MODERATE, null, null));
    }

    @Test
    void theSourceAndTheTimeOfTheAssessmentTravelWithIt() {
        String frame = "{\"type\":\"care.risk.set\",\"id\":\"7\",\"client\":\"u-alice\",\"level\":\"high\","
                + "\"source\":\"c_ssrs\",\"assessedAt\":\"2026-11-26T15:30:00Z\"}";
        assertThat(schema.validateClient(frame)).isEmpty();
        assertThat(codec.decodeClient(frame))
                .isEqualTo(new Decoded.Message(new ClientMessage.RiskSet(
                        "7",
                        "u-alice",
                        Care.RiskLevel.HIGH,
                        Care.RiskSource.C_SSRS,
                        Instant.parse("2026-11-26T15:30:00Z"))));
        assertThat(codec.encode(new ClientMessage.RiskSet("7", "u-alice", Care.RiskLevel.LOW, null, null)))
                .as("what is not said is left out, and risk() is no field of the message")
                .isEqualTo("{\"type\":\"care.risk.set\",\"id\":\"7\",\"client\":\"u-alice\",\"level\":\"low\"}");
    }

    @Test
    void aRiskNeedsAClientAndOneOfTheThreeLevels() {
        assertThat(invalid("{\"type\":\"care.risk.set\",\"id\":\"7\",\"level\":\"high\"}")
                        .reason())
                .isEqualTo("client: missing");
        assertThat(invalid("{\"type\":\"care.risk.set\",\"id\":\"7\",\"client\":\"u-alice\"}")
                        .reason())
                .isEqualTo("level: missing");
        assertThat(invalid("{\"type\":\"care.risk.set\",\"id\":\"7\",\"client\":\"u-alice\",\"level\":\"imminent\"}")
                        .reason())
                .as("imminent is a severity of an alert, not a level of risk")
                .startsWith("level: ");
        assertThat(invalid("{\"type\":\"care.risk.set\",\"id\":\"7\",\"client\":\"u-alice\",\"level\":\"high\","
                                + "\"source\":\"a hunch\"}")
                        .reason())
                .startsWith("source: ");
        // The schema's date-time is an annotation to its validators; the codec checks it.
        assertThat(refused("{\"type\":\"care.risk.set\",\"id\":\"7\",\"client\":\"u-alice\",\"level\":\"high\","
                                + "\"assessedAt\":\"yesterday\"}")
                        .reason())
                .startsWith("assessedAt: ");
    }
}
