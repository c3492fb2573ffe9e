package dev.telemask.simulator;

import dev.telemask.codec.AvlBatch;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets a test end a run by what happened rather than by time: done once every device has had a number of frames
 * acknowledged or was refused. Also records what was acknowledged.
 */
final class FleetProgress implements SimulationListener {
    final AcknowledgedRecords acknowledged = new AcknowledgedRecords();
    private final Map<Long, Integer> framesAcked = new ConcurrentHashMap<>();
    private final int framesPerDevice;
    private final CountDownLatch devicesDone;

    FleetProgress(int devices, int framesPerDevice) {
        this.framesPerDevice = framesPerDevice;
        this.devicesDone = new CountDownLatch(devices);
    }

    @Override
    public void frameAcknowledged(long imei, AvlBatch records) {
        acknowledged.frameAcknowledged(imei, records);
        if (framesAcked.merge(imei, 1, Integer::sum) == framesPerDevice) {
            devicesDone.countDown();
        }
    }

    @Override
    public void deviceRejected(long imei) {
        devicesDone.countDown();
    }

    /**
     * Runs the simulator until every device is done, then stops it and returns the report after its drain. The
     * options' duration only bounds a broken run.
     */
    SimulationReport runUntilDone(SimulatorOptions options) throws Exception {
        FleetSimulator simulator = new FleetSimulator(options, null);
        Thread stopper = Thread.ofVirtual().start(() -> {
            try {
                devicesDone.await(options.duration().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            simulator.stop();
        });
        SimulationReport report = simulator.run();
        stopper.interrupt();
        stopper.join();
        return report;
    }
}
