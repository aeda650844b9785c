package org.haven.loadtest.scenario;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * A latency recorder that many threads write without contending: each writing thread has its own
 * {@link SingleWriterRecorder}, and an interval histogram is the sum of theirs. One shared
 * {@code Recorder} written by every event loop of the generator was 4 % of its CPU in group chat.
 *
 * <p>Threading: {@link #record} from any thread; {@link #intervalHistogram} from one reader at a time.
 */
final class ThreadRecorder {

    private final int significantDigits;
    private final List<SingleWriterRecorder> recorders = new CopyOnWriteArrayList<>();
    private final ThreadLocal<SingleWriterRecorder> mine;

    ThreadRecorder(int significantDigits) {
        this.significantDigits = significantDigits;
        this.mine = ThreadLocal.withInitial(() -> {
            SingleWriterRecorder recorder = new SingleWriterRecorder(this.significantDigits);
            recorders.add(recorder);
            return recorder;
        });
    }

    void record(long value) {
        mine.get().recordValue(value);
    }

    /** What every thread recorded since the last call (or since the start). */
    Histogram intervalHistogram() {
        Histogram sum = new Histogram(significantDigits);
        for (SingleWriterRecorder recorder : recorders) {
            sum.add(recorder.getIntervalHistogram());
        }
        return sum;
    }
}
