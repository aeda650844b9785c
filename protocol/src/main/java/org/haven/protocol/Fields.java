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

    static String text(String value, String name, int max) {
        required(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + ": blank");
        }
        if (value.length() > max) {
            throw new IllegalArgumentException(name + ": " + value.length() + " characters (expected: <= " + max + ")");
        }
        return value;
    }

    static String optionalText(String value, String name, int max) {
        return value == null ? null : text(value, name, max);
    }

    static String phone(String value, String name) {
        text(value, name, 32);
        if (!value.matches("\\+?[0-9 ()\\-.]{3,31}")) {
            throw new IllegalArgumentException(name + ": not a phone number (expected: digits, spaces, + ( ) - .)");
        }
        return value;
    }

    static java.util.List<String> entries(java.util.List<String> values, String name) {
        if (values == null) {
            return java.util.List.of();
        }
        if (values.size() > 20) {
            throw new IllegalArgumentException(name + ": " + values.size() + " entries (expected: <= 20)");
        }
        for (String v : values) {
            text(v, name + "[]", 500);
        }
        return java.util.List.copyOf(values);
    }
}
