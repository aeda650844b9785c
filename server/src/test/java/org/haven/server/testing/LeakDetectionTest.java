package org.haven.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/** The leak gate itself works: a buffer dropped without release is reported as a LEAK line. */
class LeakDetectionTest {

    @Test
    void testsRunWithTheParanoidDetector() {
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
    }

    @Test
    void aLeakedBufferIsRecorded() throws Exception {
        leakOne();
        assertThat(LeakDetectionExtension.collect())
                .anySatisfy(line -> assertThat(line).contains("LEAK:"));
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.buffer(64);
        leaked.writeInt(42);
        // deliberately not released
    }
}
