package org.haven.server.care;

class InMemoryCareStoreTest extends CareStoreContract {

    @Override
    protected CareStore newStore(int versionsKept) {
        return new InMemoryCareStore(versionsKept);
    }
}
