package dev.telemask.privacy;

/**
 * The built-in IO element ID sets the engine treats specially, from Teltonika's AVL ID lists on
 * wiki.teltonika-gps.com ("FMB... Teltonika Data Sending Parameters ID" for FMB/FMC/FMM, with its CAN adapter
 * elements; "FMx150 Tacho AVL ID"; the FMx640 tachograph data elements; "FM6300 / FMB630 Teltonika Data Sending
 * Parameters ID" and the FMB630 user manual's LV-CAN200 table for the FM63xx family, the one that sends Codec 16) and
 * traccar's TeltonikaProtocolDecoder.
 *
 * <p>Some IDs mean different things on different families (195..198 are geofence zones on FMB1xx and driver IDs
 * on FMB640; 216 is a geofence zone on FMB1xx and the total odometer on FM63xx); an ID lands in every set where any
 * family's meaning belongs, because stripping a harmless element costs little and keeping a revealing one costs
 * privacy. Codec 16 comes only from FM63xx devices, whose list differs from the FMB one almost everywhere: the
 * FM63xx meanings below are marked as such.
 */
public final class TeltonikaIo {
    private TeltonikaIo() {}

    public static final int TOTAL_ODOMETER = 16;
    public static final int TRIP_ODOMETER = 199;
    public static final int IGNITION = 239;
    public static final int MOVEMENT = 240;

    /**
     * Distances counted up like an odometer that are no mileage the engine shifts or rounds: Fuel Used GPS (12, ml,
     * the fuel the device reckons from the GNSS distance at its configured consumption, so ml at a known rate are
     * metres), OBD's distance travelled with the MIL on (43, km) and since the codes were cleared (49, km), OBD OEM
     * Total Mileage (389, km), and ISOBUS's ground-based and wheel-based distance (12401, 12404, mm). Stripped with the
     * locating elements, and from exact records too under a policy with privacy zones: across a hidden stretch they
     * would measure the way home.
     */
    public static final IoIdSet UNSHIFTED_DISTANCE = IoIdSet.of(12, 43, 49, 389, 12401, 12404,
            // The tachograph's total vehicle distance and trip distance as the CAN adapter reads them (133, 134, m,
            // FMB1xx), the distance driven while salting (186, FMB1xx).
            133, 134, 186,
            // FM63xx (Codec 16): LV-CAN Total Mileage (36, m), the tachograph's odometer and trip distance (192,
            // 193, m) and the device's Total Odometer (216, m), none of which the engine shifts.
            36, 192, 193, 216,
            // Counted down or up by the way driven, in km: Distance to Next Service (400), OEM Distance Until
            // Service (402), distance from need of service (859) and from the last service (860), to the next oil
            // service (864); and the remaining range (304, 305, 755, 866), the same at the vehicle's consumption.
            400, 402, 859, 860, 864, 304, 305, 755, 866);

    /**
     * Always stripped from private and zone records: each one places the vehicle, directly or through a lookup, and
     * so does every {@link #UNSHIFTED_DISTANCE}. Wi-Fi and BLE scans arrive as variable-length (NX) elements, whose IDs differ between firmware versions, so
     * the engine strips every NX element from those records on top of this list.
     */
    public static final IoIdSet LOCATION_REVEALING = IoIdSet.union(UNSHIFTED_DISTANCE, IoIdSet.of(
            205,  // GSM Cell ID: base station, geolocatable through public cell databases
            206,  // GSM Area Code (LAC)
            241,  // Active GSM Operator (MCC+MNC): the country
            636,  // UMTS/LTE Cell ID (4 bytes, on FMC/FMM)
            80,   // Data Mode: home/roaming network on stop/moving, i.e. whether the vehicle is abroad
            21,   // GSM Signal (0..5): night after night, a car park below ground (1) or the street above it (5)
            237,  // Network Type (3G, GSM, 4G, LTE Cat M1, NB-IoT): the coverage of the exact spot, like the signal
            1148, // Connectivity quality: the coverage of the exact spot again, like the signal
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
            69,   // GNSS Status: whether the device has a fix, i.e. the satellites again
            181, 182, // GNSS PDOP, HDOP: the fix's quality from the satellites' geometry (open sky or a garage)
            387,  // ISO6709 coordinates: the position as text
            385,  // Beacon list: BLE beacons seen, each one fixed in a known place
            175,  // Auto Geofence: left the auto-geofence around the parking place
            // Geofence zone 1..50 events: in or out of a configured area.
            155, 156, 157, 158, 159, 61, 62, 63, 64, 65, 70, 88, 91, 92, 93, 94, 95, 96, 97, 98, 99, 153, 154,
            190, 191, 192, 193, 194, 195, 196, 197, 198, 208, 209, 216, 217, 218, 219, 220, 221, 222, 223, 224,
            225, 226, 227, 228, 229, 230, 231,
            // FM63xx (Codec 16) geofence zones 6..20 and 21..50, and Geofence Zone Over Speeding: which configured
            // area the vehicle is in, under other IDs than on FMB1xx.
            160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174,
            327, 328, 329, 330, 331, 332, 333, 334, 335, 336, 337, 338, 339, 340, 341, 342, 343, 344, 345, 346,
            347, 348, 349, 350, 351, 352, 353, 354, 355, 356, 248,
            // FM63xx (Codec 16): LV-CAN speed (30, km/h) and engine RPM (35), the accelerometer axes X and Z (236,
            // 238; Y is 237), Data Mode (22: home or roaming), GNSS Status (71) and Network Type (178): the same
            // leaks as their FMB1xx counterparts above.
            30, 35, 236, 238, 22, 71, 178,
            // LV-CAN/ALL-CAN road sign recognition on FMB1xx: the posted limit of the road the vehicle is on (1116
            // MaxRoadSpeed, 1205..1209 speed limit signs) tells a 30 zone from a motorway, and ExceededRoadSpeed
            // (1117) is the speed again. MSP500 speed sensor (502): the speed. Names from the FMB list; units not
            // confirmed.
            1116, 1117, 1205, 1206, 1207, 1208, 1209, 502,
            // Neighbour cell towers (TAT100, per traccar: MNC 1200..1203 with LAC, cell ID and signal 287..298):
            // four base stations, a position by trilateration.
            1200, 1201, 1202, 1203, 287, 288, 289, 290, 291, 292, 293, 294, 295, 296, 297, 298));

    /**
     * Driving time counted by the vehicle or the device: OBD's runtime since the engine started (42, s), its minutes
     * run with the MIL on (54) and since the trouble codes were cleared (55), the ignition-on counter (449, s), the
     * engine's worktime over CAN (102, 103, min). The first visible record after a zone's hidden stretch would say how
     * long the vehicle has driven since it left home, or how long it drove while hidden: the way, timed. Counted only
     * while the engine runs, the minute counters leave out the stop at home, the one unknown that keeps the times of
     * the visible points around a hidden stretch from measuring the way; minutes are coarse, but many nights average
     * their rounding away.
     */
    public static final IoIdSet DRIVING_TIME = IoIdSet.of(42, 54, 55, 102, 103, 449,
            // The tachograph's clocks as the CAN adapter reads them (FMB1xx, min): each driver's continuous driving
            // time (138, 139: since the last break, so from home), cumulative break time (140, 141), selected
            // activity duration (142, 143: how long the driver has been driving, since leaving home) and cumulative
            // driving time (144, 145).
            138, 139, 140, 141, 142, 143, 144, 145,
            // FM63xx (Codec 16): the same tachograph clocks (56, 57, 58, 59, 60, 61, 69, 77), the CAN adapter's
            // engine worktime (14, 15, min) and the FMS engine hours (104, h).
            56, 57, 58, 59, 60, 61, 69, 77, 14, 15, 104);

    /**
     * The engine's temperatures, which climb from the air's towards the thermostat's for minutes after a cold start:
     * OBD's coolant (32) and engine oil (58) temperature and the CAN adapter's engine temperature (115, 0.1 C). At
     * the first visible record after a night at home they are a stopwatch started at home, read to seconds on the
     * warm-up curve that the vehicle's visible cold starts elsewhere draw, and those seconds at the speed the track
     * shows are the way from home (one morning, 300 m zone: 2,749 m for a point 2,750 m out). Kept only once the
     * engine is warm, the first record that kept them would time the start just as well.
     */
    public static final IoIdSet ENGINE_WARM_UP = IoIdSet.of(32, 58, 115,
            127); // FM63xx (Codec 16): FMS Engine Coolant Temperature

    /**
     * The fuel the engine burnt, counted up by the CAN adapter: Fuel Consumed (83, 0.1 l) and Fuel Consumed counted
     * (107, l). Coarse, but their jump across a zone's hidden stretch is the way home at the vehicle's consumption,
     * and many nights average the rounding away.
     */
    public static final IoIdSet FUEL_CONSUMED = IoIdSet.of(83, 107,
            // The other fuels counted up on FMB1xx: CNG Used (233), LNG Used and its counted value (855, 856),
            // Total LPG Used and its counted value (1100, 1101).
            233, 855, 856, 1100, 1101,
            // FM63xx (Codec 16): Fuel Consumed (counted) (17), LV-CAN Fuel Consumed (33), FMS Engine Total Fuel Used
            // (86) and its high-resolution value (138), CNG Used (227).
            17, 33, 86, 138, 227);

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
            195, 196, 197, 198, // FMB640 and FM63xx tachograph: Driver 1 ID MSB/LSB, Driver 2 ID MSB/LSB
            10161, 10162,       // FMx150 tachograph: Driver 1/2 card presence
            // The tachograph through the LV-CAN200/ALL-CAN300 adapter (FMB1xx): Driver 1 ID High/Low, Driver 2 ID
            // High/Low (the driver card numbers) and Tacho Driver Card Presence.
            146, 147, 148, 149, 135,
            10518, // FMx640 tachograph: Driver 1 Name (36 bytes of text)
            10519, // by the sequence Driver 2 Name: not confirmed from a Teltonika list
            // FM63xx (Codec 16): RFID on COM2, each card's issuing member state (the driver's country), each card's
            // presence.
            217, 222, 223, 187, 188);

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
