package dev.telemask.simulator;

/** The Teltonika IO element IDs a simulated FMB device reports, with their wire widths in bytes. */
public final class TeltonikaIo {
    /** Ignition on (1) or off (0); 1 byte. */
    public static final int IGNITION = 239;
    /** Movement detected by the accelerometer; 1 byte. */
    public static final int MOVEMENT = 240;
    /** GSM signal strength 0..5; 1 byte. */
    public static final int GSM_SIGNAL = 21;
    /** Private mode switched on by the driver (Teltonika's default private-mode element); 1 byte. */
    public static final int PRIVATE_MODE = 391;
    /** External (vehicle) voltage in mV; 2 bytes. */
    public static final int EXTERNAL_VOLTAGE = 66;
    /** Serving GSM cell ID: reveals the location; 2 bytes. */
    public static final int GSM_CELL_ID = 205;
    /** Total odometer in metres; 4 bytes. */
    public static final int TOTAL_ODOMETER = 16;
    /** Odometer of the current trip in metres; 4 bytes. */
    public static final int TRIP_ODOMETER = 199;
    /** Active GSM operator code (MCC and MNC); reveals the country; 4 bytes. */
    public static final int GSM_OPERATOR = 241;
    /** iButton (driver key) ID, 0 when no key is attached; 8 bytes. */
    public static final int IBUTTON = 78;

    private TeltonikaIo() {}
}
