package dev.telemask.bench.codec;

import dev.telemask.codec.Crc16Ibm;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The frame CRC alone over 1,024 bytes (about a 10-record Codec 8E frame); the score is per byte. The codec's
 * slicing-by-16 runs beside the forms it replaced (the same step once per loop iteration, slicing-by-16 with
 * {@code char} tables and a load per byte, and slicing-by-8) and the bytewise textbook form, all kept here only as
 * yardsticks, so that one run on a busy machine still gives their ratios.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Crc16IbmBenchmark {
    private static final int BYTES = 1024;
    private final byte[] data = new byte[BYTES];

    public Crc16IbmBenchmark() {
        new Random(16).nextBytes(data);
    }

    @Benchmark
    @OperationsPerInvocation(BYTES)
    public int slicingBy16() {
        return Crc16Ibm.compute(data, 0, BYTES);
    }

    @Benchmark
    @OperationsPerInvocation(BYTES)
    public int slicingBy16OneStepPerIteration() {
        return OneStep.compute(data, 0, BYTES);
    }

    @Benchmark
    @OperationsPerInvocation(BYTES)
    public int slicingBy16CharTables() {
        return SlicingBy16CharTables.compute(data, 0, BYTES);
    }

    @Benchmark
    @OperationsPerInvocation(BYTES)
    public int slicingBy8() {
        return SlicingBy8.compute(data, 0, BYTES);
    }

    @Benchmark
    @OperationsPerInvocation(BYTES)
    public int bytewise() {
        int[] t = SlicingBy8.TABLES[0];
        int crc = 0;
        for (int i = 0; i < BYTES; i++) {
            crc = (crc >>> 8) ^ t[(crc ^ data[i]) & 0xFF];
        }
        return crc;
    }

    /** The codec's former CRC: the same step, one per loop iteration. */
    private static final class OneStep {
        /** The sixteen tables in one int array, table k at 256 * k, as the codec's. */
        static final int[] T = fromCharTables();
        static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

        static int[] fromCharTables() {
            int[] t = new int[16 * 256];
            for (int k = 0; k < 16; k++) {
                for (int i = 0; i < 256; i++) {
                    t[256 * k + i] = SlicingBy16CharTables.TABLES[k][i];
                }
            }
            return t;
        }

        static int compute(byte[] a, int from, int length) {
            int crc = 0;
            int i = from;
            int end = from + length;
            for (; i + 16 <= end; i += 16) {
                long w = (long) LONG_LE.get(a, i);
                int rest = T[13 * 256 + ((int) (w >>> 16) & 0xFF)] ^ T[12 * 256 + ((int) (w >>> 24) & 0xFF)]
                        ^ T[11 * 256 + ((int) (w >>> 32) & 0xFF)] ^ T[10 * 256 + ((int) (w >>> 40) & 0xFF)]
                        ^ T[9 * 256 + ((int) (w >>> 48) & 0xFF)] ^ T[8 * 256 + ((int) (w >>> 56))]
                        ^ T[7 * 256 + (a[i + 8] & 0xFF)] ^ T[6 * 256 + (a[i + 9] & 0xFF)] ^ T[5 * 256 + (a[i + 10] & 0xFF)]
                        ^ T[4 * 256 + (a[i + 11] & 0xFF)] ^ T[3 * 256 + (a[i + 12] & 0xFF)]
                        ^ T[2 * 256 + (a[i + 13] & 0xFF)] ^ T[256 + (a[i + 14] & 0xFF)] ^ T[(a[i + 15] & 0xFF)];
                int low = (int) w ^ crc;
                crc = rest ^ T[15 * 256 + (low & 0xFF)] ^ T[14 * 256 + ((low >>> 8) & 0xFF)];
            }
            for (; i < end; i++) {
                crc = (crc >>> 8) ^ T[(crc ^ a[i]) & 0xFF];
            }
            return crc;
        }
    }

    /** The codec's former CRC: eight int tables, eight bytes a step. */
    private static final class SlicingBy8 {
        static final int[][] TABLES = tables();
        static final int[] T0 = TABLES[0];
        static final int[] T1 = TABLES[1];
        static final int[] T2 = TABLES[2];
        static final int[] T3 = TABLES[3];
        static final int[] T4 = TABLES[4];
        static final int[] T5 = TABLES[5];
        static final int[] T6 = TABLES[6];
        static final int[] T7 = TABLES[7];
        static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

        static int[][] tables() {
            int[][] t = new int[8][256];
            for (int i = 0; i < 256; i++) {
                int crc = i;
                for (int bit = 0; bit < 8; bit++) {
                    crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xA001 : crc >>> 1;
                }
                t[0][i] = crc;
            }
            for (int k = 1; k < 8; k++) {
                for (int i = 0; i < 256; i++) {
                    int previous = t[k - 1][i];
                    t[k][i] = (previous >>> 8) ^ t[0][previous & 0xFF];
                }
            }
            return t;
        }

        static int compute(byte[] bytes, int from, int length) {
            int crc = 0;
            int i = from;
            int end = from + length;
            for (; i + 8 <= end; i += 8) {
                long w = (long) LONG_LE.get(bytes, i) ^ crc;
                crc = T7[(int) w & 0xFF] ^ T6[(int) (w >>> 8) & 0xFF] ^ T5[(int) (w >>> 16) & 0xFF]
                        ^ T4[(int) (w >>> 24) & 0xFF] ^ T3[(int) (w >>> 32) & 0xFF] ^ T2[(int) (w >>> 40) & 0xFF]
                        ^ T1[(int) (w >>> 48) & 0xFF] ^ T0[(int) (w >>> 56) & 0xFF];
            }
            for (; i < end; i++) {
                crc = (crc >>> 8) ^ T0[(crc ^ bytes[i]) & 0xFF];
            }
            return crc;
        }
    }

    /** The codec's former CRC: sixteen {@code char} tables, each of a step's sixteen bytes loaded on its own. */
    private static final class SlicingBy16CharTables {
        static final char[][] TABLES = tables();

        static char[][] tables() {
            char[][] t = new char[16][256];
            for (int k = 0; k < 16; k++) {
                for (int i = 0; i < 256; i++) {
                    int crc = i;
                    for (int bit = 0; bit < 8 * (k + 1); bit++) {
                        crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xA001 : crc >>> 1;
                    }
                    t[k][i] = (char) crc;
                }
            }
            return t;
        }

        static final char[] T0 = TABLES[0];
        static final char[] T1 = TABLES[1];
        static final char[] T2 = TABLES[2];
        static final char[] T3 = TABLES[3];
        static final char[] T4 = TABLES[4];
        static final char[] T5 = TABLES[5];
        static final char[] T6 = TABLES[6];
        static final char[] T7 = TABLES[7];
        static final char[] T8 = TABLES[8];
        static final char[] T9 = TABLES[9];
        static final char[] T10 = TABLES[10];
        static final char[] T11 = TABLES[11];
        static final char[] T12 = TABLES[12];
        static final char[] T13 = TABLES[13];
        static final char[] T14 = TABLES[14];
        static final char[] T15 = TABLES[15];

        static int compute(byte[] a, int from, int length) {
            int crc = 0;
            int i = from;
            int end = from + length;
            for (; i + 16 <= end; i += 16) {
                int rest = T13[a[i + 2] & 0xFF] ^ T12[a[i + 3] & 0xFF] ^ T11[a[i + 4] & 0xFF] ^ T10[a[i + 5] & 0xFF]
                        ^ T9[a[i + 6] & 0xFF] ^ T8[a[i + 7] & 0xFF] ^ T7[a[i + 8] & 0xFF] ^ T6[a[i + 9] & 0xFF]
                        ^ T5[a[i + 10] & 0xFF] ^ T4[a[i + 11] & 0xFF] ^ T3[a[i + 12] & 0xFF] ^ T2[a[i + 13] & 0xFF]
                        ^ T1[a[i + 14] & 0xFF] ^ T0[a[i + 15] & 0xFF];
                crc = rest ^ T15[(a[i] ^ crc) & 0xFF] ^ T14[(a[i + 1] ^ (crc >>> 8)) & 0xFF];
            }
            for (; i < end; i++) {
                crc = (crc >>> 8) ^ T0[(crc ^ a[i]) & 0xFF];
            }
            return crc;
        }
    }
}
