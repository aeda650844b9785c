package org.haven.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    @Test
    void withoutAnAllowlistOnlyTheServersOwnOriginIsAllowed() {
        OriginPolicy policy = new OriginPolicy(List.of());
        assertThat(policy.permits("http://localhost:8080", "localhost:8080")).isTrue();
        assertThat(policy.permits("http://evil.example", "localhost:8080")).isFalse();
        assertThat(policy.permits("null", "localhost:8080")).isFalse();
    }

    @Test
    void anAllowlistIsMatchedExactlyIgnoringCaseAndTrailingSlash() {
        OriginPolicy policy = new OriginPolicy(List.of("https://Care.example/"));
        assertThat(policy.permits("https://care.example", "haven.example")).isTrue();
        assertThat(policy.permits("https://care.example.evil.example", "haven.example"))
                .isFalse();
        assertThat(policy.permits("http://care.example", "haven.example")).isFalse();
    }

    @Test
    void nonBrowserClientsWithoutAnOriginAreAllowed() {
        assertThat(new OriginPolicy(List.of("https://care.example")).permits(null, "x"))
                .isTrue();
    }

    @Test
    void aWildcardAllowsAny() {
        assertThat(new OriginPolicy(List.of("*")).permits("https://anything.example", "x"))
                .isTrue();
    }
}
