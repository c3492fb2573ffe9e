package dev.telemask.storage;

/** A sealed record that cannot be opened: its key is not in the ring, or the blob is not what was sealed there. */
public final class SealedRecordException extends RuntimeException {
    public SealedRecordException(String message) {
        super(message);
    }

    public SealedRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
