package dev.telemask.storage;

/**
 * A batch was not stored because the device's switches (restriction, private mode, policy, consent) changed after it
 * was masked: the gateway takes up the new switches and masks the frame again.
 */
public final class StaleSwitchesException extends RuntimeException {
    public StaleSwitchesException(long imei, long maskedUnder, long current) {
        super("device " + imei + ": switches changed (version " + maskedUnder + " -> " + current
                + ") after the batch was masked", null, false, false);
    }
}
