package org.haven.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The few words a failed start prints: from the kind of failure, never from its message. */
class StorageUnavailableExceptionTest {

    @Test
    void namesTheSettingTheValueAsShownAndWhy() {
        StorageUnavailableException e = StorageUnavailableException.unreachable(
                "the database", "HAVEN_DATABASE_URL", "postgresql://h:********@db/h", "connection refused", null);
        assertThat(e.setting()).isEqualTo("HAVEN_DATABASE_URL");
        assertThat(e.getMessage())
                .isEqualTo("the database HAVEN_DATABASE_URL names cannot be reached (postgresql://h:********@db/h):"
                        + " connection refused");
    }

    @Test
    void readsTheReasonFromTheKindOfACause() {
        SQLException driver = new SQLException(
                "Connection to db:5432 refused, password hunter2", "08001", new ConnectException("Connection refused"));
        assertThat(StorageUnavailableException.connectionProblem(new RuntimeException("pool", driver)))
                .isEqualTo("connection refused");
        assertThat(StorageUnavailableException.connectionProblem(new UnknownHostException("db.invalid")))
                .isEqualTo("unknown host");
        assertThat(StorageUnavailableException.connectionProblem(
                        new ConnectException("connection timed out after 2000 ms: /10.0.0.1:6379")))
                .isEqualTo("no answer in time");
    }

    @Test
    void readsTheReasonFromWhatAFailureSuppressed() {
        RuntimeException cluster = new RuntimeException("no seed answered");
        cluster.addSuppressed(new RuntimeException("seed 1", new ConnectException("Connection refused")));
        assertThat(StorageUnavailableException.connectionProblem(cluster)).isEqualTo("connection refused");
    }

    @Test
    void saysNothingWhenNoKindSays() {
        assertThat(StorageUnavailableException.connectionProblem(new IllegalStateException("refused")))
                .isNull();
    }
}
