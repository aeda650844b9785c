package org.haven.server.alert;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.haven.protocol.Alerts.Source;
import org.haven.server.presence.UserRef;
import org.jspecify.annotations.Nullable;

/**
 * The alerts this node carries (those of the organisations it serves), in the order they were
 * raised or taken up, and the only writer of that list. Threading: the alert thread.
 */
final class AlertBook {

    private final Map<String, DistressAlert> alerts = new LinkedHashMap<>();

    @Nullable
    DistressAlert get(String id) {
        return alerts.get(id);
    }

    boolean contains(String id) {
        return alerts.containsKey(id);
    }

    void add(DistressAlert alert) {
        alerts.put(alert.id, alert);
    }

    /** Every alert, in order (a copy: safe to change the book while going through it). */
    List<DistressAlert> all() {
        return new ArrayList<>(alerts.values());
    }

    /** Every alert, for a count (not a copy). */
    Collection<DistressAlert> view() {
        return Collections.unmodifiableCollection(alerts.values());
    }

    void removeIf(Predicate<DistressAlert> which) {
        alerts.values().removeIf(which);
    }

    /**
     * The open alert a new one from {@code source} about {@code client} joins: for an automatic
     * source, the open one from the same source; for a person (help button, clinician's flag) or the
     * program's systems (the server API), the open one raised by a person or those systems. Null
     * when there is none.
     */
    @Nullable
    DistressAlert openAlertOf(UserRef client, Source source) {
        boolean automatic =
                source == Source.CHECK_IN_MISSING || source == Source.CHECK_IN_DECLINED || source == Source.COVERAGE;
        for (DistressAlert a : alerts.values()) {
            if (a.client.equals(client)
                    && a.state().isOpen()
                    && (automatic
                            ? a.source == source
                            : a.source == Source.HELP_BUTTON
                                    || a.source == Source.CLINICIAN_FLAG
                                    || a.source == Source.EXTERNAL)) {
                return a;
            }
        }
        return null;
    }
}
