package org.haven.server.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose HTTP request is not complete within the deadline: counted from the
 * connection (its TLS handshake included) and, on a kept-alive HTTP connection, from the previous
 * answer. A client that sends its request a byte at a time (slowloris) cannot hold a connection
 * longer than that, however steadily it sends. A request read whole waits at most {@link #ANSWER}
 * for its answer, which has {@link #DOWNLOAD} to go out. Once the WebSocket upgrade is answered (101)
 * the connection is the {@link HelloGate}'s, and this handler leaves the pipeline.
 *
 * <p>Threading: the connection's event loop.
 */
final class HttpRequestDeadline extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(HttpRequestDeadline.class);

    /** How long an answer may take to go out whole (a slow mobile link, a large console file). */
    static final Duration DOWNLOAD = Duration.ofSeconds(60);

    /**
     * How long a request read whole may wait for its answer: longer than any answer Haven gives
     * (a server-API call forwarded to another node: up to 5 s to find it, 10 s for its answer), short
     * enough that a store that never answers does not hold the connection for good.
     */
    static final Duration ANSWER = Duration.ofSeconds(30);

    private final Duration deadline;
    private final TransportCounters counters;
    private @Nullable ScheduledFuture<?> timer;

    HttpRequestDeadline(Duration deadline, TransportCounters counters) {
        this.deadline = deadline;
        this.counters = counters;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest) {
            // Complete in time. Its answer has ANSWER to come; the next request gets its own
            // deadline once this one is answered.
            start(ctx, ANSWER, () -> {
                log.warn("http request not answered in time, closing limit={}s", ANSWER.toSeconds());
                ctx.close();
            });
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            if (response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                stop();
                ctx.pipeline().remove(this);
            } else {
                // A slow reader has DOWNLOAD to take the answer; the next request's deadline counts
                // from when the answer has gone out whole.
                start(ctx, DOWNLOAD);
                ctx.write(msg, promise.unvoid()).addListener(done -> {
                    if (ctx.channel().isActive()) {
                        start(ctx, deadline);
                    }
                });
                return;
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    private void start(ChannelHandlerContext ctx) {
        start(ctx, deadline);
    }

    private void start(ChannelHandlerContext ctx, Duration limit) {
        start(ctx, limit, () -> {
            counters.slowRequest();
            ctx.close();
        });
    }

    private void start(ChannelHandlerContext ctx, Duration limit, Runnable expired) {
        stop();
        timer = ctx.executor().schedule(expired, limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void stop() {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
            timer = null;
        }
    }
}
