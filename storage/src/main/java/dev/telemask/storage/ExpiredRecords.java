package dev.telemask.storage;

import dev.telemask.codec.AvlBatch;

/**
 * Masks a device's sealed records that stayed undecided past their expiry, in place, as private records: the
 * gateway's privacy engine supplies it to {@link SealedStore#expireDue}.
 */
@FunctionalInterface
public interface ExpiredRecords {
    /**
     * @param imei       the device
     * @param records    its expired records in device-time order, as they were sealed; mask them in place
     * @param treatments one {@link dev.telemask.privacy.Treatment#code()} per record to fill in (PRIVATE, or
     *                   DROPPED to destroy one); a record left SEALED is destroyed, never stored
     */
    void mask(long imei, AvlBatch records, byte[] treatments);
}
