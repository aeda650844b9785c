package org.haven.server.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.haven.protocol.E2e;
import org.haven.server.chat.Mailbox;
import org.haven.server.presence.UserRef;
import org.haven.server.storage.StoredJson;

/**
 * {@link Mailbox} in the SQL database: a row per waiting message (its envelope as JSON, its order
 * and expiry), and a row per device that has been sent one. Every operation that is given a time
 * first deletes the device's messages expired by then, and never returns one. The work on one
 * device's mailbox runs on one lane, in the order called. Holds opaque envelopes only.
 *
 * <p>Across nodes (PostgreSQL): a put first upserts the device's row, which locks it until the
 * commit and numbers the message; so puts to one device run one after the other whichever nodes
 * make them, and the bound and the order hold. The device's row stays when its mailbox empties (a
 * few bytes): deleting it could let a put racing the delete start the numbering again. Times come
 * from the caller, as with the other mailboxes.
 */
public final class SqlMailbox implements Mailbox {

    /** Makes or locks the device's row, and replies the number of the message being put. */
    private static final String NUMBER = """
            INSERT INTO mailbox_devices (org, user_id, device, last_seq) VALUES (?, ?, ?, 1)
            ON CONFLICT (org, user_id, device) DO UPDATE SET last_seq = mailbox_devices.last_seq + 1
            RETURNING last_seq
            """;

    /** A message put again (same id) keeps its place and takes the new envelope and expiry. */
    private static final String INSERT = """
            INSERT INTO mailbox_messages (org, user_id, device, id, seq, expires_at, body)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (org, user_id, device, id) DO UPDATE SET expires_at = excluded.expires_at, body = excluded.body
            """;

    private final SqlDatabase db;
    private final int perDevice;

    /** A mailbox holding at most {@code perDevice} messages for each device. */
    public SqlMailbox(SqlDatabase db, int perDevice) {
        if (perDevice < 1) {
            throw new IllegalArgumentException("perDevice: " + perDevice + " (expected: > 0)");
        }
        this.db = Objects.requireNonNull(db, "db");
        this.perDevice = perDevice;
    }

    private static String lane(UserRef user, String device) {
        return "mailbox:" + user.org() + "/" + user.user() + "/" + device;
    }

    @Override
    public CompletionStage<Boolean> put(UserRef user, String device, E2e.DirectMessage message, Instant expiresAt) {
        String body = StoredJson.write(message);
        return db.run(lane(user, device), c -> {
            long seq;
            try (PreparedStatement s = c.prepareStatement(NUMBER)) {
                bind(s, user, device);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    seq = r.getLong(1);
                }
            }
            prune(c, user, device, message.sentAt());
            if (held(c, user, device, message.sentAt()) >= perDevice) {
                return false;
            }
            try (PreparedStatement s = c.prepareStatement(INSERT)) {
                bind(s, user, device);
                s.setString(4, message.message());
                s.setLong(5, seq);
                s.setLong(6, expiresAt.toEpochMilli());
                s.setString(7, body);
                s.executeUpdate();
            }
            return true;
        });
    }

    @Override
    public CompletionStage<List<E2e.DirectMessage>> pending(UserRef user, String device, Instant now) {
        return db.run(lane(user, device), c -> {
            prune(c, user, device, now);
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT body FROM mailbox_messages
                    WHERE org = ? AND user_id = ? AND device = ? AND expires_at > ?
                    ORDER BY seq
                    """)) {
                bind(s, user, device);
                s.setLong(4, now.toEpochMilli());
                List<E2e.DirectMessage> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(StoredJson.read(r.getString(1), E2e.DirectMessage.class));
                    }
                }
                return List.copyOf(out);
            }
        });
    }

    @Override
    public CompletionStage<Void> acknowledge(UserRef user, String device, List<String> messageIds) {
        if (messageIds.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<String> ids = List.copyOf(messageIds);
        return db.run(lane(user, device), c -> {
                    try (PreparedStatement s = c.prepareStatement(
                            "DELETE FROM mailbox_messages WHERE org = ? AND user_id = ? AND device = ? AND id = ?")) {
                        for (String id : ids) {
                            bind(s, user, device);
                            s.setString(4, id);
                            s.addBatch();
                        }
                        s.executeBatch();
                    }
                    return 0;
                })
                .thenApply(done -> null);
    }

    @Override
    public CompletionStage<Integer> space(UserRef user, String device, Instant now) {
        return db.run(lane(user, device), c -> {
            prune(c, user, device, now);
            return perDevice - held(c, user, device, now);
        });
    }

    /** Deletes the device's messages expired at {@code now}. */
    private static void prune(Connection c, UserRef user, String device, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "DELETE FROM mailbox_messages WHERE org = ? AND user_id = ? AND device = ? AND expires_at <= ?")) {
            bind(s, user, device);
            s.setLong(4, now.toEpochMilli());
            s.executeUpdate();
        }
    }

    /** How many unexpired messages the device holds at {@code now}. */
    private static int held(Connection c, UserRef user, String device, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT COUNT(*) FROM mailbox_messages
                WHERE org = ? AND user_id = ? AND device = ? AND expires_at > ?
                """)) {
            bind(s, user, device);
            s.setLong(4, now.toEpochMilli());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    private static void bind(PreparedStatement s, UserRef user, String device) throws SQLException {
        s.setString(1, user.org());
        s.setString(2, user.user());
        s.setString(3, device);
    }
}
