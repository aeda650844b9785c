package org.haven.loadtest.scenario;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.haven.loadtest.wire.PeerEvents;
import org.haven.loadtest.wire.WirePeer;
import org.haven.protocol.Role;

/**
 * The members of a group-chat run: {@code rooms} rooms of {@code members} users each, every user on
 * one connection of their own. Seat 0 of each room is a clinician, the room's facilitator (Haven
 * pauses a group left without one for 30 s); the other seats are clients, who check in before they
 * join. Facilitators enter first.
 */
final class ChatRooms {

    /** One member: their connection, room (index and id) and seat. */
    record Member(WirePeer peer, int room, String roomId, int seat) {}

    private static final int CONNECT_CONCURRENCY = 200;

    private final Run run;
    private final List<String> roomIds = new ArrayList<>();
    private final List<Member> members = new ArrayList<>();
    private final Map<WirePeer, Member> byPeer = new IdentityHashMap<>();
    private final Map<Integer, LongAdder> closesByCode = new ConcurrentHashMap<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final int perRoom;

    private ChatRooms(Run run, int rooms, int perRoom, PeerEvents events) {
        this.run = run;
        this.perRoom = perRoom;
        for (int r = 0; r < rooms; r++) {
            roomIds.add(run.room(String.format("room-%04d", r)));
        }
        for (int r = 0; r < rooms; r++) {
            for (int s = 0; s < perRoom; s++) {
                Role role = s == 0 ? Role.CLINICIAN : Role.CLIENT;
                WirePeer peer = run.peer(String.format("r%04d-s%03d", r, s), role, List.of(roomIds.get(r)), events);
                Member member = new Member(peer, r, roomIds.get(r), s);
                members.add(member);
                byPeer.put(peer, member);
                peer.closeFuture().thenAccept(code -> {
                    if (!closing.get()) {
                        closesByCode.computeIfAbsent(code, c -> new LongAdder()).increment();
                    }
                });
            }
        }
    }

    /**
     * Connects every member and puts them in their room; throws {@link IllegalStateException} if
     * any could not (the run would not measure what it says).
     */
    static ChatRooms open(Run run, int rooms, int perRoom, PeerEvents events) throws InterruptedException {
        ChatRooms chat = new ChatRooms(run, rooms, perRoom, events);
        List<Member> facilitators =
                chat.members.stream().filter(m -> m.seat() == 0).toList();
        List<Member> clients = chat.members.stream().filter(m -> m.seat() > 0).toList();
        chat.enter(facilitators, 0);
        chat.enter(clients, facilitators.size());
        return chat;
    }

    private void enter(List<Member> who, int firstIndex) throws InterruptedException {
        Connector.Outcome outcome = new Connector(run, CONNECT_CONCURRENCY, 0)
                .connect(
                        who.stream().map(Member::peer).toList(),
                        firstIndex,
                        peer -> peer.enterRoom(byPeer.get(peer).roomId()));
        if (outcome.ready() < who.size()) {
            throw new IllegalStateException(outcome.ready() + " of " + who.size() + " members entered their rooms"
                    + (outcome.failures().isEmpty()
                            ? " before the time limit"
                            : "; first failure: " + outcome.failures().get(0)));
        }
    }

    List<Member> members() {
        return members;
    }

    int rooms() {
        return roomIds.size();
    }

    /** The member at a seat of a room. */
    Member member(int room, int seat) {
        return members.get(room * perRoom + seat);
    }

    /** Connections the server closed while the run was on, by close code ({@code -1}: without a close frame). */
    Map<Integer, Long> closesByCode() {
        Map<Integer, Long> out = new TreeMap<>();
        closesByCode.forEach((code, n) -> out.put(code, n.sum()));
        return out;
    }

    /** Closes every connection; closes from now on are the generator's own and not counted. */
    void closeAll() {
        closing.set(true);
        members.forEach(m -> m.peer().close());
    }

    /** The members other than {@code silent}, who post and read in a phase. */
    List<Member> activeMembers(Set<WirePeer> silent) {
        return members.stream().filter(m -> !silent.contains(m.peer())).toList();
    }
}
