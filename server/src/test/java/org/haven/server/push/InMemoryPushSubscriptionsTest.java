package org.haven.server.push;

class InMemoryPushSubscriptionsTest extends PushSubscriptionsContract {

    @Override
    protected PushSubscriptions newStore() {
        return new InMemoryPushSubscriptions();
    }
}
