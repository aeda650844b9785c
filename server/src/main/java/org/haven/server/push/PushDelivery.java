package org.haven.server.push;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One page for one subscription, as {@link PushSender#send} takes it: validated when built, so that
 * a bad subscription or payload is refused at the caller rather than failing later on a sender
 * thread. Arrays are copied in and out.
 *
 * <p>{@link #toString()} shows the id and the push service's host only: the rest of an endpoint is
 * a capability (whoever has it can push to the browser), and payloads and keys are private.
 *
 * @param id          an opaque id of the subscription, for logs and for the store when the push
 *                    service says the subscription is gone; never an endpoint
 * @param endpoint    the subscription's push endpoint (RFC 8030), http or https
 * @param p256dh      the subscription's P-256 public key, the 65-byte uncompressed point
 * @param auth        the subscription's 16-byte auth secret
 * @param payload     the plaintext, at most {@link PushEncryption#MAX_PLAINTEXT} bytes
 * @param topic       replaces an undelivered page with the same topic at the push service (RFC 8030
 *                    §5.4): at most 32 base64url characters; null for none
 * @param ttl         how long the push service may hold the page; null for {@link PushSettings#ttl()}
 * @param stillWanted asked on a sender thread before each attempt; false (say, the alert was
 *                    acknowledged meanwhile) ends the delivery unsent. It must be quick, must not
 *                    block and must be safe to call from any thread
 */
public record PushDelivery(
        String id,
        URI endpoint,
        byte[] p256dh,
        byte[] auth,
        byte[] payload,
        @Nullable String topic,
        @Nullable Duration ttl,
        BooleanSupplier stillWanted) {

    private static final int MAX_TOPIC = 32;
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");

    public PushDelivery {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("id: blank (expected: an opaque subscription id)");
        }
        VapidKeys.audience(endpoint);
        PushEncryption.checkKeys(p256dh, auth);
        Objects.requireNonNull(payload, "payload");
        if (payload.length > PushEncryption.MAX_PLAINTEXT) {
            throw new IllegalArgumentException(
                    "payload: " + payload.length + " bytes (expected: <= " + PushEncryption.MAX_PLAINTEXT + ")");
        }
        if (topic != null
                && (topic.length() > MAX_TOPIC || !BASE64URL.matcher(topic).matches())) {
            throw new IllegalArgumentException(
                    "topic: " + topic + " (expected: 1 to " + MAX_TOPIC + " base64url characters)");
        }
        if (ttl != null) {
            PushSettings.checkTtl(ttl, "ttl");
        }
        Objects.requireNonNull(stillWanted, "stillWanted");
        p256dh = p256dh.clone();
        auth = auth.clone();
        payload = payload.clone();
    }

    /** A page with no topic, the sender's TTL, wanted until it is sent. */
    public static PushDelivery of(String id, URI endpoint, byte[] p256dh, byte[] auth, byte[] payload) {
        return new PushDelivery(id, endpoint, p256dh, auth, payload, null, null, PushDelivery::always);
    }

    /** This page under {@code topic}: a newer page with the same topic replaces it if still undelivered. */
    public PushDelivery withTopic(@Nullable String topic) {
        return new PushDelivery(id, endpoint, p256dh, auth, payload, topic, ttl, stillWanted);
    }

    /** This page, held by the push service for at most {@code ttl}. */
    public PushDelivery withTtl(@Nullable Duration ttl) {
        return new PushDelivery(id, endpoint, p256dh, auth, payload, topic, ttl, stillWanted);
    }

    /** This page, sent only while {@code stillWanted} says so (see the record's description). */
    public PushDelivery onlyWhile(BooleanSupplier stillWanted) {
        return new PushDelivery(id, endpoint, p256dh, auth, payload, topic, ttl, stillWanted);
    }

    private static boolean always() {
        return true;
    }

    @Override
    public byte[] p256dh() {
        return p256dh.clone();
    }

    @Override
    public byte[] auth() {
        return auth.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public String toString() {
        return "PushDelivery[id=" + id + ", host=" + endpoint.getHost() + ", payload=" + payload.length
                + " bytes, topic=" + topic + ", ttl=" + ttl + "]";
    }
}
