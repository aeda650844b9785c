package org.haven.server.chat;

class InMemoryMailboxTest extends MailboxContract {

    @Override
    protected Mailbox newMailbox(int perDevice) {
        return new InMemoryMailbox(perDevice);
    }
}
