package dev.telemask.privacy;

/** What happens to private and zone records: stored masked, or not stored at all. */
public enum PrivateRecordHandling {
    /** Stored with time and mileage only. */
    MASK,
    /** Not stored; the engine still masks them in the batch in case a caller forgets to skip them. */
    DROP
}
