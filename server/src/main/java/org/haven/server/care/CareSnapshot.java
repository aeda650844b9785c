package org.haven.server.care;

import java.util.List;
import org.haven.protocol.Care;

/** What responders need of a client's care record when an alert is raised; parts may be missing. */
public record CareSnapshot(Care.CheckIn checkIn, List<Care.EmergencyContact> contacts, Care.SafetyPlan plan) {

    public CareSnapshot {
        contacts = contacts == null ? List.of() : List.copyOf(contacts);
    }

    /** The coping steps a client can take right now: their own internal coping strategies. */
    public List<String> copingSteps() {
        return plan == null ? List.of() : plan.copingStrategies();
    }
}
