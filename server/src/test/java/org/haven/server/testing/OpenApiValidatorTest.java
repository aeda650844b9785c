package org.haven.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.haven.server.testing.OpenApiValidator.Exchange;
import org.junit.jupiter.api.Test;

/**
 * The checker of HTTP exchanges itself, on what only the audit export has so far: a body of JSON
 * lines (each line checked, the last ending with a line break) and query parameters (documented,
 * required, of their schema's type).
 */
class OpenApiValidatorTest {

    private static final String RECORD =
            "{\"seq\":1,\"at\":\"2026-12-01T10:00:00Z\",\"org\":\"demo\",\"actor\":\"dr-bo\","
                    + "\"action\":\"care.read\",\"subject\":\"client:demo/alice\",\"outcome\":\"ok\",\"details\":{},\"prev\":\""
                    + "0".repeat(64) + "\",\"hash\":\"" + "a".repeat(64) + "\"}";
    private static final String QUERY = "/api/v1/audit?from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z";
    private static final Map<String, String> AUTHORIZED = Map.of("Authorization", "Bearer x");

    private final OpenApiValidator validator = OpenApiValidator.instance();

    private static Exchange export(String path, String body) {
        return new Exchange("GET", path, AUTHORIZED, "", 200, Map.of("content-type", "application/x-ndjson"), body);
    }

    @Test
    void eachJsonLineIsCheckedAgainstTheResponsesSchema() {
        assertThat(validator.check(export(QUERY, RECORD + "\n" + RECORD + "\n")))
                .isEmpty();
        assertThat(validator.check(export(QUERY, ""))).isEmpty();
        assertThat(validator.check(export(QUERY, RECORD + "\n" + RECORD.replace("\"seq\":1", "\"seq\":0") + "\n")))
                .singleElement()
                .asString()
                .contains("line 2");
        assertThat(validator.check(export(QUERY, RECORD)))
                .anySatisfy(p -> assertThat(p).contains("line break"));
        assertThat(validator.check(new Exchange(
                        "GET", QUERY, AUTHORIZED, "", 200, Map.of("content-type", "application/json"), RECORD)))
                .anySatisfy(p -> assertThat(p).contains("does not document"));
    }

    @Test
    void queryParametersAreDocumentedRequiredAndOfTheirType() {
        assertThat(validator.check(export(QUERY + "&after=12&limit=100", ""))).isEmpty();
        assertThat(validator.check(export(QUERY + "&after=12-1-40&limit=100", "")))
                .isEmpty();
        assertThat(validator.check(export(QUERY + "&limit=9000", "")))
                .singleElement()
                .asString()
                .contains("limit");
        assertThat(validator.check(export(QUERY + "&after=x", "")))
                .singleElement()
                .asString()
                .contains("after");
        assertThat(validator.check(export(QUERY + "&org=other", "")))
                .singleElement()
                .asString()
                .contains("does not document: [org]");
        assertThat(validator.check(export("/api/v1/audit?from=2026-12-01T00:00:00Z", "")))
                .singleElement()
                .asString()
                .contains("without query parameter to");
    }
}
