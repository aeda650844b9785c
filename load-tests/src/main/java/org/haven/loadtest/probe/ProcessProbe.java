package org.haven.loadtest.probe;

import java.util.OptionalLong;

/** What every probe of a server process shares: its resident memory, read from {@code /proc}. */
abstract class ProcessProbe implements ServerProbe {

    private final ProcessMemory memory;

    ProcessProbe(ProcessMemory memory) {
        this.memory = memory;
    }

    @Override
    public final OptionalLong residentBytes() {
        return memory.resident();
    }

    @Override
    public final OptionalLong peakResidentBytes() {
        return memory.peakResident();
    }
}
