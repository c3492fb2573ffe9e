package dev.telemask.bench.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** CPU seconds (user + system) of a process, or of a server and its worker processes, read from /proc. */
final class ProcessCpu {
    /** USER_HZ: the unit of the times in /proc/PID/stat; 100 on every Linux this runs on. */
    private static final double CLOCK_TICKS_PER_SECOND = 100.0;

    private ProcessCpu() {
    }

    /** What {@code pid} itself has used so far. */
    static double of(long pid) throws IOException {
        String[] f = fields(pid);
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / CLOCK_TICKS_PER_SECOND;
    }

    /**
     * What {@code pid} and its children have used so far: its own time, its reaped children's (PostgreSQL's
     * postmaster reaps every backend that ended) and its live children's.
     */
    static double ofTree(long pid) throws IOException {
        String[] own = fields(pid);
        long ticks = Long.parseLong(own[11]) + Long.parseLong(own[12]) + Long.parseLong(own[13])
                + Long.parseLong(own[14]);
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : proc) {
                try {
                    String[] f = fields(Long.parseLong(dir.getFileName().toString()));
                    if (Long.parseLong(f[1]) == pid) {
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (IOException | RuntimeException gone) {
                    // The process ended while we looked; its time is now its parent's.
                }
            }
        }
        return ticks / CLOCK_TICKS_PER_SECOND;
    }

    /**
     * What the threads of JVM {@code pid} have used so far, by what they do: {@code io} (Netty's event loops: decode,
     * privacy engine, ACK), {@code writer} (sealing, COPY, SQL), {@code jit} (the compilers), {@code gc} (the
     * collector and VM operations) and {@code other}; and, as parts of {@code io} and {@code writer} (not added to
     * them), their time in the kernel ({@code io-kernel}, {@code writer-kernel}: system calls, and on loopback the
     * receiving side's TCP work that a send does in the sender's context). Threads that ended are not counted, so
     * read it for a window in which the threads of interest live throughout.
     */
    static Map<String, Double> ofThreads(long pid) throws IOException {
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (String group : THREAD_GROUPS) {
            seconds.put(group, 0.0);
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double kernel = Long.parseLong(f[12]) / CLOCK_TICKS_PER_SECOND;
                    double used = Long.parseLong(f[11]) / CLOCK_TICKS_PER_SECOND + kernel;
                    String group = threadGroup(name);
                    seconds.merge(group, used, Double::sum);
                    seconds.computeIfPresent(group + "-kernel", (key, sum) -> sum + kernel);
                } catch (IOException | RuntimeException gone) {
                    // The thread ended while we looked.
                }
            }
        }
        return seconds;
    }

    /** The groups, and the kernel parts of two of them, in the order {@link #ofThreads} reports them. */
    static final String[] THREAD_GROUPS = {"io", "io-kernel", "writer", "writer-kernel", "jit", "gc", "other"};

    /** The group of a thread by its kernel name (the first 15 characters of its Java name). */
    static String threadGroup(String name) {
        if (name.startsWith("telemask-io")) {
            return "io";
        }
        if (name.startsWith("telemask-positi")) {
            return "writer";
        }
        if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
            return "jit";
        }
        if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")) {
            return "gc";
        }
        return "other";
    }

    /** The fields after the command name (which may hold spaces): [0] is the state, [1] ppid, [11] utime. */
    private static String[] fields(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }
}
