package org.haven.server.presence;

class InMemoryPresenceStoreTest extends PresenceStoreContract {

    @Override
    protected PresenceStore newStore() {
        return new InMemoryPresenceStore();
    }
}
