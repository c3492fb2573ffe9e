package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;

/** Answers to commands after a restriction or an erasure, on the Timescale database. */
class TimescaleOutboundCommandAnswersIT extends OutboundCommandAnswers {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.TIMESCALEDB;
    }
}
