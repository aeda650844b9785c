package org.haven.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.haven.client.HavenClient;
import org.haven.protocol.Role;
import org.haven.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every thread a running node starts is in the table of threads in docs/architecture.md: a new
 * thread without a line there fails here.
 */
class ThreadsIT {

    @RegisterExtension
    final TestServer haven = new TestServer(b -> b);

    @Test
    void everyThreadOfANodeIsDocumented() throws Exception {
        HavenClient bo = haven.login("dr-bo", Role.CLINICIAN, "demo", "group-1");
        haven.join(bo, "group-1");
        Set<String> names = new TreeSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            // haven-client: the test's own client library, not the node.
            if (t.getName().startsWith("haven-") && !t.getName().startsWith("haven-client")) {
                names.add(t.getName().replaceAll("-\\d+$", "-N"));
            }
        }
        String doc = Files.readString(Path.of("..", "docs", "architecture.md"));
        assertThat(names).as("threads of a node").contains("haven-alerts", "haven-timer", "haven-room-N");
        for (String name : names) {
            assertThat(doc).as(name + " in the table of threads").contains("| `" + name + "`");
        }
        bo.close();
    }
}
