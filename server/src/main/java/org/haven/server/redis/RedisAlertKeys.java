package org.haven.server.redis;

import java.util.Objects;

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

    /** The organisations that have alerts. */
    String orgs() {
        return keys.tagged("alerts", "orgs");
    }

    /** The sorted set of every alert's next deadline: score in epoch milliseconds, member {@code org:id} (escaped). */
    String due() {
        return keys.tagged("alerts", "due");
    }
}
