package org.haven.loadtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Latencies recorded on many threads reach one interval histogram, each once. */
class ThreadRecorderTest {

    @Test
    void everyThreadsValuesAreSummedOnceByInterval() throws InterruptedException {
        ThreadRecorder recorder = new ThreadRecorder(3);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            long value = 1_000L * (t + 1);
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < 10_000; i++) {
                    recorder.record(value);
                }
            });
            thread.start();
            threads.add(thread);
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }

        Histogram first = recorder.intervalHistogram();
        assertThat(first.getTotalCount()).isEqualTo(40_000);
        assertThat(first.getMinValue()).isEqualTo(1_000);
        assertThat(first.getMaxValue()).isBetween(4_000L, 4_004L);
        assertThat(first.getCountAtValue(2_000)).isEqualTo(10_000);

        recorder.record(7);
        Histogram second = recorder.intervalHistogram();
        assertThat(second.getTotalCount()).isEqualTo(1);
        assertThat(second.getMaxValue()).isEqualTo(7);
    }
}
