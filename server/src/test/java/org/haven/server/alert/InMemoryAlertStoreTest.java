package org.haven.server.alert;

class InMemoryAlertStoreTest extends AlertStoreContract {

    @Override
    protected AlertStore newStore() {
        return new InMemoryAlertStore();
    }
}
