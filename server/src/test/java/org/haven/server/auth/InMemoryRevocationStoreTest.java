package org.haven.server.auth;

class InMemoryRevocationStoreTest extends RevocationStoreContract {

    @Override
    protected RevocationStore newStore() {
        return new InMemoryRevocationStore();
    }
}
