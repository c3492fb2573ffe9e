package dev.telemask.gateway.ingest;

import dev.telemask.codec.AvlBatch;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * The batch a TCP frame is decoded into, one per event-loop thread rather than one per connection: a frame's records
 * live in it only from decoding until the privacy engine has copied what it keeps into the device's ledger, all in
 * one call on the event loop, so thousands of idle connections do not each hold a batch grown to a frame's size.
 */
final class DecodedFrames {
    private static final FastThreadLocal<AvlBatch> BATCH = new FastThreadLocal<>() {
        @Override
        protected AvlBatch initialValue() {
            return new AvlBatch();
        }
    };

    private DecodedFrames() {}

    /** This thread's batch; valid until the caller returns to the event loop. */
    static AvlBatch batch() {
        return BATCH.get();
    }
}
