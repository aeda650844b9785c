package org.haven.server.room;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.haven.protocol.Member;
import org.haven.protocol.Sessions;

/**
 * How a room's session state and members are written in the {@link RoomJournal}: small JSON texts.
 *
 * <p>Threading: stateless, any thread.
 */
final class RoomRecords {

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** A room's session state, as recorded. */
    record Header(
            Sessions.RoomKind kind,
            Sessions.State state,
            boolean admission,
            boolean pausedForCoverage,
            List<String> removed) {}

    private RoomRecords() {}

    static String write(Header header) {
        return write((Object) header);
    }

    static Header header(String text) {
        return read(text, Header.class);
    }

    static String member(Member member) {
        return write(member);
    }

    static Member member(String text) {
        return read(text, Member.class);
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a room record could not be written", e);
        }
    }

    private static <T> T read(String text, Class<T> type) {
        try {
            return JSON.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "a room record could not be read (" + e.getClass().getSimpleName() + ")");
        }
    }
}
