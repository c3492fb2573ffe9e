package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;

/** Answers to commands after a restriction or an erasure, on the Embedded database. */
class EmbeddedOutboundCommandAnswersIT extends OutboundCommandAnswers {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }
}
