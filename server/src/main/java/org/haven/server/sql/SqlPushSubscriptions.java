package org.haven.server.sql;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.haven.protocol.Role;
import org.haven.server.presence.UserRef;
import org.haven.server.push.PushSubscription;
import org.haven.server.push.PushSubscriptions;
import org.haven.server.storage.StoredJson;

/**
 * {@link PushSubscriptions} in the SQL database: a row per subscription ({@code push_subscriptions},
 * V6). A save is one transaction: the endpoint taken from another subscription, the user's on-call
 * flag, the upsert, and the user's oldest past the bound, each removed row read back as it is
 * deleted ({@code DELETE … RETURNING}). All of it runs on one lane: subscriptions change rarely.
 *
 * <p>Across nodes (PostgreSQL): two saves for one user on two nodes at the same moment may each miss
 * the other's row when they count, leaving the user one over the bound until their next save; every
 * other guarantee holds row by row.
 */
public final class SqlPushSubscriptions implements PushSubscriptions {

    private static final String LANE = "push-subscriptions";
    private static final String COLUMNS =
            "org, user_id, device, role, rooms, on_call, endpoint, p256dh, auth, subscribed_at";

    private static final String TAKE_ENDPOINT = "DELETE FROM push_subscriptions WHERE endpoint = ?"
            + " AND NOT (org = ? AND user_id = ? AND device = ?) RETURNING " + COLUMNS;
    private static final String SET_ON_CALL = "UPDATE push_subscriptions SET on_call = ? WHERE org = ? AND user_id = ?";
    private static final String UPSERT = "INSERT INTO push_subscriptions (" + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (org, user_id, device) DO UPDATE SET role = excluded.role, rooms = excluded.rooms,"
            + " on_call = excluded.on_call, endpoint = excluded.endpoint, p256dh = excluded.p256dh,"
            + " auth = excluded.auth, subscribed_at = excluded.subscribed_at";
    private static final String OF_USER = "SELECT " + COLUMNS
            + " FROM push_subscriptions WHERE org = ? AND user_id = ? ORDER BY subscribed_at, device";
    private static final String REMOVE = "DELETE FROM push_subscriptions WHERE org = ? AND user_id = ? AND device = ?";

    private final SqlDatabase db;

    public SqlPushSubscriptions(SqlDatabase db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    @Override
    public CompletionStage<List<PushSubscription>> save(PushSubscription s) {
        String rooms = StoredJson.write(s.rooms().stream().sorted().toList());
        return db.run(LANE, c -> {
            List<PushSubscription> removed = new ArrayList<>();
            try (PreparedStatement st = c.prepareStatement(TAKE_ENDPOINT)) {
                st.setString(1, s.endpoint().toString());
                st.setString(2, s.org());
                st.setString(3, s.user());
                st.setString(4, s.device());
                try (ResultSet r = st.executeQuery()) {
                    while (r.next()) {
                        removed.add(read(r));
                    }
                }
            }
            setOnCall(c, s.owner(), s.onCall());
            try (PreparedStatement st = c.prepareStatement(UPSERT)) {
                st.setString(1, s.org());
                st.setString(2, s.user());
                st.setString(3, s.device());
                st.setString(4, s.role().wire());
                st.setString(5, rooms);
                st.setInt(6, s.onCall() ? 1 : 0);
                st.setString(7, s.endpoint().toString());
                st.setString(8, s.p256dh());
                st.setString(9, s.auth());
                st.setLong(10, s.subscribedAt().toEpochMilli());
                st.executeUpdate();
            }
            List<PushSubscription> oldestFirst = ofUser(c, s.owner());
            int over = oldestFirst.size() - MAX_PER_USER;
            for (PushSubscription old : oldestFirst) {
                if (over <= 0) {
                    break;
                }
                if (!old.device().equals(s.device())) {
                    remove(c, old.owner(), old.device());
                    removed.add(old);
                    over--;
                }
            }
            return List.copyOf(removed);
        });
    }

    @Override
    public CompletionStage<Optional<PushSubscription>> remove(UserRef user, String device) {
        return db.run(LANE, c -> {
            try (PreparedStatement st = c.prepareStatement(REMOVE + " RETURNING " + COLUMNS)) {
                st.setString(1, user.org());
                st.setString(2, user.user());
                st.setString(3, device);
                try (ResultSet r = st.executeQuery()) {
                    return r.next() ? Optional.of(read(r)) : Optional.<PushSubscription>empty();
                }
            }
        });
    }

    @Override
    public CompletionStage<Boolean> removeByEndpoint(URI endpoint) {
        return db.run(LANE, c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM push_subscriptions WHERE endpoint = ?")) {
                st.setString(1, endpoint.toString());
                return st.executeUpdate() > 0;
            }
        });
    }

    @Override
    public CompletionStage<List<PushSubscription>> list(UserRef user) {
        return db.run(LANE, c -> ofUser(c, user));
    }

    @Override
    public CompletionStage<List<PushSubscription>> inOrg(String org) {
        return db.run(LANE, c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM push_subscriptions WHERE org = ? ORDER BY user_id, subscribed_at, device")) {
                st.setString(1, org);
                return readAll(st);
            }
        });
    }

    @Override
    public CompletionStage<Void> setOnCall(UserRef user, boolean onCall) {
        return db.run(LANE, c -> setOnCall(c, user, onCall)).thenApply(rows -> null);
    }

    private static int setOnCall(Connection c, UserRef user, boolean onCall) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(SET_ON_CALL)) {
            st.setInt(1, onCall ? 1 : 0);
            st.setString(2, user.org());
            st.setString(3, user.user());
            return st.executeUpdate();
        }
    }

    private static boolean remove(Connection c, UserRef user, String device) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(REMOVE)) {
            st.setString(1, user.org());
            st.setString(2, user.user());
            st.setString(3, device);
            return st.executeUpdate() > 0;
        }
    }

    private static List<PushSubscription> ofUser(Connection c, UserRef user) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(OF_USER)) {
            st.setString(1, user.org());
            st.setString(2, user.user());
            return readAll(st);
        }
    }

    private static List<PushSubscription> readAll(PreparedStatement st) throws SQLException {
        List<PushSubscription> out = new ArrayList<>();
        try (ResultSet r = st.executeQuery()) {
            while (r.next()) {
                out.add(read(r));
            }
        }
        // The database's collation may order text otherwise than Java does.
        out.sort(OLDEST_FIRST);
        return List.copyOf(out);
    }

    private static PushSubscription read(ResultSet r) throws SQLException {
        Role role = Role.fromWire(r.getString(4));
        List<String> rooms = StoredJson.read(r.getString(5), StoredJson.listOf(String.class));
        return new PushSubscription(
                r.getString(1),
                r.getString(2),
                r.getString(3),
                Objects.requireNonNull(role, "a stored role"),
                java.util.Set.copyOf(rooms),
                r.getInt(6) == 1,
                URI.create(r.getString(7)),
                r.getString(8),
                r.getString(9),
                Instant.ofEpochMilli(r.getLong(10)));
    }
}
