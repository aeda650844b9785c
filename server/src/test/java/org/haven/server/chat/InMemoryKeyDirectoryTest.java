package org.haven.server.chat;

class InMemoryKeyDirectoryTest extends KeyDirectoryContract {

    @Override
    protected KeyDirectory newDirectory() {
        return new InMemoryKeyDirectory();
    }
}
