package org.haven.loadtest.failover;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What became of each press, once the run is over: the alert it belongs to, when that alert first
 * reached a responder, at which tier and with which check-in.
 *
 * <p>Which alert a press belongs to: the one its {@code alert.received} answer names. A press
 * without that answer ({@code alert_unconfirmed}, another error, or none; the alert may exist all
 * the same, stored by a node that then could not answer) is matched by the id the server gives the
 * alert a press makes ({@link AlertIds}); failing that, it joined the client's alert that was open
 * when it was sent, if there was one. A press that is not the first (by schedule) to belong to its
 * alert "joined" it.
 */
final class Evaluation {

    /** The start tier of a HIGH alert raised in a session: the room's facilitators. */
    static final String FIRST_TIER = "facilitators";

    /** Whether the alert's first frame carried the check-in the client confirmed before pressing. */
    enum Location {
        /** The press was sent before any check-in was confirmed (or never sent, or never delivered). */
        NOT_JUDGED,
        /** The check-in the client confirmed last before pressing (before one of its sends). */
        CONFIRMED,
        /** A check-in of this client, an earlier one (another connection's). */
        EARLIER,
        /** None in the first frame; a later frame (an update) carried it. */
        LATER,
        /** None in any frame. */
        NONE,
        /** Another client's. */
        WRONG
    }

    /**
     * One press judged.
     *
     * @param alertId the alert it belongs to, or null
     * @param joined whether an earlier press of its client made that alert
     * @param first that alert's first frame at a responder, or null
     * @param location what that frame said of the client's location
     * @param otherAlert another alert this press made, beside {@code alertId}, or null: a send
     *     made an alert, its answer was lost with the connection, and the press sent again made
     *     another (the ids the server gives the alert of each send show it)
     * @param otherStillOpen whether that other alert and this press's were open at the same time, as
     *     the responders saw them (the later one reached a responder before the earlier one was
     *     resolved): the client had two open alerts, where the second send should have joined the
     *     first. A re-send taken after the first alert was resolved makes a new alert rightly.
     */
    record Verdict(
            Press press,
            String alertId,
            boolean joined,
            Sightings.First first,
            Location location,
            String otherAlert,
            boolean otherStillOpen) {

        boolean sent() {
            return press.sends() > 0;
        }

        /**
         * Sent at its scheduled time on a connection that was up and stayed alive until its answer
         * (a close by the server, 1001, counts as alive: the server chose it): the presses a server
         * can answer, which the goals are about. Not: presses due while the client's connection was
         * down, and presses sent on a connection whose node then died under them.
         */
        boolean live() {
            return sent() && !press.waited() && !press.diedUnder();
        }

        boolean delivered() {
            return first != null;
        }

        boolean lost() {
            return sent() && !delivered();
        }

        /** From the schedule to the answer; {@link Long#MAX_VALUE} when there was none. */
        long answerNanos() {
            return press.answer() == Press.Answer.NONE
                    ? Long.MAX_VALUE
                    : Math.max(0, press.answeredNanos() - press.scheduledNanos);
        }

        /** From the schedule to the first responder's receipt of its alert (0 when already there). */
        long deliveryNanos() {
            return first == null ? Long.MAX_VALUE : Math.max(0, first.nanos() - press.scheduledNanos);
        }

        boolean tierSkipped() {
            return first != null && !FIRST_TIER.equals(first.tier());
        }

        boolean withoutLocation() {
            return location == Location.LATER || location == Location.NONE || location == Location.WRONG;
        }
    }

    private final List<Verdict> verdicts;
    private final int alertsSeen;
    private final int alertsOfNoPress;

    private Evaluation(List<Verdict> verdicts, int alertsSeen, int alertsOfNoPress) {
        this.verdicts = List.copyOf(verdicts);
        this.alertsSeen = alertsSeen;
        this.alertsOfNoPress = alertsOfNoPress;
    }

    /** Alerts the responders received that no press accounts for (neither belongs to nor made). */
    int alertsOfNoPress() {
        return alertsOfNoPress;
    }

    int alertsSeen() {
        return alertsSeen;
    }

    List<Verdict> verdicts() {
        return verdicts;
    }

    static Evaluation of(List<Press> presses, Sightings sightings, List<ClientUser> clients) {
        Map<String, ClientUser> byUser = new HashMap<>();
        clients.forEach(c -> byUser.put(c.user, c));
        Map<Integer, String> alertOf = new HashMap<>();
        for (Press p : presses) {
            if (p.answer() == Press.Answer.RECEIVED) {
                alertOf.put(p.index, p.alertId());
            }
        }
        for (Press p : presses) {
            if (p.sends() > 0 && !alertOf.containsKey(p.index)) {
                String match = match(p, sightings);
                if (match != null) {
                    alertOf.put(p.index, match);
                }
            }
        }
        Map<String, Integer> firstPress = new HashMap<>();
        alertOf.forEach((press, alert) -> firstPress.merge(alert, press, Math::min));
        List<Verdict> out = new ArrayList<>();
        for (Press p : presses) {
            String alert = alertOf.get(p.index);
            Sightings.Seen seen = alert == null ? null : sightings.get(alert);
            Sightings.First first = seen == null ? null : seen.first;
            boolean joined = alert != null && firstPress.get(alert) != p.index;
            String other = p.mayCreate().stream()
                    .filter(id -> !id.equals(alert) && sightings.get(id) != null)
                    .findFirst()
                    .orElse(null);
            Sightings.Seen otherSeen = other == null ? null : sightings.get(other);
            boolean otherOpen = otherSeen != null && openAtOnce(seen, otherSeen);
            out.add(new Verdict(p, alert, joined, first, location(p, seen, byUser.get(p.user)), other, otherOpen));
        }
        Set<String> accounted = new HashSet<>();
        for (Verdict v : out) {
            if (v.alertId() != null) {
                accounted.add(v.alertId());
            }
            if (v.otherAlert() != null) {
                accounted.add(v.otherAlert());
            }
        }
        Set<String> seen = sightings.ids();
        seen.removeAll(accounted);
        return new Evaluation(out, sightings.size(), seen.size());
    }

    private static String match(Press p, Sightings sightings) {
        for (String id : p.mayCreate()) {
            if (sightings.get(id) != null) {
                return id; // one of its sends made this alert
            }
        }
        for (Map.Entry<String, Sightings.Seen> e : sightings.ofClient(p.user)) {
            long raised = e.getValue().first.raisedAt().toEpochMilli();
            long resolved = e.getValue().resolvedNanos;
            if (raised <= p.sentEpochMillis() && (resolved == 0 || resolved > p.firstSentNanos())) {
                return e.getKey(); // open when the press went out: the press joined it
            }
        }
        return null;
    }

    private static Location location(Press p, Sightings.Seen seen, ClientUser client) {
        if (p.checkInAtSend() == null || seen == null || seen.first == null) {
            return Location.NOT_JUDGED;
        }
        var checkIn = seen.first.checkIn();
        if (checkIn == null) {
            return seen.anyCheckIn != null && isClients(seen.anyCheckIn, client) ? Location.LATER : Location.NONE;
        }
        if (!isClients(checkIn, client)) {
            return Location.WRONG;
        }
        return p.checkInsAtSends().contains(checkIn.id()) ? Location.CONFIRMED : Location.EARLIER;
    }

    private static boolean isClients(org.haven.protocol.Care.CheckIn checkIn, ClientUser client) {
        return client != null
                && Objects.equals(checkIn.client(), client.user)
                && Objects.equals(checkIn.address(), client.address);
    }

    /** Whether two alerts of one client were open at once: each reached a responder before the other was resolved. */
    private static boolean openAtOnce(Sightings.Seen a, Sightings.Seen b) {
        if (a == null || a.first == null || b.first == null) {
            return a != null && b.resolvedNanos == 0;
        }
        long bothSeen = Math.max(a.first.nanos(), b.first.nanos());
        long firstResolved = Math.min(
                a.resolvedNanos == 0 ? Long.MAX_VALUE : a.resolvedNanos,
                b.resolvedNanos == 0 ? Long.MAX_VALUE : b.resolvedNanos);
        return bothSeen < firstResolved;
    }
}
