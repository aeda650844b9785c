package org.haven.loadtest.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Resident memory of a process, read from {@code /proc/<pid>/status} (Linux). */
final class ProcessMemory {

    private final Path status;

    ProcessMemory(long pid) {
        this.status = Path.of("/proc", Long.toString(pid), "status");
    }

    OptionalLong resident() {
        return field("VmRSS:");
    }

    OptionalLong peakResident() {
        return field("VmHWM:");
    }

    private OptionalLong field(String name) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(name)) {
                    return OptionalLong.of(kibibytes(line.substring(name.length())));
                }
            }
        } catch (IOException | RuntimeException e) {
            // The process is gone, or this is not Linux: no figure.
        }
        return OptionalLong.empty();
    }

    /** Parses "  123456 kB" to bytes. */
    static long kibibytes(String value) {
        String number = value.trim().split("\\s+")[0];
        return Long.parseLong(number) * 1024;
    }
}
