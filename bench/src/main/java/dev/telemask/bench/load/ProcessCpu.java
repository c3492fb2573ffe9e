package dev.telemask.bench.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

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

    /** The fields after the command name (which may hold spaces): [0] is the state, [1] ppid, [11] utime. */
    private static String[] fields(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }
}
