package org.haven.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Live sessions on the wire: room kinds, roles in a room, session state, WebRTC signals and ICE servers. */
public interface Sessions {

    /** What a room is for. A breakout is the private child room of a group. */
    enum RoomKind {
        @JsonProperty("group")
        GROUP,
        @JsonProperty("individual")
        INDIVIDUAL,
        @JsonProperty("family")
        FAMILY,
        @JsonProperty("breakout")
        BREAKOUT
    }

    /** What a member is in a room (as opposed to their role in the organisation). */
    enum RoomRole {
        /** The first clinician in the room: runs it. */
        @JsonProperty("facilitator")
        FACILITATOR,
        /** Further clinicians: may do everything the facilitator does. */
        @JsonProperty("co_facilitator")
        CO_FACILITATOR,
        /** A client. */
        @JsonProperty("participant")
        PARTICIPANT,
        /** A family member or support person (family rooms only). */
        @JsonProperty("support")
        SUPPORT,
        /** A supervisor, shown to everyone as an observer: never hidden. */
        @JsonProperty("observer")
        OBSERVER;

        public boolean facilitates() {
            return this == FACILITATOR || this == CO_FACILITATOR;
        }
    }

    /** Whether a session is running, held (video front-ends hold media), or over. */
    enum State {
        @JsonProperty("live")
        LIVE,
        @JsonProperty("paused")
        PAUSED,
        @JsonProperty("ended")
        ENDED
    }

    /** The WebRTC signalling messages relayed between two peers of one room. */
    enum Signal {
        @JsonProperty("offer")
        OFFER,
        @JsonProperty("answer")
        ANSWER,
        @JsonProperty("ice")
        ICE,
        @JsonProperty("bye")
        BYE
    }

    /**
     * A STUN or TURN server for the video front-end's RTCPeerConnection; TURN servers come with
     * short-lived credentials (TURN REST API: username "expiry:user", HMAC credential).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record IceServer(List<String> urls, String username, String credential) {
        public IceServer {
            urls = List.copyOf(urls);
        }
    }
}
