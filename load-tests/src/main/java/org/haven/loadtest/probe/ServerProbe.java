package org.haven.loadtest.probe;

import java.net.URI;
import java.util.OptionalLong;

/**
 * Reads the memory of the server process under test, from outside it: resident memory from
 * {@code /proc/<pid>/status}, and the heap in use after a full garbage collection (the live set)
 * from {@code jcmd} for a JVM or the Socket.IO peer's {@code /stats} for node. Every figure is
 * empty when it cannot be read (no process id given, another OS, a tool missing), never guessed.
 */
public interface ServerProbe {

    /** Resident memory now (VmRSS), in bytes. */
    OptionalLong residentBytes();

    /** The highest resident memory since the process started (VmHWM), in bytes. */
    OptionalLong peakResidentBytes();

    /** Heap in use right after a full collection, in bytes; forces that collection. */
    OptionalLong heapAfterGcBytes();

    /** A probe that reads nothing: the server runs in this process, or its process id is unknown. */
    static ServerProbe none() {
        return new ServerProbe() {
            @Override
            public OptionalLong residentBytes() {
                return OptionalLong.empty();
            }

            @Override
            public OptionalLong peakResidentBytes() {
                return OptionalLong.empty();
            }

            @Override
            public OptionalLong heapAfterGcBytes() {
                return OptionalLong.empty();
            }
        };
    }

    /** A JVM server process (Haven, the ceiling). */
    static ServerProbe jvm(long pid) {
        return new JvmProbe(new ProcessMemory(pid), pid);
    }

    /** The node process of the Socket.IO peer, whose heap is read at {@code statsUrl}. */
    static ServerProbe node(long pid, URI statsUrl) {
        return new NodeProbe(new ProcessMemory(pid), statsUrl);
    }
}
