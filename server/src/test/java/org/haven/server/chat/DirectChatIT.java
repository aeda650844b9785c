package org.haven.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.haven.client.HavenClient;
import org.haven.client.crypto.DeviceKeys;
import org.haven.client.crypto.DirectCipher;
import org.haven.client.crypto.Suite;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.E2e;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.ProtocolCodec;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.protocol.ServerMessage;
import org.haven.server.testing.LogCapture;
import org.haven.server.testing.MutableClock;
import org.haven.server.testing.Replies;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Guarantee 4 over real WebSockets: the server relays the discreet chat and cannot read it. */
class DirectChatIT {

    static final Duration WAIT = Duration.ofSeconds(5);
    static final String SECRET_TEXT = "my safety word is PINEAPPLE-7731 and I feel unsafe tonight";

    final MutableClock clock = new MutableClock(Instant.now());

    @RegisterExtension
    final TestServer haven = new TestServer(b -> b.mailboxPerDevice(3).mailboxTtl(Duration.ofMinutes(30)), clock);

    record Device(HavenClient client, DeviceKeys keys) {}

    Device device(String user, Role role, String name, String... rooms) throws Exception {
        HavenClient client = haven.login(user, role, "demo", rooms);
        DeviceKeys keys = DeviceKeys.generate(name, Suite.X25519, 5);
        publish(client, keys);
        return new Device(client, keys);
    }

    static Result.KeysPublished publish(HavenClient client, DeviceKeys keys) throws Exception {
        E2e.DeviceBundle b = keys.publicBundle();
        return client.call(
                        id -> new ClientMessage.KeysPublish(
                                id,
                                b.device(),
                                b.identityKey(),
                                b.signingKey(),
                                b.signedPrekey(),
                                keys.oneTimePrekeys()),
                        Result.KeysPublished.class)
                .get(5, TimeUnit.SECONDS);
    }

    static E2e.DeviceBundle fetchOne(HavenClient client, String user) throws Exception {
        return client.call(id -> new ClientMessage.KeysFetch(id, user), Result.KeyBundles.class)
                .get(5, TimeUnit.SECONDS)
                .devices()
                .get(0);
    }

    @Test
    void anEncryptedMessageGoesBothWaysAndTheServerHoldsNoPlaintext() throws Exception {
        Device alice = device("alice", Role.CLIENT, "alice-phone", "group-1");
        Device bo = device("dr-bo", Role.CLINICIAN, "bo-laptop", "group-1");

        E2e.DeviceBundle boBundle = fetchOne(alice.client(), "dr-bo");
        assertThat(boBundle.oneTimePrekey()).isNotNull();
        assertThat(boBundle.fingerprint()).isEqualTo(bo.keys().fingerprint());
        E2e.Envelope sealed = DirectCipher.seal(alice.keys(), "alice", boBundle, "dr-bo", SECRET_TEXT);
        Result.DmSent sent = alice.client()
                .call(id -> new ClientMessage.DmSend(id, "dr-bo", List.of(sealed)), Result.DmSent.class)
                .get(5, TimeUnit.SECONDS);
        assertThat(sent.delivered()).isEqualTo(1);

        ServerMessage.DmMessage got = bo.client().awaitEvent(ServerMessage.DmMessage.class, m -> true, WAIT);
        assertThat(got.message().from()).isEqualTo("alice");
        E2e.DeviceBundle aliceBundle = fetchOne(bo.client(), "alice");
        assertThat(DirectCipher.open(
                        bo.keys(), "dr-bo", aliceBundle, "alice", got.message().envelope()))
                .isEqualTo(SECRET_TEXT);

        String reply = "I hear you. Can you go to the kitchen and call Sam? I'm calling you now.";
        E2e.Envelope back = DirectCipher.seal(bo.keys(), "dr-bo", fetchOne(bo.client(), "alice"), "alice", reply);
        bo.client()
                .request(id -> new ClientMessage.DmSend(id, "alice", List.of(back)))
                .get(5, TimeUnit.SECONDS);
        ServerMessage.DmMessage answer = alice.client().awaitEvent(ServerMessage.DmMessage.class, m -> true, WAIT);
        assertThat(DirectCipher.open(
                        alice.keys(),
                        "alice",
                        boBundle,
                        "dr-bo",
                        answer.message().envelope()))
                .isEqualTo(reply);

        // Nothing the server stores, or logs, contains the plaintext.
        for (E2e.DirectMessage stored :
                ((org.haven.server.chat.InMemoryMailbox) haven.server().mailbox()).everything()) {
            String json = ProtocolCodec.instance().encode(new ServerMessage.DmMessage(stored));
            assertThat(json)
                    .doesNotContain("PINEAPPLE")
                    .doesNotContain("unsafe")
                    .doesNotContain("kitchen");
        }
        assertThat(((org.haven.server.chat.InMemoryMailbox) haven.server().mailbox()).everything())
                .hasSize(2);
        assertThat(LogCapture.lines())
                .noneMatch(l -> l.contains("PINEAPPLE") || l.contains("kitchen") || l.contains(sealed.ciphertext()));
    }

    @Test
    void anOfflineDeviceGetsItsMailOnConnectUntilItConfirms() throws Exception {
        Device alice = device("alice", Role.CLIENT, "alice-phone", "group-1");
        Device bo = device("dr-bo", Role.CLINICIAN, "bo-laptop", "group-1");
        E2e.DeviceBundle boBundle = fetchOne(alice.client(), "dr-bo");
        bo.client().close();
        // The node has seen the device go (its session closed), so the message can only be queued.
        org.awaitility.Awaitility.await()
                .atMost(WAIT)
                .until(() -> !haven.server()
                        .engines()
                        .presence()
                        .get(new org.haven.server.presence.UserRef("demo", "dr-bo"))
                        .toCompletableFuture()
                        .get(2, TimeUnit.SECONDS)
                        .online());

        E2e.Envelope sealed = DirectCipher.seal(alice.keys(), "alice", boBundle, "dr-bo", "are you there?");
        Result.DmSent sent = alice.client()
                .call(id -> new ClientMessage.DmSend(id, "dr-bo", List.of(sealed)), Result.DmSent.class)
                .get(5, TimeUnit.SECONDS);
        assertThat(sent.delivered()).isZero();
        assertThat(sent.queued()).isEqualTo(1);

        HavenClient boAgain = haven.connect();
        boAgain.hello(haven.token("dr-bo", Role.CLINICIAN, "demo", "group-1"), "bo-laptop", null, null)
                .get(5, TimeUnit.SECONDS);
        ServerMessage.DmMessage waiting = boAgain.awaitEvent(ServerMessage.DmMessage.class, m -> true, WAIT);
        assertThat(waiting.message().message()).isEqualTo(sent.message());
        boAgain.close(); // not confirmed: it comes again

        HavenClient third = haven.connect();
        third.hello(haven.token("dr-bo", Role.CLINICIAN, "demo", "group-1"), "bo-laptop", null, null)
                .get(5, TimeUnit.SECONDS);
        ServerMessage.DmMessage again = third.awaitEvent(ServerMessage.DmMessage.class, m -> true, WAIT);
        assertThat(DirectCipher.open(
                        bo.keys(),
                        "dr-bo",
                        fetchOne(third, "alice"),
                        "alice",
                        again.message().envelope()))
                .isEqualTo("are you there?");
        third.request(id -> new ClientMessage.DmAck(id, List.of(again.message().message())))
                .get(5, TimeUnit.SECONDS);
        third.close();

        HavenClient fourth = haven.connect();
        fourth.hello(haven.token("dr-bo", Role.CLINICIAN, "demo", "group-1"), "bo-laptop", null, null)
                .get(5, TimeUnit.SECONDS);
        assertThat(fourth.awaitEvent(ServerMessage.DmMessage.class, m -> true, Duration.ofMillis(500)))
                .isNull();
    }

    @Test
    void mailExpiresAndTheMailboxIsBounded() throws Exception {
        Device alice = device("alice", Role.CLIENT, "alice-phone", "group-1");
        Device bo = device("dr-bo", Role.CLINICIAN, "bo-laptop", "group-1");
        bo.client().close();
        for (int i = 0; i < 3; i++) {
            E2e.Envelope e =
                    DirectCipher.seal(alice.keys(), "alice", fetchOne(alice.client(), "dr-bo"), "dr-bo", "m" + i);
            alice.client()
                    .request(id -> new ClientMessage.DmSend(id, "dr-bo", List.of(e)))
                    .get(5, TimeUnit.SECONDS);
        }
        E2e.Envelope fourth =
                DirectCipher.seal(alice.keys(), "alice", fetchOne(alice.client(), "dr-bo"), "dr-bo", "m3");
        Replies.assertError(
                alice.client().request(id -> new ClientMessage.DmSend(id, "dr-bo", List.of(fourth))),
                ErrorCode.LIMIT_REACHED);

        clock.advance(Duration.ofMinutes(30).plusSeconds(1)); // the mailbox's time-to-live, 30 min in this test
        HavenClient boAgain = haven.connect();
        boAgain.hello(haven.token("dr-bo", Role.CLINICIAN, "demo", "group-1"), "bo-laptop", null, null)
                .get(5, TimeUnit.SECONDS);
        assertThat(boAgain.awaitEvent(ServerMessage.DmMessage.class, m -> true, Duration.ofMillis(500)))
                .isNull();
        assertThat(((org.haven.server.chat.InMemoryMailbox) haven.server().mailbox()).everything())
                .isEmpty();
    }

    @Test
    void onlyClientsAndTheirCliniciansOrCliniciansOfOneOrgMayChat() throws Exception {
        Device alice = device("alice", Role.CLIENT, "alice-phone", "group-1");
        Device carol = device("carol", Role.CLIENT, "carol-phone", "group-1");
        Device bo = device("dr-bo", Role.CLINICIAN, "bo-laptop", "group-1");
        Device stranger = device("dr-x", Role.CLINICIAN, "x-laptop", "group-9");
        HavenClient mum = haven.login("mum", Role.SUPPORT, "demo", "group-1");

        Replies.assertError(
                alice.client().request(id -> new ClientMessage.KeysFetch(id, "carol")), ErrorCode.FORBIDDEN);
        Replies.assertError(alice.client().request(id -> new ClientMessage.KeysFetch(id, "dr-x")), ErrorCode.FORBIDDEN);
        Replies.assertError(
                alice.client().request(id -> new ClientMessage.KeysFetch(id, "nobody")), ErrorCode.FORBIDDEN);
        Replies.assertError(mum.request(id -> new ClientMessage.KeysFetch(id, "dr-bo")), ErrorCode.FORBIDDEN);
        E2e.Envelope e = DirectCipher.seal(bo.keys(), "dr-bo", fetchOne(bo.client(), "alice"), "alice", "hi");
        Replies.assertError(
                carol.client().request(id -> new ClientMessage.DmSend(id, "alice", List.of(e))), ErrorCode.FORBIDDEN);
        assertThat(fetchOne(stranger.client(), "dr-bo").device()).isEqualTo("bo-laptop"); // clinicians of one org
        assertThat(fetchOne(bo.client(), "alice").device()).isEqualTo("alice-phone");
    }

    @Test
    void malformedEnvelopesAreRefusedByShape() throws Exception {
        Device alice = device("alice", Role.CLIENT, "alice-phone", "group-1");
        device("dr-bo", Role.CLINICIAN, "bo-laptop", "group-1");
        alice.client()
                .sendText(
                        "{\"type\":\"dm.send\",\"id\":\"b1\",\"to\":\"dr-bo\",\"envelopes\":[{\"device\":\"bo-laptop\","
                                + "\"senderDevice\":\"alice-phone\",\"algorithm\":\"rot13\",\"ephemeralKey\":\"AAAA\",\"nonce\":\"AAECAwQFBgcICQoL\","
                                + "\"ciphertext\":\"AAAA\"}]}");
        alice.client()
                .sendText(
                        "{\"type\":\"dm.send\",\"id\":\"b2\",\"to\":\"dr-bo\",\"envelopes\":[{\"device\":\"bo-laptop\","
                                + "\"senderDevice\":\"alice-phone\",\"algorithm\":\"x25519-hkdf-sha256-aes256gcm\",\"ephemeralKey\":\"AAAA\","
                                + "\"nonce\":\"AAECAwQFBgcICQoL\",\"ciphertext\":\"this is not base64!\"}]}");
        for (int i = 0; i < 2; i++) {
            ServerMessage.Error error = alice.client().awaitEvent(ServerMessage.Error.class, x -> true, WAIT);
            assertThat(error.code()).isEqualTo(ErrorCode.INVALID_MESSAGE);
        }
        E2e.Envelope wrongDevice = new E2e.Envelope(
                "bo-tablet", "alice-phone", E2e.X25519_AES_GCM, "AAAA", null, "AAECAwQFBgcICQoL", "AAAA");
        Replies.assertError(
                alice.client().request(id -> new ClientMessage.DmSend(id, "dr-bo", List.of(wrongDevice))),
                ErrorCode.NOT_FOUND);
    }

    @Test
    void eachOneTimePrekeyIsHandedOutOnce() throws Exception {
        Device alice = device("alice", Role.CLIENT, "alice-phone", "group-1");
        device("dr-bo", Role.CLINICIAN, "bo-laptop", "group-1"); // published 5 one-time prekeys
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < 5; i++) {
            E2e.Prekey oneTime = fetchOne(alice.client(), "dr-bo").oneTimePrekey();
            assertThat(oneTime).isNotNull();
            assertThat(seen.add(oneTime.keyId()))
                    .as("key %s handed out twice", oneTime.keyId())
                    .isTrue();
        }
        assertThat(fetchOne(alice.client(), "dr-bo").oneTimePrekey())
                .as("supply exhausted")
                .isNull();
    }

    @Test
    void aChangedIdentityKeyIsAnnouncedToChatPartners() throws Exception {
        Device alice = device("alice", Role.CLIENT, "alice-phone", "group-1");
        Device bo = device("dr-bo", Role.CLINICIAN, "bo-laptop", "group-1");
        fetchOne(bo.client(), "alice");
        DeviceKeys reinstalled = DeviceKeys.generate("alice-phone", Suite.X25519, 2);
        Result.KeysPublished republished = publish(alice.client(), reinstalled);
        assertThat(republished.fingerprint()).isNotEqualTo(alice.keys().fingerprint());
        ServerMessage.KeysChanged changed = bo.client().awaitEvent(ServerMessage.KeysChanged.class, k -> true, WAIT);
        assertThat(changed.user()).isEqualTo("alice");
        assertThat(changed.device()).isEqualTo("alice-phone");
        assertThat(changed.fingerprint()).isEqualTo(reinstalled.fingerprint());
    }
}
