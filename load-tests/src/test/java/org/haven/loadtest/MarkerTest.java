package org.haven.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.haven.loadtest.wire.Marker;
import org.junit.jupiter.api.Test;

/** The chat text carries its scheduled send time through every target's framing. */
class MarkerTest {

    @Test
    void aTextCarriesItsScheduledTimeAndHasTheAskedLength() {
        String text = Marker.text(123_456_789_012L, 100);

        assertThat(text).hasSize(100).startsWith(Marker.MARK);
        assertThat(Marker.intendedNanos(text)).isEqualTo(123_456_789_012L);
    }

    @Test
    void theTimeIsFoundInsideEachTargetsFrame() {
        String text = Marker.text(-42L, 40);

        assertThat(Marker.intendedNanos(
                        "{\"type\":\"chat.message\",\"room\":\"r\",\"seq\":7,\"text\":\"" + text + "\"}"))
                .isEqualTo(-42L);
        assertThat(Marker.intendedNanos("42[\"chat.message\",{\"text\":\"" + text + "\"}]"))
                .isEqualTo(-42L);
        assertThat(Marker.intendedNanos("P room-1 " + text)).isEqualTo(-42L);
    }

    @Test
    void theTimeIsFoundInAFramesBytesAsInItsText() {
        String text = Marker.text(987_654_321L, 60);
        // Multi-byte characters before the mark: its bytes are found all the same.
        String frame = "{\"type\":\"chat.message\",\"from\":\"Zoë 🙂\",\"text\":\"" + text + "\"}";
        ByteBuf bytes =
                Unpooled.copiedBuffer("xx" + frame, StandardCharsets.UTF_8).skipBytes(2);

        assertThat(Marker.intendedNanos(bytes)).isEqualTo(987_654_321L);
        assertThat(bytes.readerIndex()).isEqualTo(2);
        assertThat(Marker.intendedNanos(Unpooled.copiedBuffer("{\"type\":\"ok\"}", StandardCharsets.UTF_8)))
                .isEqualTo(Marker.NONE);
        // A mark cut off at the buffer's end is not chat.
        assertThat(Marker.intendedNanos(Unpooled.copiedBuffer(Marker.MARK + "123", StandardCharsets.UTF_8)))
                .isEqualTo(Marker.NONE);
        assertThat(Marker.intendedNanos(Unpooled.copiedBuffer("|t", StandardCharsets.UTF_8)))
                .isEqualTo(Marker.NONE);
    }

    @Test
    void framesWithoutAWholeMarkAreNotChat() {
        assertThat(Marker.intendedNanos("{\"type\":\"ok\",\"re\":\"p1\"}")).isEqualTo(Marker.NONE);
        assertThat(Marker.intendedNanos(Marker.MARK + "12")).isEqualTo(Marker.NONE);
        assertThat(Marker.intendedNanos(Marker.MARK + ";")).isEqualTo(Marker.NONE);
        assertThat(Marker.intendedNanos(Marker.MARK + "1x2;")).isEqualTo(Marker.NONE);
    }
}
