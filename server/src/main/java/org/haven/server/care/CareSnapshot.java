package org.haven.server.care;

import java.util.List;
import org.haven.protocol.Care;
import org.jspecify.annotations.Nullable;

/** What responders need of a client's care record when an alert is raised; parts may be missing. */
public record CareSnapshot(
        Care.@Nullable CheckIn checkIn,
        List<Care.EmergencyContact> contacts,
        Care.@Nullable SafetyPlan plan,
        Care.@Nullable Risk risk) {

    /** Nothing known: the store could not be read and this node has no copy. */
    public static final CareSnapshot NONE = new CareSnapshot(null, List.of(), null, null);

    public CareSnapshot {
        contacts = contacts == null ? List.of() : List.copyOf(contacts);
    }

    /** Whether a part is missing: no check-in (where a room needs one), no contacts, no plan, or no risk. */
    public boolean lacksAny(boolean checkInExpected) {
        return (checkInExpected && checkIn == null) || contacts.isEmpty() || plan == null || risk == null;
    }

    /** This snapshot with its missing parts taken from {@code later}; what it has stays. */
    public CareSnapshot filledFrom(CareSnapshot later) {
        return new CareSnapshot(
                checkIn != null ? checkIn : later.checkIn,
                contacts.isEmpty() ? later.contacts : contacts,
                plan != null ? plan : later.plan,
                risk != null ? risk : later.risk);
    }

    /** This snapshot with {@code checkIn} in place of its own. */
    public CareSnapshot withCheckIn(Care.CheckIn checkIn) {
        return new CareSnapshot(checkIn, contacts, plan, risk);
    }

    /** The coping steps a client can take right now: their own internal coping strategies. */
    public List<String> copingSteps() {
        return plan == null ? List.of() : plan.copingStrategies();
    }
}
