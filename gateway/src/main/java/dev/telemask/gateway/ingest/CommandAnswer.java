package dev.telemask.gateway.ingest;

import dev.telemask.codec.AvlBatch;
import dev.telemask.privacy.Treatment;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The answer to a command as it is stored. A restricted device's answers are withheld, whatever they say. The answer
 * to a command that does not reveal where the device is stays as the device sent it, unless it states a position
 * after all. One that does is a position of now, masked as the device's policy would mask a record of now
 * ({@link DevicePrivacy#maskStatedPosition}, which withholds it while anything up to now is undecided): a stated
 * position ({@code Lat:… Long:…}, or a map link's {@code ?q=lat,lon} as {@code ggps} states it; both in one answer
 * withhold it) is kept as sent when such a record would be stored exact, replaced by its cell's
 * coordinates alone when it would be coarsened, and withheld otherwise; an answer that locates the device without
 * stating a position (the serving cell of {@code getstatus}, IO values, the fix state and satellites of
 * {@code getinfo}) is kept only when a record would be stored
 * exact and the device has no privacy zones (whose hidden stretches the records' mileage leaves out, and which a raw
 * odometer or engine counter in an answer would measure), and withheld otherwise. An answer is stored only while the
 * switches it was judged under are current ({@link dev.telemask.storage.query.DeviceCommands#answered}): a switch call
 * that returned before the session took it up may not be passed over.
 *
 * @param text          what is stored
 * @param treatment     {@code as-sent} (not a locating command), {@code exact}, {@code coarsened} or {@code withheld}
 * @param switchVersion the device's switch version it was judged under, {@link #UNMASKED} for none
 */
record CommandAnswer(String text, String treatment, long switchVersion) {
    static final long UNMASKED = -1;
    static final String WITHHELD = "withheld: the device's privacy policy does not let its position of now show";
    private static final Pattern LATITUDE = Pattern.compile("(?i)\\bLat(?:itude)?:\\s*(-?\\d{1,3}(?:\\.\\d+)?)");
    private static final Pattern LONGITUDE = Pattern.compile("(?i)\\bLon(?:g|gitude)?:\\s*(-?\\d{1,3}(?:\\.\\d+)?)");
    /** A map link's {@code q=lat,lon}: how {@code ggps} states the position (its {@code Url: http://maps...}). */
    private static final Pattern MAP_LINK = Pattern.compile(
            "(?i)[?&]q=(-?\\d{1,3}(?:\\.\\d+)?)\\s*(?:,|%2C)\\s*(-?\\d{1,3}(?:\\.\\d+)?)");
    private static final int SATELLITES_OF_A_FIX = 9;

    static CommandAnswer of(String answer, String command, boolean revealsLocation, DevicePrivacy privacy,
                            DeviceContext device, long nowMillis) {
        Matcher lat = LATITUDE.matcher(answer);
        Matcher lon = LONGITUDE.matcher(answer);
        Matcher link = MAP_LINK.matcher(answer);
        boolean latLong = lat.find() && lon.find();
        boolean linked = link.find();
        boolean statesPosition = latLong || linked;
        // Judged by the command's name too: one queued by an older version may not have been flagged as locating.
        boolean locating = revealsLocation || DeviceCommandText.revealsLocation(DeviceCommandText.name(command));
        long version = device.profile().switchVersion();
        // Processing of a restricted device's data stops at the restriction (GDPR art. 18): no answer of it is kept,
        // not even one that states no position (getinfo tells its fix state, satellites and last fix).
        if (device.restricted()) {
            return new CommandAnswer(WITHHELD, "withheld", version);
        }
        // Whatever was asked, an answer that states a position is masked as one.
        if (!locating && !statesPosition) {
            // Under the version too: a restriction that returned before this session took it up withholds it.
            return new CommandAnswer(answer, "as-sent", version);
        }
        if (latLong && linked) {
            // A device's answer states one position; of two, one judged would let the other pass unjudged.
            return new CommandAnswer(WITHHELD, "withheld", version);
        }
        AvlBatch position = new AvlBatch();
        int latE7 = latLong ? e7(lat.group(1)) : linked ? e7(link.group(1)) : 0;
        int lonE7 = latLong ? e7(lon.group(1)) : linked ? e7(link.group(2)) : 0;
        // Without a stated position the record has no fix: the engine then judges it where the last fix was.
        position.addRecord(nowMillis, 0, lonE7, latE7, 0, 0, statesPosition ? SATELLITES_OF_A_FIX : 0, 0, 0,
                AvlBatch.NO_GENERATION);
        Treatment treatment = privacy.maskStatedPosition(device, position, nowMillis);
        // IO values in free text cannot be masked element by element: under zones the records' mileage is shifted
        // and the counters that would time the way home are removed, so raw values beside them would measure it.
        if (treatment == Treatment.EXACT && (statesPosition || device.policy().policy().zones().isEmpty())
                && keepsEveryElementStated(command, device)) {
            return new CommandAnswer(answer, "exact", version);
        }
        if (treatment == Treatment.COARSENED && statesPosition && !position.isLocationCleared(0)) {
            return new CommandAnswer(String.format(Locale.ROOT, "Lat:%.7f Long:%.7f (the policy's grid cell)",
                    position.latitude(0) / 1e7, position.longitude(0) / 1e7), "coarsened", version);
        }
        return new CommandAnswer(WITHHELD, "withheld", version);
    }

    /**
     * Whether an exact record would keep every IO element whose value the answer states: without driver-identity
     * consent a {@code readio 78} would read the iButton a record is stored without, without telemetry consent a
     * {@code getio} the inputs.
     */
    private static boolean keepsEveryElementStated(String command, DeviceContext device) {
        int[] elements = DeviceCommandText.ioElementsStated(command);
        if (elements == null) {
            return false;
        }
        for (int id : elements) {
            if (!device.policy().exactRecordKeeps(id, device.consent())) {
                return false;
            }
        }
        return true;
    }

    private static int e7(String degrees) {
        double value = Double.parseDouble(degrees);
        return (int) Math.round(Math.max(-180, Math.min(180, value)) * 1e7);
    }
}
