package org.haven.server.sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.haven.server.auth.Revocation;
import org.haven.server.auth.RevocationStore;
import org.haven.server.presence.UserRef;

/**
 * {@link RevocationStore} in the SQL database: a row per revoked token or user, with when its
 * revocation ends. Adding is one statement that keeps the later end (an upsert whose update only
 * applies when the new end is later), so it holds when nodes add at once; reading deletes the
 * revocations that are over. All of it runs on one lane: revocations are few and rare.
 */
public final class SqlRevocationStore implements RevocationStore {

    private static final String LANE = "revocations";
    private static final String TOKEN = "token";
    private static final String USER = "user";

    private static final String ADD = """
            INSERT INTO revocations (kind, token_id, org, user_id, ends_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (kind, token_id, org, user_id) DO UPDATE SET ends_at = excluded.ends_at
            WHERE excluded.ends_at > revocations.ends_at
            """;

    private final SqlDatabase db;

    public SqlRevocationStore(SqlDatabase db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    @Override
    public CompletionStage<Void> add(Revocation revocation) {
        String token = revocation.tokenId();
        String[] key;
        if (token != null) {
            key = new String[] {TOKEN, token, "", ""};
        } else {
            UserRef user = Objects.requireNonNull(revocation.user(), "a revocation names a token id or a user");
            key = new String[] {USER, "", user.org(), user.user()};
        }
        return db.run(LANE, c -> {
                    try (PreparedStatement s = c.prepareStatement(ADD)) {
                        for (int i = 0; i < key.length; i++) {
                            s.setString(i + 1, key[i]);
                        }
                        s.setLong(5, revocation.until().toEpochMilli());
                        return s.executeUpdate();
                    }
                })
                .thenApply(rows -> null);
    }

    @Override
    public CompletionStage<List<Revocation>> active(Instant now) {
        long ms = now.toEpochMilli();
        return db.run(LANE, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM revocations WHERE ends_at <= ?")) {
                s.setLong(1, ms);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT kind, token_id, org, user_id, ends_at FROM revocations WHERE ends_at > ?")) {
                s.setLong(1, ms);
                List<Revocation> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        Instant until = Instant.ofEpochMilli(r.getLong(5));
                        String kind = r.getString(1);
                        if (TOKEN.equals(kind)) {
                            out.add(Revocation.ofToken(r.getString(2), until));
                        } else if (USER.equals(kind)) {
                            out.add(Revocation.ofUser(new UserRef(r.getString(3), r.getString(4)), until));
                        }
                    }
                }
                return List.copyOf(out);
            }
        });
    }
}
