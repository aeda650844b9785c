package org.haven.server.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.haven.client.HavenErrorException;
import org.haven.protocol.ErrorCode;

/** Assertions on replies: a request refused with a documented code. */
public final class Replies {

    private Replies() {}

    /** The request was answered with an {@code error} carrying {@code code}, within 5 s. */
    public static void assertError(CompletableFuture<?> reply, ErrorCode code) {
        assertThatThrownBy(() -> reply.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(HavenErrorException.class)
                .extracting(e -> ((HavenErrorException) e).code())
                .isEqualTo(code);
    }
}
