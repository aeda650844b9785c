package org.haven.server.api;

/**
 * The server API's limits: the largest body (that of a protocol frame) and the calls a second and
 * the burst each service credential may make on a node ({@link ApiRateLimits}).
 */
public record ApiLimits(int maxBodyBytes, int perSecond, int burst) {

    public ApiLimits {
        if (maxBodyBytes <= 0 || perSecond <= 0 || burst < perSecond) {
            throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + ", perSecond: " + perSecond
                    + ", burst: " + burst + " (expected: > 0, > 0, >= perSecond)");
        }
    }

    /** Bodies of at most {@code maxBodyBytes}, and no rate a test would reach. */
    static ApiLimits bodyOnly(int maxBodyBytes) {
        return new ApiLimits(maxBodyBytes, 1_000_000, 1_000_000);
    }
}
