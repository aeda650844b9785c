/**
 * Paging by Web Push (issue #22): clinicians and supervisors with no Haven tab open are reached
 * through their browsers' push services. This package keeps their subscriptions
 * ({@link org.haven.server.push.PushSubscriptions}, in memory, or in SQL and Redis beside the other
 * durable records) and answers {@code push.subscribe}, {@code push.unsubscribe} and {@code push.list}
 * ({@link org.haven.server.push.PushSubscriptionService}). An endpoint is a capability: it never
 * reaches a log or the audit trail. Null-checked (NullAway): what may be absent says so.
 */
@NullMarked
package org.haven.server.push;

import org.jspecify.annotations.NullMarked;
