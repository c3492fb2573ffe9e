package dev.telemask.privacy;

/**
 * The one rule that cuts a device's records into trips, for the privacy engine and for the trips the API reports
 * alike: a trip runs while neither ignition (IO 239) nor movement (IO 240) is known to be off and one of them is
 * known to be on; it starts at the first such record and ends at the first record where one goes off, which is the
 * trip's last. A record that carries neither element keeps the previous state. An ignition that has never been on
 * ({@link #ignitionState}) says nothing: a device whose ignition input is not wired reports 0 on every record, and
 * its trips are read from movement alone.
 */
public final class TripRule {
    /** Neither on nor off: the device has not reported the element yet. */
    public static final byte UNKNOWN = -1;

    private TripRule() {}

    /** Whether a vehicle with these ignition and movement states ({@code 1}, {@code 0} or {@link #UNKNOWN}) drives. */
    public static boolean driving(int ignition, int movement) {
        return ignition != 0 && movement != 0 && (ignition == 1 || movement == 1);
    }

    /**
     * The ignition state element 239's value gives, for a device that has or has not reported ignition on before:
     * off only once it has been on, else {@link #UNKNOWN} (an input that is not wired reads 0 whatever the vehicle
     * does; read as off, no trip would ever run and each record would be judged on its own).
     */
    public static byte ignitionState(long value, boolean seenOn) {
        return value != 0 ? 1 : seenOn ? 0 : UNKNOWN;
    }

    /** The state an element's value gives: on for any non-zero value. */
    public static byte state(long value) {
        return (byte) (value != 0 ? 1 : 0);
    }
}
