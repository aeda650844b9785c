package org.haven.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.haven.server.audit.AuditReader;
import org.haven.server.auth.Scope;
import org.haven.server.auth.ServicePrincipal;
import org.junit.jupiter.api.Test;

/** The audit export's endpoint without a database: a reader whose pages the test completes. */
class AuditEndpointsTest {

    private static final Instant FROM = Instant.parse("2026-12-01T00:00:00Z");

    /** The pages asked for, in order, each completed by the test. */
    private final List<CompletableFuture<AuditReader.Page>> asked = new ArrayList<>();

    /** The cursors they were asked with. */
    private final List<AuditReader.Cursor> cursors = new ArrayList<>();

    private final AuditEndpoints endpoints = new AuditEndpoints((org, from, to, after, limit) -> {
        CompletableFuture<AuditReader.Page> page = new CompletableFuture<>();
        asked.add(page);
        cursors.add(after);
        return page;
    });

    private CompletionStage<ApiResponse> export(String org) {
        return export(org, Map.of());
    }

    private CompletionStage<ApiResponse> export(String org, Map<String, String> more) {
        ServicePrincipal archive =
                new ServicePrincipal("archive", org, Set.of(Scope.AUDIT_READ), "jti-" + org, FROM.plusSeconds(600));
        Map<String, String> query = new HashMap<>(more);
        query.put("from", FROM.toString());
        query.put("to", FROM.plusSeconds(60).toString());
        return endpoints.export(new ApiCall(archive, Map.of(), query, new byte[0]));
    }

    @Test
    void theCursorCarriesTheRunFromPageToPage() {
        CompletableFuture<ApiResponse> first = export("demo").toCompletableFuture();
        assertThat(cursors).containsExactly(AuditReader.Cursor.after(0));
        asked.get(0).complete(new AuditReader.Page(List.of("{}"), new AuditReader.Cursor(2, 1, 8)));
        assertThat(first.join().headers())
                .containsEntry("Haven-Next-After", "2-1-8")
                .containsEntry(
                        "Link",
                        "</api/v1/audit?from=" + FROM + "&to=" + FROM.plusSeconds(60)
                                + "&after=2-1-8&limit=1000>; rel=\"next\"");

        export("demo", Map.of("after", "2-1-8"));
        export("other", Map.of("after", "6"));
        assertThat(cursors)
                .containsExactly(
                        AuditReader.Cursor.after(0), new AuditReader.Cursor(2, 1, 8), AuditReader.Cursor.after(6));
    }

    @Test
    void aCursorThatIsNotOneIsInvalid() {
        for (String after : List.of("-1", "2-1", "2-1-8-9", "2-0-8", "2-9-8", "2--8", "2-1-x", "", "2-1-8 ")) {
            assertThatThrownBy(() -> export("demo", Map.of("after", after)))
                    .as(after)
                    .isInstanceOfSatisfying(
                            ApiRefusal.class,
                            refused -> assertThat(refused.error()).isEqualTo(ApiError.INVALID_MESSAGE));
        }
        assertThat(asked).isEmpty();
    }

    private static AuditReader.Page page() {
        return new AuditReader.Page(List.of("{\"seq\":1}"), null);
    }

    @Test
    void aSecondExportOfAnOrganisationWhileItsPageIsReadIsRateLimitedWithRetryAfter() {
        CompletableFuture<ApiResponse> first = export("demo").toCompletableFuture();

        assertThatThrownBy(() -> export("demo")).isInstanceOfSatisfying(ApiRefusal.class, refused -> {
            ApiResponse response = refused.toResponse();
            assertThat(response.status()).isEqualTo(429);
            assertThat(response.error()).isEqualTo(ApiError.RATE_LIMITED);
            assertThat(response.headers()).containsEntry("Retry-After", "1");
        });
        assertThat(asked).as("the second never reached the database").hasSize(1);
        CompletableFuture<ApiResponse> other = export("other").toCompletableFuture();
        assertThat(asked).as("another organisation's export is not held back").hasSize(2);

        asked.get(0).complete(page());
        assertThat(first.join().status()).isEqualTo(200);
        export("demo");
        assertThat(asked).as("once the page has answered, the next is read").hasSize(3);
        asked.get(1).complete(page());
        assertThat(other.join().status()).isEqualTo(200);
    }

    @Test
    void aPageThatFailsEndsTheExportToo() {
        CompletableFuture<ApiResponse> failed = export("demo").toCompletableFuture();
        asked.get(0).completeExceptionally(new IllegalStateException("the database is down"));
        assertThat(failed).isCompletedExceptionally();

        export("demo");
        assertThat(asked).hasSize(2);
    }
}
