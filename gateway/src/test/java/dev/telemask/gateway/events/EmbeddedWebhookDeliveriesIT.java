package dev.telemask.gateway.events;

import dev.telemask.gateway.TestDatabase;

/** {@link WebhookDeliveries} on the embedded PostgreSQL. */
class EmbeddedWebhookDeliveriesIT extends WebhookDeliveries {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }
}
