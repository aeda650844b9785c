/**
 * Paging by Web Push (RFC 8030): clinicians and supervisors with no Haven tab open are reached
 * through their browsers' push services. This package keeps their subscriptions
 * ({@link org.haven.server.push.PushSubscriptions}, in memory, or in SQL and Redis beside the other
 * durable records), answers {@code push.subscribe}, {@code push.unsubscribe} and {@code push.list}
 * ({@link org.haven.server.push.PushSubscriptionService}), and sends pages: signed with the node's
 * VAPID keys (RFC 8292), encrypted for each browser (RFC 8291), on a bounded queue off the event
 * loops. An endpoint is a capability: it never reaches a log or the audit trail. Null-checked
 * (NullAway): what may be absent says so.
 */
@NullMarked
package org.haven.server.push;

import org.jspecify.annotations.NullMarked;
