package org.haven.server.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.haven.protocol.E2e;
import org.haven.server.chat.KeyDirectory;
import org.haven.server.presence.UserRef;
import org.haven.server.storage.StoredJson;
import org.jspecify.annotations.Nullable;

/**
 * {@link KeyDirectory} in the SQL database: a row per device (its bundle, without a one-time
 * prekey) and a row per one-time prekey. The work on one user's keys runs on one lane, in the order
 * called. Holds public keys only.
 *
 * <p>Across nodes (PostgreSQL): publishing first upserts the device's row, which locks it until the
 * commit, and reads the bundle it replaces in the same statement, so two publications of a device
 * never both report the same previous identity. A one-time prekey is taken by one statement that
 * deletes the lowest one and returns it ({@code DELETE … WHERE seq = (SELECT MIN(seq) …) RETURNING
 * body}): when two nodes take the same one at once, the row lock lets one delete it and the other
 * deletes nothing, and tries the next; so each is handed out at most once. Prekeys carry the
 * generation of the publication they came with, and a fetch takes only those of the bundle it read,
 * so a prekey is never paired with a bundle it was not published with (a publication in between
 * leaves that fetch without a one-time prekey, as a run-out supply does).
 */
public final class SqlKeyDirectory implements KeyDirectory {

    /**
     * Makes the device's row if new (last in the user's order, no bundle yet) or locks it; counts
     * the publication; replies the bundle it had ({@code ''} when new) and the new generation.
     */
    private static final String CLAIM = """
            INSERT INTO key_devices (org, user_id, device, seq, generation, body)
            SELECT ?, ?, ?, COALESCE(MAX(seq), 0) + 1, 1, '' FROM key_devices WHERE org = ? AND user_id = ?
            ON CONFLICT (org, user_id, device) DO UPDATE SET generation = key_devices.generation + 1
            RETURNING body, generation
            """;

    private static final String TAKE_PREKEY = """
            DELETE FROM one_time_prekeys
            WHERE org = ? AND user_id = ? AND device = ? AND generation = ? AND seq = (
              SELECT MIN(seq) FROM one_time_prekeys
              WHERE org = ? AND user_id = ? AND device = ? AND generation = ?)
            RETURNING body
            """;

    /** How many times a fetch tries for a prekey that other nodes keep taking first. */
    private static final int TAKE_ATTEMPTS = 5;

    private final SqlDatabase db;

    public SqlKeyDirectory(SqlDatabase db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    private static String lane(UserRef user) {
        return "keys:" + user.org() + "/" + user.user();
    }

    @Override
    public CompletionStage<Optional<String>> publish(
            UserRef user, E2e.DeviceBundle bundle, List<E2e.Prekey> oneTimePrekeys) {
        E2e.DeviceBundle stored = KeyDirectory.storedForm(bundle);
        String body = StoredJson.write(stored);
        List<String> prekeys = oneTimePrekeys.stream().map(StoredJson::write).toList();
        return db.run(lane(user), c -> {
            String previous;
            long generation;
            try (PreparedStatement s = c.prepareStatement(CLAIM)) {
                s.setString(1, user.org());
                s.setString(2, user.user());
                s.setString(3, bundle.device());
                s.setString(4, user.org());
                s.setString(5, user.user());
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    previous = r.getString(1);
                    generation = r.getLong(2);
                }
            }
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE key_devices SET body = ? WHERE org = ? AND user_id = ? AND device = ?")) {
                s.setString(1, body);
                s.setString(2, user.org());
                s.setString(3, user.user());
                s.setString(4, bundle.device());
                s.executeUpdate();
            }
            try (PreparedStatement s =
                    c.prepareStatement("DELETE FROM one_time_prekeys WHERE org = ? AND user_id = ? AND device = ?")) {
                s.setString(1, user.org());
                s.setString(2, user.user());
                s.setString(3, bundle.device());
                s.executeUpdate();
            }
            if (!prekeys.isEmpty()) {
                try (PreparedStatement s = c.prepareStatement("""
                        INSERT INTO one_time_prekeys (org, user_id, device, generation, seq, body)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """)) {
                    for (int i = 0; i < prekeys.size(); i++) {
                        s.setString(1, user.org());
                        s.setString(2, user.user());
                        s.setString(3, bundle.device());
                        s.setLong(4, generation);
                        s.setLong(5, i + 1);
                        s.setString(6, prekeys.get(i));
                        s.addBatch();
                    }
                    s.executeBatch();
                }
            }
            return previous == null || previous.isEmpty()
                    ? Optional.<String>empty()
                    : Optional.of(
                            StoredJson.read(previous, E2e.DeviceBundle.class).fingerprint());
        });
    }

    private record Published(String body, long generation) {}

    @Override
    public CompletionStage<List<E2e.DeviceBundle>> fetch(UserRef user) {
        return db.run(lane(user), c -> {
            List<Published> devices = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT body, generation FROM key_devices WHERE org = ? AND user_id = ?
                    ORDER BY seq, device
                    """)) {
                s.setString(1, user.org());
                s.setString(2, user.user());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        devices.add(new Published(r.getString(1), r.getLong(2)));
                    }
                }
            }
            List<E2e.DeviceBundle> out = new ArrayList<>(devices.size());
            for (Published d : devices) {
                E2e.DeviceBundle b = StoredJson.read(d.body(), E2e.DeviceBundle.class);
                E2e.Prekey oneTime = take(c, user, b.device(), d.generation());
                out.add(new E2e.DeviceBundle(
                        b.device(), b.identityKey(), b.signingKey(), b.signedPrekey(), oneTime, b.fingerprint()));
            }
            return List.copyOf(out);
        });
    }

    /**
     * Deletes and returns the device's lowest one-time prekey of {@code generation}; null when none
     * is left. When another node deletes the same one at the same moment, ours deletes nothing: it
     * tries again while any are left (each failed try means another node got one).
     */
    private static E2e.@Nullable Prekey take(Connection c, UserRef user, String device, long generation)
            throws SQLException {
        for (int attempt = 0; attempt < TAKE_ATTEMPTS; attempt++) {
            try (PreparedStatement s = c.prepareStatement(TAKE_PREKEY)) {
                for (int base : new int[] {0, 4}) {
                    s.setString(base + 1, user.org());
                    s.setString(base + 2, user.user());
                    s.setString(base + 3, device);
                    s.setLong(base + 4, generation);
                }
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        return StoredJson.read(r.getString(1), E2e.Prekey.class);
                    }
                }
            }
            if (!anyLeft(c, user, device, generation)) {
                return null;
            }
        }
        return null;
    }

    private static boolean anyLeft(Connection c, UserRef user, String device, long generation) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT 1 FROM one_time_prekeys
                WHERE org = ? AND user_id = ? AND device = ? AND generation = ? LIMIT 1
                """)) {
            s.setString(1, user.org());
            s.setString(2, user.user());
            s.setString(3, device);
            s.setLong(4, generation);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    @Override
    public CompletionStage<List<String>> devices(UserRef user) {
        return db.query(lane(user), c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT device FROM key_devices WHERE org = ? AND user_id = ? ORDER BY seq, device")) {
                s.setString(1, user.org());
                s.setString(2, user.user());
                List<String> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(r.getString(1));
                    }
                }
                return List.copyOf(out);
            }
        });
    }
}
