package org.haven.server.alert;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.haven.server.audit.AuditTrail;
import org.haven.server.care.CareService;
import org.haven.server.care.CareStore;
import org.haven.server.care.CrisisResources;
import org.haven.server.care.RoomAffiliations;
import org.haven.server.threads.NodeThreads;
import org.haven.server.webhook.WebhookNotifier;

/** The alert service of the in-process tests: the default policy, no check-in alerts, its deadlines ticked by hand. */
final class InProcessAlerts {

    private InProcessAlerts() {}

    static AlertService over(
            AlertStore store,
            CareStore care,
            AuditTrail audit,
            WebhookNotifier webhooks,
            Clock clock,
            NodeThreads threads) {
        return over(store, care, audit, webhooks, AlertPaging.NONE, clock, threads);
    }

    /** As above, paging through {@code paging}. */
    static AlertService over(
            AlertStore store,
            CareStore care,
            AuditTrail audit,
            WebhookNotifier webhooks,
            AlertPaging paging,
            Clock clock,
            NodeThreads threads) {
        return new AlertService(
                store,
                new CareService(
                        care,
                        new RoomAffiliations(),
                        CrisisResources.load(null),
                        audit,
                        clock,
                        Duration.ofHours(1),
                        Set.of()),
                audit,
                webhooks,
                paging,
                clock,
                EscalationPolicy.defaults(),
                false,
                new SimpleMeterRegistry(),
                threads,
                null);
    }
}
