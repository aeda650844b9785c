/**
 * Distress alerts: where they come from, their lifecycle, escalation tier by tier, durable save
 * then push, and delivery to responders. Null-checked (NullAway): what may be absent says so.
 */
@NullMarked
package org.haven.server.alert;

import org.jspecify.annotations.NullMarked;
