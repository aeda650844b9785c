package org.haven.loadtest.ceiling;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes the frames posted to the connections of one event loop: one task per loop turn, however
 * many posts and members, and one flush per connection per turn, however many frames it got.
 * Every member gets a retained duplicate of the one encoded frame: nothing is encoded or copied per
 * member. Posts come from any thread (a member of another loop posting to a room).
 */
final class LoopWriter implements Runnable {

    private record Post(Collection<Channel> members, ByteBuf frame) {}

    private final EventLoop loop;
    private final Queue<Post> posts = PlatformDependent.newMpscQueue();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** The connections written in this turn, flushed at its end (the loop's thread only). */
    private final Map<Channel, Boolean> written = new IdentityHashMap<>();

    private final List<Channel> toFlush = new ArrayList<>();

    LoopWriter(EventLoop loop) {
        this.loop = loop;
    }

    /** Writes {@code frame} (an encoded WebSocket frame; this takes its reference) to each of {@code members}, all on this loop. */
    void post(Collection<Channel> members, ByteBuf frame) {
        posts.offer(new Post(members, frame));
        if (scheduled.compareAndSet(false, true)) {
            try {
                loop.execute(this);
            } catch (RejectedExecutionException stopped) {
                // The server is stopping; its connections with it.
                Post p;
                while ((p = posts.poll()) != null) {
                    p.frame().release();
                }
            }
        }
    }

    @Override
    public void run() {
        scheduled.set(false);
        Post p;
        while ((p = posts.poll()) != null) {
            for (Channel member : p.members()) {
                if (member.isActive()) {
                    member.write(p.frame().retainedDuplicate(), member.voidPromise());
                    if (written.put(member, Boolean.TRUE) == null) {
                        toFlush.add(member);
                    }
                }
            }
            p.frame().release();
        }
        for (Channel member : toFlush) {
            member.flush();
        }
        toFlush.clear();
        written.clear();
        if (!posts.isEmpty() && scheduled.compareAndSet(false, true)) {
            loop.execute(this);
        }
    }
}
