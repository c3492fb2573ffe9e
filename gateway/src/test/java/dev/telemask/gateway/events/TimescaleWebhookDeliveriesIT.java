package dev.telemask.gateway.events;

import dev.telemask.gateway.TestDatabase;

/** {@link WebhookDeliveries} on real TimescaleDB. */
class TimescaleWebhookDeliveriesIT extends WebhookDeliveries {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.TIMESCALEDB;
    }
}
