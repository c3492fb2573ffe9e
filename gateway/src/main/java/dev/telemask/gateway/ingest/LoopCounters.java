package dev.telemask.gateway.ingest;

import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Counts the event loops add to with every frame, each thread into an array of its own, summed when a scrape reads
 * them. A Micrometer counter is one {@code DoubleAdder} every loop adds to: its cells are shared memory that a frame
 * reaches after touching its device's state, and the profile of the load test put 4.8 % of the event loops' samples in
 * those adds. Here a thread's add is a load and a store into its own array.
 *
 * <p>Ownership: a thread's array is written by that thread alone, with opaque stores, so a reader on another thread
 * sees each slot whole, never torn. Arrays are kept after their thread ends, so a sum never goes back. Any thread may
 * add; event loops, being Netty's threads, find their array without a hash lookup.
 */
final class LoopCounters {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    /** Longs before and after a thread's slots, so that two threads' arrays never share a cache line. */
    private static final int PAD = 8;

    private final int slots;
    private final List<long[]> arrays = new CopyOnWriteArrayList<>();
    private final FastThreadLocal<long[]> own = new FastThreadLocal<>() {
        @Override
        protected long[] initialValue() {
            long[] array = new long[PAD + slots + PAD];
            arrays.add(array);
            return array;
        }
    };

    LoopCounters(int slots) {
        if (slots <= 0) {
            throw new IllegalArgumentException("slots must be positive: " + slots);
        }
        this.slots = slots;
    }

    /** Adds {@code n} to {@code slot} (0 to slots - 1) for the calling thread. */
    void add(int slot, long n) {
        long[] array = own.get();
        int i = PAD + slot;
        SLOT.setOpaque(array, i, array[i] + n); // only this thread writes its array: a plain read is its own last store
    }

    /** The sum over every thread that ever added to {@code slot}. */
    long sum(int slot) {
        long sum = 0;
        for (long[] array : arrays) {
            sum += (long) SLOT.getOpaque(array, PAD + slot);
        }
        return sum;
    }
}
