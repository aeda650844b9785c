package org.haven.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.haven.protocol.Care;
import org.haven.protocol.ClientMessage;
import org.haven.server.care.CareService;
import org.jspecify.annotations.Nullable;

/**
 * A client's care record through the API: new versions of the emergency contacts, of the safety
 * plan and of the assessed risk exactly as {@code care.contacts.set}, {@code care.plan.set} and
 * {@code care.risk.set} make them (the same records and checks, the same {@link CareService}, audit
 * and size caps), and the current record as {@code care.record} carries it. The client is always of
 * the service's own organisation.
 *
 * <p>Threading: stateless; runs on the API's thread, the store answers on its own.
 */
final class CareEndpoints {

    /** The request id the protocol's records are built with (they carry one; nothing answers it). */
    private static final String REQUEST_ID = "api";

    /** {@code PUT …/care/contacts}: the new list, as in {@code care.contacts.set}. */
    record ContactsBody(@Nullable List<Care.EmergencyContact> contacts) {}

    /** {@code PUT …/care/plan}: the new plan, as in {@code care.plan.set}. */
    record PlanBody(Care.@Nullable SafetyPlan plan) {}

    /** {@code PUT …/care/risk}: the assessment, as in {@code care.risk.set} (source and time optional). */
    record RiskBody(
            Care.@Nullable RiskLevel level,
            Care.@Nullable RiskSource source,
            @Nullable Instant assessedAt) {}

    /** The answer to a PUT: the client and the version just stored. */
    record CareVersion(String client, long version) {}

    /** The current record: contacts, plan and risk, each versioned; absent when never set. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CareRecord(
            String client,
            Care.@Nullable Versioned<List<Care.EmergencyContact>> contacts,
            Care.@Nullable Versioned<Care.SafetyPlan> plan,
            Care.@Nullable Versioned<Care.Risk> risk) {}

    private final CareService care;

    CareEndpoints(CareService care) {
        this.care = care;
    }

    CompletionStage<CareVersion> setContacts(ApiCall call) {
        ContactsBody body = call.body(ContactsBody.class);
        ClientMessage.ContactsSet message =
                call.validated(() -> new ClientMessage.ContactsSet(REQUEST_ID, call.param("client"), body.contacts()));
        return care.setContacts(call.service(), message).thenApply(v -> new CareVersion(v.client(), v.version()));
    }

    CompletionStage<CareVersion> setPlan(ApiCall call) {
        PlanBody body = call.body(PlanBody.class);
        ClientMessage.PlanSet message =
                call.validated(() -> new ClientMessage.PlanSet(REQUEST_ID, call.param("client"), body.plan()));
        return care.setPlan(call.service(), message).thenApply(v -> new CareVersion(v.client(), v.version()));
    }

    CompletionStage<CareVersion> setRisk(ApiCall call) {
        RiskBody body = call.body(RiskBody.class);
        ClientMessage.RiskSet message = call.validated(() -> new ClientMessage.RiskSet(
                REQUEST_ID, call.param("client"), body.level(), body.source(), body.assessedAt()));
        return care.setRisk(call.service(), message).thenApply(v -> new CareVersion(v.client(), v.version()));
    }

    CompletionStage<CareRecord> read(ApiCall call) {
        return care.readRecord(call.service(), call.param("client"))
                .thenApply(r -> new CareRecord(r.client(), r.contacts(), r.plan(), r.risk()));
    }
}
