package dev.telemask.storage.query;

import java.time.Instant;

/**
 * One command to a device and what became of it.
 *
 * @param state           {@code queued}, {@code sent}, {@code answered}, {@code unanswered} (sent, no answer in time)
 *                        or {@code expired} (never sent before its expiry)
 * @param answer          the answer as stored (for a command that reveals location, what the policy lets show), or null
 * @param answerTreatment how the answer was masked ({@code exact}, {@code coarsened}, {@code withheld}), or null
 */
public record DeviceCommand(long id, long imei, String text, boolean revealsLocation, String state,
                            Instant createdAt, String createdBy, Instant expiresAt, Instant sentAt, Instant answeredAt,
                            String answer, String answerTreatment) {
}
