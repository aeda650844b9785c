package org.haven.server.redis;

import java.util.Objects;
import org.haven.server.alert.AlertSearch;
import org.haven.server.alert.StoredAlert;

/**
 * The names of the alert store's Redis keys, shared by {@link RedisAlertStore} and the classes that
 * search and index its alerts. An organisation's keys carry its hash tag {@code {org}}, so one script
 * changes an alert and its indexes together. Immutable.
 */
record RedisAlertKeys(RedisKeys keys) {

    RedisAlertKeys {
        Objects.requireNonNull(keys, "keys");
    }

    /** The alert's JSON. */
    String alert(String org, String id) {
        return keys.org(org, "alert:" + RedisKeys.escape(id));
    }

    /** The ids of the organisation's alerts not yet closed. */
    String open(String org) {
        return keys.org(org, "alerts:open");
    }

    /** The open alerts of one client, beside the organisation's (same hash tag: one script writes both). */
    String openOf(String org, String client) {
        return keys.org(org, "alerts:open:" + RedisKeys.escape(client));
    }

    /**
     * The organisation's alerts by time of raising: member the id, score {@link #raisedScore}. Never
     * expires: its members go with {@link RedisAlertStore#purgeClosed}.
     */
    String raised(String org) {
        return keys.org(org, "alerts:raised");
    }

    /** The organisation's closed alerts: member the id, score when closed (epoch milliseconds), for the retention. */
    String closed(String org) {
        return keys.org(org, "alerts:closed");
    }

    /**
     * An alert's score in {@link #raised}: minus its time of raising in epoch milliseconds (exact in a
     * double until the year 287,396). Negated so that ascending order, the one Redis keeps ties in (by
     * member, bytewise), is newest first with ties by id ascending: the search's order.
     */
    static long raisedScore(StoredAlert alert) {
        return -AlertSearch.raisedMillis(alert);
    }

    /** A {@code SCAN} pattern of every organisation's alert keys ({@link #alert}). */
    String everyAlert() {
        return keys.everyOrg("alert:");
    }

    /** Set once the alerts stored before {@link #raised} existed are in it ({@link RedisAlertBackfill}). */
    String earlierAlertsIndexed() {
        return keys.tagged("alerts", "earlier-indexed");
    }

    /** The organisations that have alerts. */
    String orgs() {
        return keys.tagged("alerts", "orgs");
    }

    /** The sorted set of every alert's next deadline: score in epoch milliseconds, member {@code org:id} (escaped). */
    String due() {
        return keys.tagged("alerts", "due");
    }
}
