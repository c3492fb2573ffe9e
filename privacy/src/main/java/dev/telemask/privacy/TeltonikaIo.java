package dev.telemask.privacy;

/**
 * The built-in IO element ID sets the engine treats specially, from Teltonika's FMB AVL ID lists
 * (wiki.teltonika-gps.com "FMB... Teltonika Data Sending Parameters ID", "FMx150 Tacho AVL ID") and
 * traccar's TeltonikaProtocolDecoder.
 *
 * <p>Some IDs mean different things on different families (195..198 are geofence zones on FMB1xx and driver IDs
 * on FMB640); an ID lands in every set where any family's meaning belongs, because stripping a harmless element
 * costs little and keeping a revealing one costs privacy.
 */
public final class TeltonikaIo {
    private TeltonikaIo() {}

    public static final int TOTAL_ODOMETER = 16;
    public static final int TRIP_ODOMETER = 199;
    public static final int IGNITION = 239;
    public static final int MOVEMENT = 240;

    /**
     * Always stripped from private and zone records: each one places the vehicle, directly or through a lookup.
     * Wi-Fi and BLE scans arrive as variable-length (NX) elements, whose IDs differ between firmware versions, so
     * the engine strips every NX element from those records on top of this list.
     */
    public static final IoIdSet LOCATION_REVEALING = IoIdSet.of(
            205,  // GSM Cell ID: base station, geolocatable through public cell databases
            206,  // GSM Area Code (LAC)
            241,  // Active GSM Operator (MCC+MNC): the country
            636,  // UMTS/LTE Cell ID (4 bytes, on FMC/FMM)
            80,   // Data Mode: home/roaming network on stop/moving, i.e. whether the vehicle is abroad
            21,   // GSM Signal (0..5): night after night, a car park below ground (1) or the street above it (5)
            237,  // Network Type (3G, GSM, 4G, LTE Cat M1, NB-IoT): the coverage of the exact spot, like the signal
            24,   // Speed: the GNSS speed again, as an IO element
            37,   // Vehicle Speed from OBD: speed without GNSS, as good for dead reckoning inside a cell
            81,   // Vehicle Speed from CAN (LV-CAN/ALL-CAN)
            329,  // AIN Speed (FMB140): the vehicle speed measured on an analogue input
            10156, // Tachograph Vehicle Speed (FMx150): the speed again, read from the tachograph
            12400, // ISOBUS Groundspeed (FMC650, FMM650, FMB641, mm/s): the speed of a machine
            50,   // OBD Barometric Pressure (kPa): the altitude (12 Pa a metre); the weather dithers its whole kPa, so
                  // months of drops from a valley of known height measure how far up a slope the vehicle parks
            36, 85, // Engine RPM over OBD and CAN: in a known gear (top gear on a motorway), the speed
            255,  // Over Speeding: the speed (km/h) at an overspeed's start and end, also its event ID
            17, 18, 19, // Accelerometer axes X/Y/Z (signed mG): the lateral one, with the odometer's speed, is the
                        // turn rate, and turns left and right at known distances dead-reckon the track
            253, 254, 243, // Green driving type, value (g) and duration: a harsh cornering at a known odometer
                           // reading is a turn a map can be searched for, a harsh braking a junction
            12, 43, 49, 389, 12401, 12404, // distances without offsets: see UNSHIFTED_DISTANCE
            69,   // GNSS Status: whether the device has a fix, i.e. the satellites again
            181, 182, // GNSS PDOP, HDOP: the fix's quality from the satellites' geometry (open sky or a garage)
            387,  // ISO6709 coordinates: the position as text
            385,  // Beacon list: BLE beacons seen, each one fixed in a known place
            175,  // Auto Geofence: left the auto-geofence around the parking place
            // Geofence zone 1..50 events: in or out of a configured area.
            155, 156, 157, 158, 159, 61, 62, 63, 64, 65, 70, 88, 91, 92, 93, 94, 95, 96, 97, 98, 99, 153, 154,
            190, 191, 192, 193, 194, 195, 196, 197, 198, 208, 209, 216, 217, 218, 219, 220, 221, 222, 223, 224,
            225, 226, 227, 228, 229, 230, 231);

    /**
     * Distances counted up like an odometer that are no mileage the engine shifts or rounds: Fuel Used GPS (12, ml,
     * the fuel the device reckons from the GNSS distance at its configured consumption, so ml at a known rate are
     * metres), OBD's distance travelled with the MIL on (43, km) and since the codes were cleared (49, km), OBD OEM
     * Total Mileage (389, km), and ISOBUS's ground-based and wheel-based distance (12401, 12404, mm). Stripped with the
     * locating elements, and from exact records too under a policy with privacy zones: across a hidden stretch they
     * would measure the way home.
     */
    public static final IoIdSet UNSHIFTED_DISTANCE = IoIdSet.of(12, 43, 49, 389, 12401, 12404);

    /**
     * Driving time counted by the vehicle or the device: OBD's runtime since the engine started (42, s), its minutes
     * run with the MIL on (54) and since the trouble codes were cleared (55), the ignition-on counter (449, s), the
     * engine's worktime over CAN (102, 103, min). The first visible record after a zone's hidden stretch would say how
     * long the vehicle has driven since it left home, or how long it drove while hidden: the way, timed. Counted only
     * while the engine runs, the minute counters leave out the stop at home, the one unknown that keeps the times of
     * the visible points around a hidden stretch from measuring the way; minutes are coarse, but many nights average
     * their rounding away.
     */
    public static final IoIdSet DRIVING_TIME = IoIdSet.of(42, 54, 55, 102, 103, 449);

    /**
     * The engine's temperatures, which climb from the air's towards the thermostat's for minutes after a cold start:
     * OBD's coolant (32) and engine oil (58) temperature and the CAN adapter's engine temperature (115, 0.1 C). At
     * the first visible record after a night at home they are a stopwatch started at home, read to seconds on the
     * warm-up curve that the vehicle's visible cold starts elsewhere draw, and those seconds at the speed the track
     * shows are the way from home (one morning, 300 m zone: 2,749 m for a point 2,750 m out). Kept only once the
     * engine is warm, the first record that kept them would time the start just as well.
     */
    public static final IoIdSet ENGINE_WARM_UP = IoIdSet.of(32, 58, 115);

    /**
     * The fuel the engine burnt, counted up by the CAN adapter: Fuel Consumed (83, 0.1 l) and Fuel Consumed counted
     * (107, l). Coarse, but their jump across a zone's hidden stretch is the way home at the vehicle's consumption,
     * and many nights average the rounding away.
     */
    public static final IoIdSet FUEL_CONSUMED = IoIdSet.of(83, 107);

    /**
     * Auto Geofence (175), as an element and as the event ID of the record logged when it changes: once parked, the
     * device draws a circle of a configured radius around where it stands and tells when the vehicle leaves it. Wider
     * than a zone's hidden disc and trail, each morning's point of leaving is visible and lies on a circle around
     * home, and three mornings along different roads give its centre.
     */
    public static final IoIdSet AROUND_THE_PARKING_PLACE = IoIdSet.of(175);

    /** What a device under a policy with privacy zones never publishes: it would measure the way home. */
    public static final IoIdSet MEASURES_THE_WAY = IoIdSet.union(IoIdSet.union(IoIdSet.union(IoIdSet.union(
            UNSHIFTED_DISTANCE, DRIVING_TIME), ENGINE_WARM_UP), FUEL_CONSUMED), AROUND_THE_PARKING_PLACE);

    /** Stripped unless the driver consented to driver identity: they name or identify the person driving. */
    public static final IoIdSet DRIVER_IDENTITY = IoIdSet.of(
            78,   // iButton ID
            207,  // RFID
            238,  // User ID
            264,  // Barcode ID
            403,  // Driver Name
            404,  // Driver card license type
            405,  // Driver Gender
            406,  // Driver Card ID
            407,  // Driver card expiration date
            408,  // Driver Card place of issue
            409,  // Driver Status Event
            451, 452, 453, 454, // BLE RFID #1..#4
            195, 196, 197, 198, // FMB640 tachograph: Driver 1 ID MSB/LSB, Driver 2 ID MSB/LSB
            10161, 10162);      // FMx150 tachograph: Driver 1/2 card presence

    /** What a mileage log needs; kept in private records and without telemetry consent. */
    public static final IoIdSet MILEAGE = IoIdSet.of(TOTAL_ODOMETER, TRIP_ODOMETER,
            10151, 10152); // FMx150 tachograph total and current distance

    /**
     * Metres driven: rounded down to whole grid cells on a coarsened record, since the metres between two records
     * would place the vehicle inside its cell. The mileage log's elements and the CAN adapter's total mileage and
     * counted mileage.
     */
    public static final IoIdSet DISTANCE = IoIdSet.union(MILEAGE, IoIdSet.of(87, 105));

    /** What the trip logic reads; kept without telemetry consent. */
    public static final IoIdSet TRIP_LOGIC = IoIdSet.of(IGNITION, MOVEMENT);

    /** Kept without telemetry consent. */
    public static final IoIdSet WITHOUT_TELEMETRY = IoIdSet.union(MILEAGE, TRIP_LOGIC);
}
