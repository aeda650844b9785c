package org.haven.server.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.haven.client.HavenClient;
import org.haven.protocol.Alerts;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.Push;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.testing.LogCapture;
import org.haven.server.testing.PostgresProcess;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real PostgreSQL crashes while an alert is raised, and comes back: the clinician connected gets
 * the alert at once, and the one of its tier who is not connected is paged once the database answers
 * again. Whom to page is read from the database; a read that failed used to lose the step's pages.
 */
class PagingAcrossADatabaseOutageIT {

    private static final String GROUP = "group-1";

    private static PostgresProcess postgres;

    @BeforeAll
    static void startPostgres() {
        postgres = PostgresProcess.start();
    }

    @AfterAll
    static void stopPostgres() {
        postgres.close();
    }

    private final LocalPushService pushService = LocalPushService.start();
    private final VapidKeys vapid = VapidKeys.generate("mailto:ops@example.org");

    @RegisterExtension
    final TestServer haven = new TestServer(b -> b.databaseUrl(postgres.newDatabase())
            .vapidPublicKey(vapid.publicKey())
            .vapidPrivateKey(vapid.privateKey())
            .pushSubject(vapid.subject())
            .pushServices(List.of("http://127.0.0.1:" + pushService.port())));

    @AfterEach
    void stopPushService() {
        pushService.close();
    }

    @Test
    void aStepsPagesWaitForTheDatabaseToComeBackAndAreNotLost() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", GROUP);
        LocalPushService.Subscriber laptop = pushService.subscribe();
        bo.call(
                        id -> new ClientMessage.PushSubscribe(
                                id,
                                "laptop",
                                laptop.endpoint().toString(),
                                new Push.Keys(laptop.p256dh(), laptop.auth())),
                        Result.PushSubscribed.class)
                .get(5, TimeUnit.SECONDS);
        bo.close(); // off-line: paged
        // Connected: the alert reaches someone, so nothing pages this step again on its own.
        HavenClient cy = haven.login("dr-cy", Role.CLINICIAN, "demo", GROUP);
        haven.join(cy, GROUP);
        HavenClient alice = haven.login("alice", Role.CLIENT, "demo", GROUP);
        haven.checkIn(alice, GROUP);
        haven.join(alice, GROUP);

        postgres.crash();
        try {
            alice.request(id -> new ClientMessage.AlertRaise(id, GROUP, null, Alerts.Severity.HIGH));
            ServerMessage.AlertNotice notice =
                    cy.awaitEvent(ServerMessage.AlertNotice.class, n -> true, Duration.ofSeconds(3));
            assertThat(notice).as("the connected clinician is told at once").isNotNull();
            String read =
                    "paging: subscriptions not read alert=" + notice.alert().id();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> LogCapture.lines().stream().anyMatch(l -> l.startsWith(read)));
            assertThat(pushService.requests(laptop))
                    .as("nobody paged while the database is down")
                    .isEmpty();
        } finally {
            postgres.startAgain();
        }

        LocalPushService.Push page = pushService.awaitPush(laptop, Duration.ofSeconds(40));
        assertThat(page).as("paged once the database answered again").isNotNull();
        Awaitility.await()
                .during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .until(() -> pushService.requests(laptop).size() == 1);
    }
}
