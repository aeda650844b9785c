package org.haven.server.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.haven.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

/**
 * A reply to nobody ({@link Reply#none()}: work a node does for itself, such as leaving the rooms of
 * a closed connection) takes every answer and sends none: an {@code ok} threw, for want of a request
 * id, which was logged as a failed request with a stack trace on every close and stopped a room
 * whose waiting client left from being retired.
 */
class ReplyTest {

    @Test
    void aReplyToNobodyTakesEveryAnswerQuietly() {
        Reply none = Reply.none();
        assertThatCode(none::ok).doesNotThrowAnyException();
        assertThatCode(() -> none.refuse(ErrorCode.NOT_A_MEMBER, "not a member"))
                .doesNotThrowAnyException();
        assertThat(none.isAnswered()).isFalse();
    }
}
