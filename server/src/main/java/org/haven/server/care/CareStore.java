package org.haven.server.care;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.haven.protocol.Care;
import org.haven.server.presence.UserRef;

/**
 * Where care records live: session check-ins, emergency contacts and safety plans. In memory on
 * one node, in Redis for a cluster.
 *
 * <p>Guarantees: non-blocking and thread-safe; records are never edited in place (a check-in is
 * immutable, contacts and plans are appended as new versions numbered 1, 2, …); a completed write
 * is visible to every later read.
 */
public interface CareStore {

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
}
