package org.haven.server.sql;

import com.fasterxml.jackson.databind.JavaType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.haven.protocol.Care;
import org.haven.server.care.CareStore;
import org.haven.server.presence.UserRef;
import org.haven.server.storage.StoredJson;

/**
 * {@link CareStore} in the SQL database: every check-in kept (the latest of a client in a room is
 * in force), and each set of emergency contacts or safety plan a new version, nothing edited in
 * place. The work on one client's record runs on one lane, so its versions are numbered without
 * gaps or repeats on a node; a second node numbering the same client at the same moment (never while
 * one node serves its organisation) fails on the primary key rather than overwriting.
 */
public final class SqlCareStore implements CareStore {

    private static final JavaType CONTACTS =
            StoredJson.type(Care.Versioned.class, StoredJson.listOf(Care.EmergencyContact.class));
    private static final JavaType PLAN = StoredJson.type(Care.Versioned.class, StoredJson.type(Care.SafetyPlan.class));

    private final SqlDatabase db;

    public SqlCareStore(SqlDatabase db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    private static String lane(UserRef client) {
        return "care:" + client.org() + "/" + client.user();
    }

    @Override
    public CompletionStage<Care.CheckIn> recordCheckIn(UserRef client, Care.CheckIn checkIn) {
        return db.run(lane(client), c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO check_ins (id, org, client, room, seq, body)
                    SELECT ?, ?, ?, ?, COALESCE(MAX(seq), 0) + 1, ? FROM check_ins
                    WHERE org = ? AND client = ? AND room = ?
                    """)) {
                s.setString(1, checkIn.id());
                s.setString(2, client.org());
                s.setString(3, client.user());
                s.setString(4, checkIn.room());
                s.setString(5, StoredJson.write(checkIn));
                s.setString(6, client.org());
                s.setString(7, client.user());
                s.setString(8, checkIn.room());
                s.executeUpdate();
            }
            return checkIn;
        });
    }

    @Override
    public CompletionStage<Optional<Care.CheckIn>> latestCheckIn(UserRef client, String room) {
        return db.run(lane(client), c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT body FROM check_ins WHERE org = ? AND client = ? AND room = ?
                    ORDER BY seq DESC LIMIT 1
                    """)) {
                s.setString(1, client.org());
                s.setString(2, client.user());
                s.setString(3, room);
                try (ResultSet r = s.executeQuery()) {
                    return r.next()
                            ? Optional.of(StoredJson.read(r.getString(1), Care.CheckIn.class))
                            : Optional.empty();
                }
            }
        });
    }

    @Override
    public CompletionStage<Care.Versioned<List<Care.EmergencyContact>>> appendContacts(
            UserRef client, List<Care.EmergencyContact> contacts, String by, Instant at) {
        return db.run(lane(client), c -> append(c, client, "contacts", List.copyOf(contacts), by, at));
    }

    @Override
    public CompletionStage<Optional<Care.Versioned<List<Care.EmergencyContact>>>> contacts(UserRef client) {
        return db.run(lane(client), c -> latest(c, client, "contacts", CONTACTS));
    }

    @Override
    public CompletionStage<Care.Versioned<Care.SafetyPlan>> appendPlan(
            UserRef client, Care.SafetyPlan plan, String by, Instant at) {
        return db.run(lane(client), c -> append(c, client, "plan", plan, by, at));
    }

    @Override
    public CompletionStage<Optional<Care.Versioned<Care.SafetyPlan>>> plan(UserRef client) {
        return db.run(lane(client), c -> latest(c, client, "plan", PLAN));
    }

    private static <T> Care.Versioned<T> append(
            Connection c, UserRef client, String part, T value, String by, Instant at) throws SQLException {
        long version;
        try (PreparedStatement s = c.prepareStatement(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM care_versions WHERE org = ? AND client = ? AND part = ?")) {
            s.setString(1, client.org());
            s.setString(2, client.user());
            s.setString(3, part);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                version = r.getLong(1);
            }
        }
        Care.Versioned<T> made = new Care.Versioned<>(version, value, by, at);
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO care_versions (org, client, part, version, body) VALUES (?, ?, ?, ?, ?)")) {
            s.setString(1, client.org());
            s.setString(2, client.user());
            s.setString(3, part);
            s.setLong(4, version);
            s.setString(5, StoredJson.write(made));
            s.executeUpdate();
        }
        return made;
    }

    private static <T> Optional<Care.Versioned<T>> latest(Connection c, UserRef client, String part, JavaType type)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT body FROM care_versions WHERE org = ? AND client = ? AND part = ?
                ORDER BY version DESC LIMIT 1
                """)) {
            s.setString(1, client.org());
            s.setString(2, client.user());
            s.setString(3, part);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(StoredJson.read(r.getString(1), type)) : Optional.empty();
            }
        }
    }
}
