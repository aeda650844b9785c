package org.haven.loadtest.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory of a server JVM: resident memory from {@code /proc}, the heap after a full collection
 * from {@code jcmd <pid> GC.run} then {@code jcmd <pid> GC.heap_info}.
 */
final class JvmProbe extends ProcessProbe {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");
    private static final long JCMD_SECONDS = 20;

    private final long pid;

    JvmProbe(ProcessMemory memory, long pid) {
        super(memory);
        this.pid = pid;
    }

    @Override
    public OptionalLong heapAfterGcBytes() {
        if (jcmd("GC.run") == null) {
            return OptionalLong.empty();
        }
        String info = jcmd("GC.heap_info");
        return info == null ? OptionalLong.empty() : heapUsed(info);
    }

    /**
     * The heap in use in {@code GC.heap_info} output: the sum of the "used" figures of the heap's
     * lines (one line for G1, one per generation for the serial and parallel collectors), Metaspace
     * and class space excluded.
     */
    static OptionalLong heapUsed(String heapInfo) {
        long used = 0;
        boolean found = false;
        for (String line : heapInfo.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("Metaspace") || trimmed.startsWith("class space")) {
                break;
            }
            Matcher m = USED.matcher(line);
            if (!line.startsWith("  ") && m.find()) {
                used += Long.parseLong(m.group(1)) * 1024;
                found = true;
            }
        }
        return found ? OptionalLong.of(used) : OptionalLong.empty();
    }

    private String jcmd(String command) {
        try {
            Process process = new ProcessBuilder("jcmd", Long.toString(pid), command)
                    .redirectErrorStream(true)
                    .start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(JCMD_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return null;
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
