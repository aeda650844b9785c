package org.haven.loadtest.wire;

/**
 * The load generator's chat text: the time the message was scheduled to be sent, then padding to a
 * fixed size. Every target carries the text unchanged (Haven and Socket.IO inside their JSON, the
 * bare server as the frame itself), so receivers of every target find it the same way: one scan for
 * {@link #MARK}, whatever else the frame holds. Nothing else the targets send contains the mark.
 */
public final class Marker {

    /** Starts the scheduled send time (nanoseconds, this JVM's {@link System#nanoTime()}), ended by ';'. */
    public static final String MARK = "|t=";
    /** What {@link #intendedNanos} answers for a frame without a generator chat text. */
    public static final long NONE = Long.MIN_VALUE;

    private static final char END = ';';

    private Marker() {}

    /** A chat text of at least {@code length} characters carrying {@code intendedNanos}. */
    public static String text(long intendedNanos, int length) {
        StringBuilder text = new StringBuilder(Math.max(length, 32))
                .append(MARK)
                .append(intendedNanos)
                .append(END);
        while (text.length() < length) {
            text.append('x');
        }
        return text.toString();
    }

    /** The scheduled send time a frame carries, or {@link #NONE} when it carries no chat text of the generator. */
    public static long intendedNanos(String frame) {
        int at = frame.indexOf(MARK);
        if (at < 0) {
            return NONE;
        }
        int i = at + MARK.length();
        boolean negative = i < frame.length() && frame.charAt(i) == '-';
        if (negative) {
            i++;
        }
        long value = 0;
        int digits = 0;
        for (; i < frame.length() && frame.charAt(i) != END; i++, digits++) {
            char c = frame.charAt(i);
            if (c < '0' || c > '9' || digits == 18) {
                return NONE;
            }
            value = value * 10 + (c - '0');
        }
        if (digits == 0 || i == frame.length()) {
            return NONE;
        }
        return negative ? -value : value;
    }
}
