package org.haven.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The loop's outbox, with the loop played by hand: one task for any number of frames, a connection
 * with an urgent frame written before every other connection's waiting chat, and a bounded run
 * that gives the loop back (for its reads) and goes on in a later task.
 */
class LoopOutboxTest {

    /** The event loop's task queue, run one task at a time by the test. */
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    private final LoopOutbox outbox = new LoopOutbox(tasks::add);

    /** The order in which connections were written. */
    private final List<String> written = new ArrayList<>();

    private class Conn implements LoopOutbox.Waiting {
        final String name;
        final AtomicBoolean listed = new AtomicBoolean();
        int waiting;

        Conn(String name) {
            this.name = name;
        }

        void send(boolean urgent) {
            waiting++;
            outbox.wake(this, urgent);
        }

        @Override
        public boolean markListed() {
            return listed.compareAndSet(false, true);
        }

        @Override
        public void unlist() {
            listed.set(false);
        }

        @Override
        public void writeWaiting() {
            if (waiting > 0) {
                written.add(name);
                waiting = 0;
            }
        }
    }

    @Test
    void framesForManyConnectionsTakeOneTaskAndEachConnectionIsWrittenOnce() {
        List<Conn> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Conn c = new Conn("c" + i);
            all.add(c);
            c.send(false);
            c.send(false);
        }
        assertThat(tasks).as("one task for 100 frames").hasSize(1);
        tasks.poll().run();
        assertThat(written).hasSize(50).doesNotHaveDuplicates();
        assertThat(tasks).isEmpty();
    }

    @Test
    void anUrgentFrameIsWrittenBeforeEveryOtherConnectionsWaitingChat() {
        for (int i = 0; i < 300; i++) {
            new Conn("chat" + i).send(false);
        }
        Conn alert = new Conn("alert");
        alert.send(true);

        tasks.poll().run();

        assertThat(written.get(0)).as("the alert's connection first").isEqualTo("alert");
        assertThat(written).hasSize(1 + LoopOutbox.CONNECTIONS_PER_RUN);
        assertThat(tasks)
                .as("the rest in a later task: the loop reads in between")
                .hasSize(1);
        while (!tasks.isEmpty()) {
            tasks.poll().run();
        }
        assertThat(written).hasSize(301).doesNotHaveDuplicates();
    }

    @Test
    void aFrameSentAfterTheLoopStoppedGoesNowhereAndTheSenderIsNotThrownAt() {
        LoopOutbox stopped = new LoopOutbox(task -> {
            throw new java.util.concurrent.RejectedExecutionException("event executor terminated");
        });
        Conn c = new Conn("c");
        org.assertj.core.api.Assertions.assertThatCode(() -> stopped.wake(c, true))
                .doesNotThrowAnyException();
    }

    @Test
    void anUrgentFrameSentWhileARunIsUnderWayIsWrittenBeforeTheNextChatConnection() {
        List<Conn> chat = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            chat.add(new Conn("chat" + i));
        }
        Conn alert = new Conn("alert");
        // The first chat connection's write is what raises the alert (as another thread would, meanwhile).
        Conn trigger = new Conn("trigger") {
            @Override
            public void writeWaiting() {
                super.writeWaiting();
                alert.send(true);
            }
        };
        trigger.send(false);
        chat.forEach(c -> c.send(false));

        tasks.poll().run();

        assertThat(written).startsWith("trigger", "alert");
    }
}
