package org.haven.server.care;

import java.util.List;
import org.haven.protocol.Care;
import org.jspecify.annotations.Nullable;

/** What responders need of a client's care record when an alert is raised; parts may be missing. */
public record CareSnapshot(
        Care.@Nullable CheckIn checkIn, List<Care.EmergencyContact> contacts, Care.@Nullable SafetyPlan plan) {

    public CareSnapshot {
        contacts = contacts == null ? List.of() : List.copyOf(contacts);
    }

    /** Whether a part is missing: no check-in (where a room needs one), no contacts, or no plan. */
    public boolean lacksAny(boolean checkInExpected) {
        return (checkInExpected && checkIn == null) || contacts.isEmpty() || plan == null;
    }

    /** This snapshot with its missing parts taken from {@code later}; what it has stays. */
    public CareSnapshot filledFrom(CareSnapshot later) {
        return new CareSnapshot(
                checkIn != null ? checkIn : later.checkIn,
                contacts.isEmpty() ? later.contacts : contacts,
                plan != null ? plan : later.plan);
    }

    /** The coping steps a client can take right now: their own internal coping strategies. */
    public List<String> copingSteps() {
        return plan == null ? List.of() : plan.copingStrategies();
    }
}
