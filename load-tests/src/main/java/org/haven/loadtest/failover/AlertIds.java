package org.haven.loadtest.failover;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The id of the alert a help press makes, as the server gives it (docs/architecture.md, "A
 * stand-in for a silent node": a hash of the connection id, as the node holding the connection
 * knows it, and the request id, the same on the node serving the organisation and on a stand-in;
 * {@code AlertIntake.idOfPress}). With it, a press that got no {@code alert.received} answer (an
 * {@code alert_unconfirmed}, or none at all) is still matched to the alert it made, if it made one.
 */
final class AlertIds {

    private AlertIds() {}

    static String ofPress(String connection, String request) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((connection + "\n" + request).getBytes(StandardCharsets.UTF_8));
            return "a-" + Long.toHexString(ByteBuffer.wrap(digest).getLong() & Long.MAX_VALUE);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
