package org.haven.loadtest.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

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
    private static final byte[] MARK_BYTES = MARK.getBytes(StandardCharsets.US_ASCII);

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
        return intendedNanos(Unpooled.wrappedBuffer(frame.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The same, read from a text frame's UTF-8 bytes without decoding them: the mark and the time are
     * ASCII, and no byte of a multi-byte UTF-8 character is. The buffer's indexes are left as they were.
     */
    public static long intendedNanos(ByteBuf frame) {
        int end = frame.writerIndex();
        int at = -1;
        for (int i = frame.readerIndex(); i + MARK_BYTES.length <= end; i++) {
            if (frame.getByte(i) == MARK_BYTES[0]
                    && frame.getByte(i + 1) == MARK_BYTES[1]
                    && frame.getByte(i + 2) == MARK_BYTES[2]) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            return NONE;
        }
        int i = at + MARK_BYTES.length;
        boolean negative = i < end && frame.getByte(i) == '-';
        if (negative) {
            i++;
        }
        long value = 0;
        int digits = 0;
        for (; i < end && frame.getByte(i) != END; i++, digits++) {
            byte c = frame.getByte(i);
            if (c < '0' || c > '9' || digits == 18) {
                return NONE;
            }
            value = value * 10 + (c - '0');
        }
        if (digits == 0 || i == end) {
            return NONE;
        }
        return negative ? -value : value;
    }
}
