package org.haven.server.care;

class InMemoryCareStoreTest extends CareStoreContract {

    @Override
    protected CareStore newStore() {
        return new InMemoryCareStore();
    }
}
