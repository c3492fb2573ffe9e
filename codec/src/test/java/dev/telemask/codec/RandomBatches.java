package dev.telemask.codec;

import java.util.Random;

/** Seeded generator of random but valid batches for a codec: every width, NX lengths, extreme values. */
final class RandomBatches {
    private final Random random;

    RandomBatches(long seed) {
        this.random = new Random(seed);
    }

    AvlBatch next(AvlCodecId codec, int maxRecords) {
        AvlBatch batch = new AvlBatch();
        batch.codec(codec);
        int records = random.nextInt(maxRecords + 1);
        for (int r = 0; r < records; r++) {
            addRecord(batch, codec);
        }
        return batch;
    }

    private void addRecord(AvlBatch batch, AvlCodecId codec) {
        int maxId = codec.ioIdWidth() == 1 ? 0xFF : 0xFFFF;
        batch.addRecord(
                pick(0L, Long.MAX_VALUE, Long.MIN_VALUE, -1L, 1_560_161_086_000L + random.nextInt(1_000_000_000)),
                random.nextInt(3),
                (int) pick(-1_800_000_000L, 1_800_000_000L, Integer.MIN_VALUE, Integer.MAX_VALUE, random.nextInt()),
                (int) pick(-900_000_000L, 900_000_000L, 0L, Integer.MAX_VALUE, random.nextInt()),
                (int) pick(Short.MIN_VALUE, Short.MAX_VALUE, 0L, -400L, random.nextInt(9000)),
                random.nextInt(0x10000),
                random.nextInt(0x100),
                random.nextInt(0x10000),
                random.nextInt(maxId + 1),
                codec.hasGenerationType() ? random.nextInt(0x100) : AvlBatch.NO_GENERATION);
        int perGroup = codec.countWidth() == 1 ? 12 : 40;
        for (int width : new int[] {1, 2, 4, 8}) {
            int n = random.nextInt(perGroup);
            for (int i = 0; i < n; i++) {
                long value = switch (width) {
                    case 1 -> random.nextInt(0x100);
                    case 2 -> random.nextInt(0x10000);
                    case 4 -> random.nextLong() & 0xFFFF_FFFFL;
                    default -> pick(-1L, Long.MIN_VALUE, Long.MAX_VALUE, 0L, random.nextLong());
                };
                batch.addIo(random.nextInt(maxId + 1), width, value);
            }
        }
        if (codec.hasVariableLengthElements()) {
            int n = random.nextInt(4);
            for (int i = 0; i < n; i++) {
                byte[] value = new byte[random.nextInt(3) == 0 ? 0 : random.nextInt(300)];
                random.nextBytes(value);
                batch.addNx(random.nextInt(maxId + 1), value, 0, value.length);
            }
        }
    }

    private long pick(long a, long b, long c, long d, long otherwise) {
        return switch (random.nextInt(8)) {
            case 0 -> a;
            case 1 -> b;
            case 2 -> c;
            case 3 -> d;
            default -> otherwise;
        };
    }
}
