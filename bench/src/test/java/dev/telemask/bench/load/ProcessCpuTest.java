package dev.telemask.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessCpuTest {
    @Test
    void groupsThreadsByTheirKernelNames() {
        assertEquals("io", ProcessCpu.threadGroup("telemask-io-3-1"));
        assertEquals("writer", ProcessCpu.threadGroup("telemask-positi"));
        assertEquals("jit", ProcessCpu.threadGroup("C2 CompilerThre"));
        assertEquals("jit", ProcessCpu.threadGroup("C1 CompilerThre"));
        assertEquals("gc", ProcessCpu.threadGroup("GC Thread#1"));
        assertEquals("gc", ProcessCpu.threadGroup("G1 Conc#0"));
        assertEquals("gc", ProcessCpu.threadGroup("VM Thread"));
        assertEquals("other", ProcessCpu.threadGroup("vert.x-eventloo"));
    }

    @Test
    void readsEveryGroupOfThisJvm() throws Exception {
        Map<String, Double> threads = ProcessCpu.ofThreads(ProcessHandle.current().pid());
        assertEquals(List.of(ProcessCpu.THREAD_GROUPS), List.copyOf(threads.keySet()));
        // This test's own thread has run, and it is in no named group.
        assertTrue(threads.get("other") > 0 || threads.get("jit") > 0, threads::toString);
        assertTrue(threads.values().stream().allMatch(s -> s >= 0), threads::toString);
    }
}
