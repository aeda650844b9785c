package org.haven.server.care;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.haven.protocol.Care;
import org.haven.server.presence.UserRef;

/**
 * Where care records live: session check-ins, emergency contacts, safety plans and assessed risk.
 * In memory on one node, in Redis for a cluster, in the SQL database (SQLite or PostgreSQL)
 * otherwise.
 *
 * <p>Guarantees: non-blocking and thread-safe; records are never edited in place (a check-in is
 * immutable, contacts, plans and risks are appended as new versions numbered 1, 2, …); a completed
 * write is visible to every later read.
 *
 * <p>Bounded: a store keeps at most {@link #versionsKept()} versions of each client's contacts, of
 * their safety plan, of their risk and of their check-ins in each room. Appending one more removes the oldest, in
 * the same atomic step (never the one just appended: the current one). A client who saves at the
 * rate limit all day holds the same room as one who saved once. Superseded versions older than the
 * retention go too ({@link #purgeSuperseded}); a current one never goes.
 */
public interface CareStore {

    /** How many versions of each record a store keeps per client unless told otherwise. */
    int DEFAULT_VERSIONS_KEPT = 100;

    /** The records a client has versions of. */
    enum Part {
        CONTACTS,
        PLAN,
        RISK
    }

    /** Stores a check-in of {@code client}; it becomes the latest for its room. */
    CompletionStage<Care.CheckIn> recordCheckIn(UserRef client, Care.CheckIn checkIn);

    /** The latest check-in of {@code client} for {@code room}, if any. */
    CompletionStage<Optional<Care.CheckIn>> latestCheckIn(UserRef client, String room);

    /** Appends a version of the client's emergency contacts. */
    CompletionStage<Care.Versioned<List<Care.EmergencyContact>>> appendContacts(
            UserRef client, List<Care.EmergencyContact> contacts, String by, Instant at);

    /** The current emergency contacts of {@code client}, if ever set. */
    CompletionStage<Optional<Care.Versioned<List<Care.EmergencyContact>>>> contacts(UserRef client);

    /** Appends a version of the client's safety plan. */
    CompletionStage<Care.Versioned<Care.SafetyPlan>> appendPlan(
            UserRef client, Care.SafetyPlan plan, String by, Instant at);

    /** The current safety plan of {@code client}, if ever set. */
    CompletionStage<Optional<Care.Versioned<Care.SafetyPlan>>> plan(UserRef client);

    /** Appends a version of the client's assessed risk. */
    CompletionStage<Care.Versioned<Care.Risk>> appendRisk(UserRef client, Care.Risk risk, String by, Instant at);

    /** The current assessed risk of {@code client}, if ever set. */
    CompletionStage<Optional<Care.Versioned<Care.Risk>>> risk(UserRef client);

    /** The quota: how many versions of one record of one client this store keeps, at least 1. */
    int versionsKept();

    /**
     * The version numbers of {@code part} this store still holds for {@code client}, oldest first
     * (what the quota and the retention left: for operators and tests).
     */
    CompletionStage<List<Long>> versions(UserRef client, Part part);

    /** How many check-ins of {@code client} for {@code room} this store still holds. */
    CompletionStage<Integer> checkInCount(UserRef client, String room);

    /**
     * Deletes every version and check-in that was superseded (a later one of the same record was
     * stored) before {@code before}: the retention of history. A current one is never deleted,
     * however old. Completes with how many went; a store that keeps no history past the quota
     * (Redis) deletes nothing here.
     */
    CompletionStage<Integer> purgeSuperseded(Instant before);
}
