package dev.telemask.bench.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds of the codec decoding the decoder benchmarks' frames in one JVM, called in turn and timed by the thread's CPU
 * time. On a shared machine a JMH score counts the time its thread waited for a core, and two runs meet different
 * neighbours; CPU time leaves the waiting out, and calling the builds in turn, a thousand frames at a time, gives
 * them the same neighbours. Each build's codec classes, and the driver compiled against them, are loaded by a class
 * loader of their own for each benchmark; the rest (Netty) is shared.
 */
public final class DecoderPair {
    /** The {@link DecoderDriver} methods compared, named as the JMH benchmarks of the same frames. */
    public static final List<String> BENCHMARKS = List.of("codec8TenRecordsPerFrame",
            "codec8ExtendedTenRecordsPerFrame", "codec8ExtendedTenRecordsParseOnly");
    private static final int WARM_UP_ROUNDS = 200;

    private DecoderPair() {}

    /**
     * Compares {@code builds} (codec jars or class folders, the first the reference) over {@code rounds} samples of
     * {@code frames} frames per benchmark, and prints each build's lowest, 10th-percentile and median ns per record.
     */
    public static void run(List<Path> builds, int rounds, int frames, PrintStream out) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot read a thread's CPU time");
        }
        double records = (double) frames * DecoderDriver.recordsPerFrame();
        for (String benchmark : BENCHMARKS) {
            // Loaded afresh for each benchmark, as JMH forks a JVM for each: the JIT compiles the decoder for this
            // benchmark's frames only, not with what the benchmarks before it taught its profile.
            List<Object> drivers = new ArrayList<>();
            Method[] methods = new Method[builds.size()];
            for (int b = 0; b < methods.length; b++) {
                Class<?> driver = new BuildLoader(builds.get(b)).loadClass(DecoderDriver.class.getName());
                drivers.add(driver.getConstructor().newInstance());
                methods[b] = driver.getMethod(benchmark, int.class);
            }
            long[][] samples = new long[methods.length][rounds];
            for (int round = -WARM_UP_ROUNDS; round < rounds; round++) {
                for (int k = 0; k < methods.length; k++) {
                    // Each round starts with another build, so that none always follows the same one.
                    int b = Math.floorMod(round + k, methods.length);
                    long start = threads.getCurrentThreadCpuTime();
                    methods[b].invoke(drivers.get(b), frames);
                    long spent = threads.getCurrentThreadCpuTime() - start;
                    if (round >= 0) {
                        samples[b][round] = spent;
                    }
                }
            }
            out.printf("%s, ns/record over %d samples of %d frames (lowest / 10th percentile / median):%n", benchmark,
                    rounds, frames);
            double reference = 0;
            for (int b = 0; b < methods.length; b++) {
                long[] s = samples[b];
                Arrays.sort(s);
                double p10 = s[rounds / 10] / records;
                out.printf("  %-40s %7.1f / %7.1f / %7.1f", builds.get(b), s[0] / records, p10,
                        s[rounds / 2] / records);
                if (b == 0) {
                    reference = p10;
                    out.println();
                } else {
                    out.printf("   (%.2f of the first at the 10th percentile)%n", p10 / reference);
                }
            }
        }
    }

    /**
     * Loads the codec's classes from one build before its parent, and the driver and its sample frames from the bench's
     * own class files, so that they link against that build.
     */
    private static final class BuildLoader extends URLClassLoader {
        private static final List<String> DEFINED_HERE = List.of(DecoderDriver.class.getName(),
                SampleFrames.class.getName());

        BuildLoader(Path build) throws MalformedURLException {
            super(new URL[] {build.toUri().toURL()}, DecoderPair.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && name.startsWith("dev.telemask.codec.")) {
                    c = findClass(name);
                } else if (c == null && DEFINED_HERE.contains(name)) {
                    byte[] bytes = classFile(name);
                    c = defineClass(name, bytes, 0, bytes.length);
                }
                if (c == null) {
                    return super.loadClass(name, resolve);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }

        private byte[] classFile(String name) throws ClassNotFoundException {
            try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                if (in == null) {
                    throw new ClassNotFoundException(name);
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
