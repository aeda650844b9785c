package org.haven.loadtest.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Memory figures are read from /proc and jcmd's output, and are empty rather than guessed when they cannot be. */
class ServerProbeTest {

    @Test
    void g1HeapInfoIsTheHeapLineOnly() {
        String g1 = """
                12345:
                 garbage-first heap   total 262144K, used 20480K [0x0000000080000000, 0x0000000100000000)
                  region size 1024K, 5 young (5120K), 0 survivors (0K)
                 Metaspace       used 12000K, committed 12288K, reserved 1114112K
                  class space    used 1200K, committed 1280K, reserved 1048576K
                """;

        assertThat(JvmProbe.heapUsed(g1)).hasValue(20480L * 1024);
    }

    @Test
    void generationalHeapInfoAddsTheGenerations() {
        String serial = """
                12345:
                 def new generation   total 78656K, used 1000K [0x00000000c0000000, 0x00000000c5550000, 0x00000000d5550000)
                  eden space 69952K,   1% used [0x00000000c0000000, 0x00000000c00fa000, 0x00000000c4450000)
                 tenured generation   total 174784K, used 3000K [0x00000000d5550000, 0x00000000e0000000, 0x0000000100000000)
                 Metaspace       used 800K, committed 1024K, reserved 1114112K
                """;

        assertThat(JvmProbe.heapUsed(serial)).hasValue(4000L * 1024);
        assertThat(JvmProbe.heapUsed("12345:\nno such command\n")).isEmpty();
    }

    @Test
    void residentMemoryOfALiveProcessIsRead() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "Linux /proc");
        ServerProbe probe = ServerProbe.jvm(ProcessHandle.current().pid());

        assertThat(probe.residentBytes()).isPresent();
        assertThat(probe.peakResidentBytes().getAsLong())
                .isGreaterThanOrEqualTo(probe.residentBytes().getAsLong() / 2);
        assertThat(ProcessMemory.kibibytes("  2048 kB")).isEqualTo(2048L * 1024);
    }

    @Test
    void aProcessThatIsGoneGivesNoFigures() {
        ServerProbe probe = ServerProbe.jvm(Long.MAX_VALUE);

        assertThat(probe.residentBytes()).isEqualTo(OptionalLong.empty());
        assertThat(probe.heapAfterGcBytes()).isEqualTo(OptionalLong.empty());
        assertThat(ServerProbe.none().heapAfterGcBytes()).isEmpty();
    }
}
