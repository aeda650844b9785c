package org.haven.server.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test class (by service loading): after the class, collects garbage and
 * allocates a few buffers so Netty's paranoid leak detector reports what leaked, then fails the
 * class if a {@code LEAK:} line was logged.
 */
public final class LeakDetectionExtension implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        List<String> leaks = collect();
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported " + leaks.size() + " leak(s) in " + context.getDisplayName()
                    + ":\n" + String.join("\n", leaks));
        }
    }

    /** Provokes the detector's report and returns the leaks found. */
    public static List<String> collect() throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(50);
            for (int i = 0; i < 64; i++) {
                // The detector reports leaks when it tracks a new allocation.
                ByteBuf pooled = PooledByteBufAllocator.DEFAULT.buffer(16);
                pooled.release();
                ByteBuf direct = UnpooledByteBufAllocator.DEFAULT.directBuffer(16);
                direct.release();
                ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
                heap.release();
            }
        }
        return LeakRecorder.takeLeaks();
    }
}
