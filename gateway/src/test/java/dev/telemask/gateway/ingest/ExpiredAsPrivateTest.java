package dev.telemask.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.telemask.codec.AvlBatch;
import dev.telemask.privacy.TeltonikaIo;
import dev.telemask.privacy.Treatment;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExpiredAsPrivateTest {
    @Test
    void anExpiredRecordKeepsItsTimeAndNothingThatLocatesOrMeasuresIt() {
        AvlBatch records = new AvlBatch();
        records.addRecord(1_767_261_600_000L, 1, 134_000_000, 525_200_000, 40, 90, 11, 50, 0, AvlBatch.NO_GENERATION);
        records.addIo(TeltonikaIo.IGNITION, 1, 1);
        records.addIo(TeltonikaIo.TOTAL_ODOMETER, 4, 5_011_500);   // raw: the device's published one may leave out
        records.addIo(TeltonikaIo.TRIP_ODOMETER, 4, 1_250);        // what zones hid
        records.addIo(205, 2, 31_337);                             // GSM cell ID
        byte[] treatments = new byte[1];
        new ExpiredAsPrivate("expiry-test-key".getBytes(StandardCharsets.UTF_8)).mask(350_000_000_000_001L, records,
                treatments);
        assertEquals(Treatment.PRIVATE, Treatment.ofCode(treatments[0]));
        assertEquals(1_767_261_600_000L, records.timestamp(0));
        assertEquals(0, records.latitude(0));
        assertEquals(0, records.longitude(0));
        for (int id : new int[] {TeltonikaIo.TOTAL_ODOMETER, TeltonikaIo.TRIP_ODOMETER, 205}) {
            int e = records.findIo(0, id);
            assertEquals(true, e < 0 || records.isIoRemoved(e), "element " + id + " kept");
        }
    }
}
