package org.haven.server.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.haven.server.cluster.Leases;
import org.junit.jupiter.api.Test;

/**
 * The guarantees of {@link RoomJournal}, run against every implementation: extend it and supply
 * journals and leases of two nodes sharing one fresh, empty store, each journal keeping at most
 * {@link #MAX_EVENTS} events per room.
 */
public abstract class RoomJournalContract {

    protected static final int MAX_EVENTS = 5;

    /** The journal written by node {@code node} ("n-1" or "n-2"). */
    protected abstract RoomJournal journalOf(String node);

    /** The leases of node {@code node}, over the same store. */
    protected abstract Leases leasesOf(String node);

    /** The fence of a node holding organisation leases as the cluster names them ({@code org:<id>}). */
    static InMemoryRoomJournal.Fence fenceOf(Leases leases) {
        return org -> leases.holder("org:" + org)
                .thenApply(h -> h.isPresent() && h.get().equals(leases.node()));
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static final RoomKey ROOM = new RoomKey("org-1", "group:1{x}");

    private static RoomJournal.Entry first(long seq) {
        return new RoomJournal.Entry(
                seq,
                seq - 1,
                1000 + seq,
                frame(seq),
                "{\"state\":\"live\"}",
                Map.of("alice", "{\"name\":\"Alice\"}", "bo", "{\"name\":\"Bo\"}"),
                List.of(),
                true);
    }

    private static RoomJournal.Entry next(long seq) {
        return new RoomJournal.Entry(seq, seq - 1, 1000 + seq, frame(seq), null, Map.of(), List.of(), false, false);
    }

    private static String frame(long seq) {
        return "{\"type\":\"chat.message\",\"seq\":" + seq + ",\"text\":\"a:b:c\"}";
    }

    private RoomJournal serving(String node) throws Exception {
        assertThat(await(leasesOf(node).acquireOrRenew("org:org-1"))).isEqualTo(node);
        return journalOf(node);
    }

    private static RoomJournal.Recorded only(List<RoomJournal.Recorded> rooms) {
        assertThat(rooms).hasSize(1);
        return rooms.get(0);
    }

    @Test
    void keepsEventsInOrderWithTheHeaderAndTheMembers() throws Exception {
        RoomJournal journal = serving("n-1");
        assertThat(await(journal.append(ROOM, first(101)))).isEqualTo(RoomJournal.Appended.WRITTEN);
        assertThat(await(journal.append(ROOM, next(102)))).isEqualTo(RoomJournal.Appended.WRITTEN);
        assertThat(await(journal.append(
                        ROOM,
                        new RoomJournal.Entry(
                                103,
                                102,
                                1103,
                                frame(103),
                                "{\"state\":\"paused\"}",
                                Map.of("cy", "{\"name\":\"Cy\"}"),
                                List.of("bo"),
                                false))))
                .isEqualTo(RoomJournal.Appended.WRITTEN);

        RoomJournal.Recorded room = only(await(journalOf("n-2").load("org-1")));
        assertThat(room.room()).isEqualTo(ROOM.room());
        assertThat(room.header()).isEqualTo("{\"state\":\"paused\"}");
        assertThat(room.members()).isEqualTo(Map.of("alice", "{\"name\":\"Alice\"}", "cy", "{\"name\":\"Cy\"}"));
        assertThat(room.events())
                .containsExactly(
                        new RoomJournal.Event(101, 1101, frame(101)),
                        new RoomJournal.Event(102, 1102, frame(102)),
                        new RoomJournal.Event(103, 1103, frame(103)));
        assertThat(await(journal.load("org-2")))
                .as("other organisations' rooms are apart")
                .isEmpty();
    }

    @Test
    void writesSeveralEventsInOneStep() throws Exception {
        RoomJournal journal = serving("n-1");
        assertThat(await(journal.append(
                        ROOM,
                        List.of(
                                first(1),
                                next(2),
                                new RoomJournal.Entry(
                                        3,
                                        2,
                                        1003,
                                        frame(3),
                                        "{\"state\":\"paused\"}",
                                        Map.of(),
                                        List.of("alice"),
                                        false)))))
                .isEqualTo(RoomJournal.Appended.WRITTEN);
        assertThat(await(journal.append(ROOM, List.of(next(4), next(5))))).isEqualTo(RoomJournal.Appended.WRITTEN);
        RoomJournal.Recorded room = only(await(journal.load("org-1")));
        assertThat(room.events()).extracting(RoomJournal.Event::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(room.header()).isEqualTo("{\"state\":\"paused\"}");
        assertThat(room.members()).containsOnlyKeys("bo");

        assertThat(await(journal.append(ROOM, List.of(next(6), next(8), next(9)))))
                .as("a gap inside a step")
                .isEqualTo(RoomJournal.Appended.OUT_OF_STEP);
        assertThat(await(journal.load("org-1"))).isEmpty();
        assertThat(await(journal.append(ROOM, List.of(next(10), first(20), next(21)))))
                .isEqualTo(RoomJournal.Appended.OUT_OF_STEP);
        assertThat(await(journal.append(ROOM, List.of(first(30), next(31))))).isEqualTo(RoomJournal.Appended.WRITTEN);
        assertThat(only(await(journal.load("org-1"))).events())
                .extracting(RoomJournal.Event::seq)
                .containsExactly(30L, 31L);
    }

    @Test
    void keepsTheLastEventsOnly() throws Exception {
        RoomJournal journal = serving("n-1");
        await(journal.append(ROOM, first(1)));
        for (long seq = 2; seq <= 9; seq++) {
            await(journal.append(ROOM, next(seq)));
        }
        assertThat(only(await(journal.load("org-1"))).events())
                .extracting(RoomJournal.Event::seq)
                .containsExactly(5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void anEntryOutOfStepDropsTheRecordAndAResetStartsItAgain() throws Exception {
        RoomJournal journal = serving("n-1");
        await(journal.append(ROOM, first(10)));
        assertThat(await(journal.append(ROOM, next(12))))
                .as("11 is missing")
                .isEqualTo(RoomJournal.Appended.OUT_OF_STEP);
        assertThat(await(journal.load("org-1")))
                .as("a gap is never taken for a recovery")
                .isEmpty();
        assertThat(await(journal.append(ROOM, next(13)))).isEqualTo(RoomJournal.Appended.OUT_OF_STEP);
        assertThat(await(journal.append(ROOM, first(20)))).isEqualTo(RoomJournal.Appended.WRITTEN);
        assertThat(await(journal.append(ROOM, first(30))))
                .as("a reset replaces whatever was there")
                .isEqualTo(RoomJournal.Appended.WRITTEN);
        assertThat(only(await(journal.load("org-1"))).events())
                .extracting(RoomJournal.Event::seq)
                .containsExactly(30L);
    }

    @Test
    void onlyTheNodeServingTheOrganisationWrites() throws Exception {
        RoomJournal one = serving("n-1");
        await(one.append(ROOM, first(1)));
        RoomJournal two = journalOf("n-2");
        assertThat(await(two.append(ROOM, first(50)))).isEqualTo(RoomJournal.Appended.NOT_SERVING);
        assertThat(await(two.append(ROOM, next(2)))).isEqualTo(RoomJournal.Appended.NOT_SERVING);
        await(two.forget(ROOM));
        assertThat(only(await(one.load("org-1"))).events())
                .extracting(RoomJournal.Event::seq)
                .containsExactly(1L);

        await(leasesOf("n-1").release("org:org-1"));
        assertThat(await(one.append(ROOM, next(2))))
                .as("a node that gave the organisation up is fenced off")
                .isEqualTo(RoomJournal.Appended.NOT_SERVING);
        serving("n-2");
        assertThat(await(two.append(ROOM, next(2)))).isEqualTo(RoomJournal.Appended.WRITTEN);
        assertThat(only(await(two.load("org-1"))).events())
                .extracting(RoomJournal.Event::seq)
                .containsExactly(1L, 2L);
    }

    @Test
    void anEntryWithoutAnEventChangesTheHeaderInStep() throws Exception {
        RoomJournal journal = serving("n-1");
        await(journal.append(ROOM, first(1)));
        await(journal.append(ROOM, next(2)));
        assertThat(await(journal.append(
                        ROOM,
                        new RoomJournal.Entry(
                                2, 2, 1002, null, "{\"state\":\"paused\"}", Map.of(), List.of(), false, false))))
                .isEqualTo(RoomJournal.Appended.WRITTEN);
        RoomJournal.Recorded room = only(await(journalOf("n-2").load("org-1")));
        assertThat(room.header()).isEqualTo("{\"state\":\"paused\"}");
        assertThat(room.events())
                .extracting(RoomJournal.Event::seq)
                .as("no event added")
                .containsExactly(1L, 2L);
        assertThat(await(journal.append(ROOM, next(3))))
                .as("the next event follows the last one")
                .isEqualTo(RoomJournal.Appended.WRITTEN);
        assertThat(await(journal.append(
                        ROOM,
                        new RoomJournal.Entry(
                                2, 2, 1004, null, "{\"state\":\"live\"}", Map.of(), List.of(), false, false))))
                .as("out of step like any entry")
                .isEqualTo(RoomJournal.Appended.OUT_OF_STEP);
        assertThat(await(journal.append(
                        ROOM,
                        new RoomJournal.Entry(9, 9, 1009, null, "{\"state\":\"ended\"}", Map.of(), List.of(), true))))
                .as("a reset without an event")
                .isEqualTo(RoomJournal.Appended.WRITTEN);
        assertThat(await(journal.append(ROOM, next(10)))).isEqualTo(RoomJournal.Appended.WRITTEN);
        RoomJournal.Recorded again = only(await(journal.load("org-1")));
        assertThat(again.header()).isEqualTo("{\"state\":\"ended\"}");
        assertThat(again.members()).isEmpty();
        assertThat(again.events()).extracting(RoomJournal.Event::seq).containsExactly(10L);
    }

    @Test
    void aForgottenRoomIsGone() throws Exception {
        RoomJournal journal = serving("n-1");
        await(journal.append(ROOM, first(1)));
        RoomKey other = new RoomKey("org-1", "group-2");
        await(journal.append(other, first(7)));
        await(journal.forget(ROOM));
        assertThat(await(journal.load("org-1")))
                .extracting(RoomJournal.Recorded::room)
                .containsExactly("group-2");
        assertThat(await(journal.append(ROOM, next(2)))).isEqualTo(RoomJournal.Appended.OUT_OF_STEP);
    }
}
