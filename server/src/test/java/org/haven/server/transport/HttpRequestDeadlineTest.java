package org.haven.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every phase of a plain HTTP connection has a bound: the request to arrive whole, its answer to
 * come, and the next request to start. The keep-alive leaves plain HTTP to it.
 */
class HttpRequestDeadlineTest {

    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private static EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new HttpRequestDeadline(DEADLINE, new TransportCounters()));
        return ch;
    }

    private static void after(EmbeddedChannel ch, Duration time) {
        ch.advanceTimeBy(time.toMillis(), TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
    }

    private static void request(EmbeddedChannel ch) {
        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/v1/alerts/a-1"));
        ReferenceCountUtil.release(ch.readInbound());
    }

    @Test
    void aRequestNotCompleteWithinTheDeadlineIsClosed() {
        EmbeddedChannel ch = channel();
        after(ch, DEADLINE.minusMillis(1));
        assertThat(ch.isOpen()).isTrue();
        after(ch, Duration.ofMillis(1));
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aRequestReadWholeWaitsForItsAnswerLongerThanTheDeadlineButNotForever() {
        EmbeddedChannel ch = channel();
        request(ch);
        after(ch, Duration.ofSeconds(15)); // a call forwarded to a hung node: up to 5 + 10 s
        assertThat(ch.isOpen()).as("its answer may still come").isTrue();
        after(ch, HttpRequestDeadline.ANSWER.minusSeconds(15));
        assertThat(ch.isOpen())
                .as("an answer that never comes does not hold the connection")
                .isFalse();
    }

    @Test
    void anAnsweredRequestGivesTheNextOneTheDeadline() {
        EmbeddedChannel ch = channel();
        request(ch);
        after(ch, Duration.ofSeconds(20));
        ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        ReferenceCountUtil.release(ch.readOutbound());
        after(ch, DEADLINE.minusMillis(1));
        assertThat(ch.isOpen()).isTrue();
        after(ch, Duration.ofMillis(1));
        assertThat(ch.isOpen()).as("idle after its answer for the deadline").isFalse();
    }
}
