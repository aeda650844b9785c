package org.haven.protocol;

import java.util.List;

/**
 * The protocol versions this build speaks; a client offers its versions in {@code hello} and the
 * server answers with the highest one both sides know.
 */
public final class ProtocolVersion {

    /** The newest version, and the one this build prefers. */
    public static final int CURRENT = 1;

    /** Every version this build can speak, oldest first. */
    public static final List<Integer> SUPPORTED = List.of(1);

    private ProtocolVersion() {}

    /**
     * Returns the highest version in {@code offered} that this build supports, or {@code -1} when
     * there is none.
     */
    public static int negotiate(List<Integer> offered) {
        int best = -1;
        for (Integer version : offered) {
            if (version != null && SUPPORTED.contains(version) && version > best) {
                best = version;
            }
        }
        return best;
    }
}
