package org.haven.server.alert;

import java.util.concurrent.CompletionStage;
import org.haven.protocol.Care;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.Result;
import org.haven.server.auth.Principal;
import org.haven.server.connection.Outbound;
import org.jspecify.annotations.Nullable;

/**
 * The help button while the node serving the client's organisation is silent (it died, or is cut
 * off from the cluster): the node holding the client's connection stands in for it. It stores the
 * alert, under the id the serving node gives the same press (so one press never makes two alerts,
 * whichever of them stores it first), answers the client, and has the alert pushed to the
 * organisation's care team wherever they are connected; whichever node serves the organisation
 * next adopts the alert from the store and escalates it as its own (docs/architecture.md, "Alerts").
 */
public interface StandIn {

    /**
     * Stands in for the serving node on {@code raise}, pressed by {@code client} on this node's
     * connection {@code connection}. Completes once the client's care record is read (within
     * {@link AlertPublisher#STORE_WAIT}), with the answer and the frame to push; {@link
     * Raised#stored()} completes when the store answers. Fails when the raise is not one a client
     * may make (the serving node would have refused it).
     *
     * @param seen what this node saw the serving node confirm on that connection: its last check-in
     *     (used when the store has none, or an older one) and the last alert its presses made (a
     *     press joins it while it is open)
     */
    CompletionStage<Raised> raise(Principal client, ClientMessage.AlertRaise raise, String connection, Seen seen);

    /** What the node holding a connection saw the serving node confirm on it. */
    record Seen(Care.@Nullable CheckIn checkIn, @Nullable String alert) {
        public static final Seen NOTHING = new Seen(null, null);
    }

    /** This node serves {@code org}: alert {@code alert}, stored by a stand-in, joins its alerts (once). */
    void adopt(String org, String alert);

    /**
     * What the stand-in did.
     *
     * @param answer the client's {@code alert.received}, to send once {@code stored} completes true
     * @param frame the alert for the organisation's care team (urgent), or null when the serving
     *     node had stored the press already (it pushes it itself)
     * @param stored true once the alert is stored, or the client's open alert was found stored;
     *     false when the serving node had stored this press first; failed when the store failed
     */
    record Raised(Result.AlertReceived answer, @Nullable Outbound frame, CompletionStage<Boolean> stored) {}
}
