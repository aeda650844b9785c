package org.haven.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input is answered with a documented code, and never quoted back. */
class ProtocolCodecTest {

    private final ProtocolCodec codec = ProtocolCodec.instance();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{not json                                         | malformed_json  |",
                "''                                                 | malformed_json  |",
                "[1,2]                                              | invalid_message |",
                "\"hello\"                                          | invalid_message |",
                "{\"id\":\"7\"}                                     | unknown_type    | 7",
                "{\"type\":\"launch.rockets\",\"id\":\"8\"}         | unknown_type    | 8",
                "{\"type\":\"room.join\",\"id\":\"9\"}              | invalid_message | 9",
                "{\"type\":\"room.join\",\"id\":\"10\",\"room\":5}  | invalid_message | 10",
                "{\"type\":\"room.join\",\"id\":11,\"room\":\"r\"}  | invalid_message |",
                "{\"type\":\"room.join\",\"id\":\"12\",\"room\":\"\"} | invalid_message | 12",
                "{\"type\":\"presence.set\",\"id\":\"13\",\"status\":\"asleep\"} | invalid_message | 13",
                "{\"type\":\"hello\",\"id\":\"14\",\"token\":\"t\",\"versions\":[]} | invalid_message | 14",
                "{\"type\":\"ping\",\"id\":\"15\"} trailing         | malformed_json  |",
                "null                                               | invalid_message |",
                "  null                                             | invalid_message |",
            })
    void refusesBadInputWithADocumentedCode(String frame, String code, String re) {
        Decoded decoded = codec.decodeClient(frame);
        assertThat(decoded).isInstanceOf(Decoded.Invalid.class);
        Decoded.Invalid invalid = (Decoded.Invalid) decoded;
        assertThat(invalid.code().wire()).isEqualTo(code);
        assertThat(invalid.id()).isEqualTo(re);
    }

    @Test
    void refusesDeepNesting() {
        String deep = "{\"type\":\"ping\",\"id\":\"1\",\"x\":" + "[".repeat(500) + "]".repeat(500) + "}";
        Decoded.Invalid invalid = (Decoded.Invalid) codec.decodeClient(deep);
        assertThat(invalid.code()).isEqualTo(ErrorCode.MESSAGE_TOO_COMPLEX);
    }

    @Test
    void refusesHugeNumbers() {
        String huge = "{\"type\":\"ping\",\"id\":\"1\",\"x\":" + "9".repeat(1000) + "}";
        Decoded.Invalid invalid = (Decoded.Invalid) codec.decodeClient(huge);
        assertThat(invalid.code()).isEqualTo(ErrorCode.MESSAGE_TOO_COMPLEX);
    }

    @Test
    void ignoresUnknownFieldsForForwardCompatibility() {
        assertThat(codec.decodeClient("{\"type\":\"ping\",\"id\":\"1\",\"future\":true}"))
                .isEqualTo(new Decoded.Message(new ClientMessage.Ping("1")));
    }

    @Test
    void neverQuotesThePayloadBack() {
        String secret = "123 Main Street";
        Decoded.Invalid invalid = (Decoded.Invalid)
                codec.decodeClient("{\"type\":\"room.join\",\"id\":\"1\",\"room\":{\"street\":\"" + secret + "\"}}");
        assertThat(invalid.reason()).doesNotContain(secret);
        Decoded.Invalid broken = (Decoded.Invalid) codec.decodeClient("{\"text\":\"" + secret + "\"");
        assertThat(broken.reason()).doesNotContain(secret);
    }

    /** A body of the server API: the records and limits of a frame, refusals as codes, never quoting. */
    record ContactsBody(java.util.List<Care.EmergencyContact> contacts) {}

    @Test
    void decodesABodyWithTheFramesLimitsAndChecks() {
        String secret = "123 Main Street";
        ContactsBody ok = codec.decodeBody(
                "{\"contacts\":[{\"name\":\"Jo\",\"relation\":\"sister\",\"phone\":\"+1 555 0100\","
                        + "\"consentToContact\":true}],\"unknown\":1}",
                ContactsBody.class);
        assertThat(ok.contacts()).extracting(Care.EmergencyContact::name).containsExactly("Jo");
        assertThat(codeOf("{\"contacts\":[{\"name\":\"Jo\",\"relation\":\"x\",\"phone\":\"" + secret + "\"}]}"))
                .isEqualTo(ErrorCode.INVALID_MESSAGE);
        assertThat(codeOf("{\"contacts\":[]," + secret + "}")).isEqualTo(ErrorCode.MALFORMED_JSON);
        assertThat(codeOf("{\"contacts\":5}")).isEqualTo(ErrorCode.INVALID_MESSAGE);
        assertThat(codeOf("null")).isEqualTo(ErrorCode.INVALID_MESSAGE);
        assertThat(codeOf(" ")).isEqualTo(ErrorCode.MALFORMED_JSON);
        assertThat(codeOf("{\"x\":" + "[".repeat(20) + "]".repeat(20) + "}")).isEqualTo(ErrorCode.MESSAGE_TOO_COMPLEX);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> codec.decodeBody(
                        "{\"contacts\":[{\"name\":\"Jo\",\"relation\":\"x\",\"phone\":\"" + secret + "\"}]}",
                        ContactsBody.class))
                .hasMessageNotContaining(secret);
        assertThat(codec.encodeValue(ok)).startsWith("{\"contacts\":[{\"name\":\"Jo\"");
    }

    private ErrorCode codeOf(String body) {
        try {
            codec.decodeBody(body, ContactsBody.class);
            throw new AssertionError("accepted");
        } catch (Refusal r) {
            return r.code();
        }
    }

    @Test
    void negotiatesTheHighestCommonVersion() {
        assertThat(ProtocolVersion.negotiate(java.util.List.of(0, 1, 99))).isEqualTo(1);
        assertThat(ProtocolVersion.negotiate(java.util.List.of(99))).isEqualTo(-1);
    }
}
