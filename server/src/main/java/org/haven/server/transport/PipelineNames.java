package org.haven.server.transport;

/**
 * The names of the handlers of a connection's pipeline, in pipeline order. The initializer adds
 * them in this order; handlers that swap themselves out (the hello gate becomes the session) use
 * these names.
 *
 * <ol>
 *   <li>{@link #TLS} — when configured: TLS 1.2 or 1.3 only (wss and https)</li>
 *   <li>{@link #FLUSH} — batches flushes of many small frames into fewer syscalls</li>
 *   <li>{@link #IDLE} — notices silence: no bytes read for the ping interval</li>
 *   <li>{@link #KEEP_ALIVE} — pings a silent WebSocket, closes one that stays silent (a broken peer)</li>
 *   <li>{@link #HTTP_CODEC} — HTTP/1.1 until the upgrade; replaced by the WebSocket codec after it</li>
 *   <li>{@link #HTTP_AGGREGATOR} — whole requests, bounded</li>
 *   <li>{@link #REQUEST_DEADLINE} — closes a connection whose HTTP request (the upgrade included) is not
 *       whole within the hello time-out, however steadily it trickles in; gone after the upgrade</li>
 *   <li>{@link #HTTP_ROUTES} — the origin check of {@code /ws}, then {@code /healthz}, {@code /readyz}, the
 *       optional {@code /admin/revoke} and {@code /dev/token}, and the console's files</li>
 *   <li>{@link #WEBSOCKET} — the handshake, close, ping/pong and frame size limit</li>
 *   <li>{@link #WEBSOCKET_AGGREGATOR} — fragmented messages joined, same size limit</li>
 *   <li>{@link #FRAME_CODEC} — text frame to decoded protocol record; outbound frames to text frames</li>
 *   <li>{@link #OUTBOUND_QUEUE} — drains the bounded outbound queue when the socket becomes writable</li>
 *   <li>{@link #HELLO_GATE} — admits nothing but a valid {@code hello} within the time-out; then becomes
 *       {@link #SESSION}</li>
 *   <li>{@link #SESSION} — hands requests to the domain's session</li>
 *   <li>{@link #ERRORS} — the last word on exceptions: a close code, never a stack trace to the client</li>
 * </ol>
 */
public final class PipelineNames {

    public static final String TLS = "tls";
    public static final String FLUSH = "flush-consolidation";
    public static final String IDLE = "idle";
    public static final String KEEP_ALIVE = "keep-alive";
    public static final String HTTP_CODEC = "http-codec";
    public static final String HTTP_AGGREGATOR = "http-aggregator";
    public static final String REQUEST_DEADLINE = "request-deadline";
    public static final String HTTP_ROUTES = "http-routes";
    public static final String WEBSOCKET = "websocket";
    public static final String WEBSOCKET_AGGREGATOR = "websocket-aggregator";
    public static final String FRAME_CODEC = "frame-codec";
    public static final String OUTBOUND_QUEUE = "outbound-queue";
    public static final String HELLO_GATE = "hello-gate";
    public static final String SESSION = "session";
    public static final String ERRORS = "errors";

    private PipelineNames() {}
}
