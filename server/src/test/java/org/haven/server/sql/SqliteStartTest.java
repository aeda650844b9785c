package org.haven.server.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.haven.server.storage.StorageUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory the node cannot keep its records in stops the start, naming HAVEN_DATA_DIR and
 * what is wrong with it, rather than a node that fails the first alert it stores.
 */
class SqliteStartTest {

    @TempDir
    Path dir;

    private final TestDatabases databases = new TestDatabases();

    @AfterEach
    void close() {
        databases.close();
    }

    @Test
    void opensAndWritesItsFileInAFreshDirectory() {
        databases.sqlite(dir.resolve("data"));
        assertThat(dir.resolve("data").resolve(SqlDatabase.SQLITE_FILE)).isRegularFile();
    }

    @Test
    void aDirectoryUnderAFileIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        assertThatThrownBy(() -> databases.sqlite(file.resolve("data")))
                .isInstanceOf(StorageUnavailableException.class)
                .hasMessage("the data directory HAVEN_DATA_DIR names cannot be used (" + file.resolve("data")
                        + "): cannot create it (not a directory)");
    }

    @Test
    void aFileInPlaceOfTheDirectoryIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        assertThatThrownBy(() -> databases.sqlite(file))
                .isInstanceOf(StorageUnavailableException.class)
                .hasMessageEndingWith("(" + file + "): it is a file, not a directory");
    }

    @Test
    void aDirectoryTheNodeCannotWriteIsFoundAtStartNotAtTheFirstAlert() throws Exception {
        // Root writes anywhere: this needs an ordinary user.
        Assumptions.assumeFalse("root".equals(System.getProperty("user.name")));
        Path data = dir.resolve("data");
        try (TestDatabases first = new TestDatabases()) {
            first.sqlite(data); // made and migrated: a start after this only reads
        }
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assertThatThrownBy(() -> databases.sqlite(data))
                    .isInstanceOf(StorageUnavailableException.class)
                    .hasMessageContaining("cannot write " + data.resolve(SqlDatabase.SQLITE_FILE));
        } finally {
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aFileThatIsNotADatabaseIsNamed() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path file = Files.writeString(data.resolve(SqlDatabase.SQLITE_FILE), "x".repeat(4096));
        assertThatThrownBy(() -> databases.sqlite(data))
                .isInstanceOfSatisfying(
                        StorageUnavailableException.class,
                        e -> assertThat(e.setting()).isEqualTo("HAVEN_DATA_DIR"))
                .hasMessageEndingWith(": " + file + " is not a database");
    }
}
