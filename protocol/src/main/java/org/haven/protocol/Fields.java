package org.haven.protocol;

/** Field checks for message records: a failed check is reported as {@code invalid_message}. */
final class Fields {

    private Fields() {}

    static <T> T required(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + ": missing");
        }
        if (value instanceof String s && s.isEmpty()) {
            throw new IllegalArgumentException(name + ": empty");
        }
        return value;
    }

    static String id(String value) {
        required(value, "id");
        if (value.length() > 64) {
            throw new IllegalArgumentException("id: " + value.length() + " characters (expected: <= 64)");
        }
        return value;
    }

    static String roomId(String value) {
        required(value, "room");
        if (value.length() > 128) {
            throw new IllegalArgumentException("room: " + value.length() + " characters (expected: <= 128)");
        }
        return value;
    }
}
