package org.haven.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/operations.md documents every setting in one table, and nothing that is not a setting. */
class OperationsDocumentTest {

    private static final Path DOC = Path.of("..", "docs", "operations.md");

    @Test
    void everySettingHasARowWithItsYamlKey() throws IOException {
        String doc = Files.readString(DOC);
        for (Settings.Setting s : Settings.all()) {
            assertThat(doc).as(s.env()).contains("| `" + s.env() + "` | `" + s.yamlKey() + "` |");
        }
    }

    @Test
    void everyDefaultIsTheOneInTheTableOfSettings() throws IOException {
        String doc = Files.readString(DOC);
        for (Settings.Setting s : Settings.all()) {
            if (s.defaultText() != null && !s.secret()) {
                assertThat(doc)
                        .as(s.env() + " default")
                        .contains("| `" + s.env() + "` | `" + s.yamlKey() + "` | `" + s.defaultText() + "` |");
            }
        }
    }

    @Test
    void everyRowIsASetting() throws IOException {
        Matcher row = Pattern.compile("(?m)^\\| `(HAVEN_[A-Z_]+)` \\|").matcher(Files.readString(DOC));
        int rows = 0;
        while (row.find()) {
            rows++;
            assertThat(Settings.byEnv(row.group(1))).as(row.group(1)).isNotNull();
        }
        assertThat(rows).isEqualTo(Settings.all().size());
    }
}
