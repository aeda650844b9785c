package org.haven.server.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.haven.server.audit.AuditKey;
import org.haven.server.audit.AuditRecord;
import org.haven.server.audit.AuditVerifier;
import org.haven.server.audit.AuditVerifier.Verification;
import org.jspecify.annotations.Nullable;

/**
 * Checks the audit trail in the database, one organisation's chain at a time: its head must hold its
 * seal under the {@link AuditKey}; its records, read in order, must each be in canonical form and of
 * that organisation, start where the head says the chain starts, follow each other
 * ({@link AuditVerifier.Chain}), and end at the record the head names. So a changed, inserted,
 * removed or reordered record, and records cut off either end, are all found without the key being
 * needed to write anything; what it cannot see is the whole database put back to an earlier copy.
 */
public final class SqlAuditVerifier {

    /** What was found for one organisation's chain; {@code verification.firstBrokenLine} is always -1. */
    public record OrgVerification(String org, Verification verification) {}

    private SqlAuditVerifier() {}

    /**
     * Verifies the chain of {@code org}, or of every organisation when null (in order of their ids);
     * an organisation with records but no head is broken too.
     *
     * @throws java.util.concurrent.CompletionException when the database cannot be read
     */
    public static List<OrgVerification> verify(SqlDatabase db, AuditKey key, @Nullable String org) {
        Objects.requireNonNull(key, "key");
        return db.run(SqlAuditTrail.LANE, c -> {
                    List<OrgVerification> out = new ArrayList<>();
                    for (String o : orgs(c, org)) {
                        out.add(new OrgVerification(o, verifyOrg(c, key, o)));
                    }
                    return List.copyOf(out);
                })
                .toCompletableFuture()
                .join();
    }

    private static List<String> orgs(Connection c, @Nullable String org) throws SQLException {
        String sql = org == null
                ? "SELECT org FROM audit_chains UNION SELECT DISTINCT org FROM audit_records ORDER BY 1"
                : "SELECT org FROM audit_chains WHERE org = ? UNION SELECT DISTINCT org FROM audit_records WHERE org = ?";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            if (org != null) {
                s.setString(1, org);
                s.setString(2, org);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
            return out;
        }
    }

    private static Verification verifyOrg(Connection c, AuditKey key, String org) throws SQLException {
        long lastSeq;
        String lastHash;
        long firstSeq;
        String firstPrev;
        try (PreparedStatement s = c.prepareStatement(
                "SELECT last_seq, last_hash, first_seq, first_prev, seal FROM audit_chains WHERE org = ?")) {
            s.setString(1, org);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return broken(0, 1, "records without a chain head");
                }
                lastSeq = r.getLong(1);
                lastHash = r.getString(2);
                firstSeq = r.getLong(3);
                firstPrev = r.getString(4);
                if (!r.getString(5).equals(SqlAuditTrail.seal(key, org, lastSeq, lastHash, firstSeq, firstPrev))) {
                    return broken(
                            0,
                            firstSeq,
                            "the chain's head does not hold its seal (changed, cut off, or"
                                    + " sealed with another key)");
                }
            }
        }
        AuditVerifier.Chain chain = new AuditVerifier.Chain(key, firstSeq, firstPrev);
        long checked = 0;
        try (PreparedStatement s =
                c.prepareStatement("SELECT seq, line FROM audit_records WHERE org = ? ORDER BY seq")) {
            s.setFetchSize(1_000); // streamed on PostgreSQL (in a transaction), not read whole into memory
            s.setString(1, org);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long seq = r.getLong(1);
                    AuditRecord record;
                    try {
                        record = AuditRecord.parseLine(r.getString(2));
                    } catch (IllegalArgumentException e) {
                        return broken(checked, seq, "unreadable record: " + e.getMessage());
                    }
                    if (record.seq() != seq || !record.org().equals(org)) {
                        return broken(checked, seq, "the record is not the one its row says (seq or organisation)");
                    }
                    String problem = chain.next(record);
                    if (problem != null) {
                        return broken(checked, seq, problem);
                    }
                    checked++;
                }
            }
        }
        if (chain.lastSeq() != lastSeq || !chain.lastHash().equals(lastHash)) {
            return broken(
                    checked,
                    chain.lastSeq() + 1,
                    "the chain ends at record " + chain.lastSeq() + " but its head names record " + lastSeq);
        }
        return new Verification(true, checked, -1, -1, null);
    }

    private static Verification broken(long checked, long seq, String problem) {
        return new Verification(false, checked, seq, -1, problem);
    }
}
