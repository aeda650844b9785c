package org.haven.server.care;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.haven.protocol.Care;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a client in crisis is shown: 988 and the local emergency number, or the organisation's own list. */
class CrisisResourcesTest {

    @TempDir
    Path dir;

    @Test
    void defaultsTo988AndTheLocalEmergencyNumber() {
        CrisisResources resources = CrisisResources.load(null);
        assertThat(resources.forClient("demo", "US"))
                .extracting(Care.CrisisResource::channel, Care.CrisisResource::contact)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Care.Channel.CALL, "988"),
                        org.assertj.core.groups.Tuple.tuple(Care.Channel.TEXT, "988"),
                        org.assertj.core.groups.Tuple.tuple(Care.Channel.CALL, "911"));
        assertThat(resources.forClient("demo", "GB"))
                .extracting(Care.CrisisResource::contact)
                .containsExactly("999");
        assertThat(resources.forClient("demo", "FR"))
                .extracting(Care.CrisisResource::contact)
                .containsExactly("112");
        assertThat(resources.forClient("demo", null))
                .extracting(Care.CrisisResource::contact)
                .containsExactly("988", "988", "911");
    }

    @Test
    void anOrganisationsOwnListReplacesTheDefaults() throws Exception {
        Path file = dir.resolve("crisis.json");
        Files.writeString(
                file,
                "{\"orgs\":{\"north\":[{\"name\":\"Samaritans\",\"channel\":\"call\",\"contact\":\"116 123\"},"
                        + "{\"name\":\"Shout\",\"channel\":\"text\",\"contact\":\"85258\"}]}}");
        CrisisResources resources = CrisisResources.load(file);
        assertThat(resources.forClient("north", "GB"))
                .extracting(Care.CrisisResource::contact)
                .containsExactly("116 123", "85258");
        assertThat(resources.forClient("demo", "US"))
                .extracting(Care.CrisisResource::contact)
                .contains("988");
    }

    @Test
    void aBadFileNamesTheSetting() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"orgs\":{\"north\":[{\"name\":\"x\",\"channel\":\"pigeon\",\"contact\":\"1\"}]}}");
        assertThatThrownBy(() -> CrisisResources.load(file)).hasMessageStartingWith("HAVEN_CRISIS_RESOURCES");
        assertThatThrownBy(() -> CrisisResources.load(dir.resolve("missing.json")))
                .hasMessageStartingWith("HAVEN_CRISIS_RESOURCES");
    }
}
