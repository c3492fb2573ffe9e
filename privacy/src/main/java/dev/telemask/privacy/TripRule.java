package dev.telemask.privacy;

/**
 * The one rule that cuts a device's records into trips, for the privacy engine and for the trips the API reports
 * alike: a trip runs while neither ignition (IO 239) nor movement (IO 240) is known to be off and one of them is
 * known to be on; it starts at the first such record and ends at the first record where one goes off, which is the
 * trip's last. A record that carries neither element keeps the previous state.
 */
public final class TripRule {
    /** Neither on nor off: the device has not reported the element yet. */
    public static final byte UNKNOWN = -1;

    private TripRule() {}

    /** Whether a vehicle with these ignition and movement states ({@code 1}, {@code 0} or {@link #UNKNOWN}) drives. */
    public static boolean driving(int ignition, int movement) {
        return ignition != 0 && movement != 0 && (ignition == 1 || movement == 1);
    }

    /** The state an element's value gives: on for any non-zero value. */
    public static byte state(long value) {
        return (byte) (value != 0 ? 1 : 0);
    }
}
