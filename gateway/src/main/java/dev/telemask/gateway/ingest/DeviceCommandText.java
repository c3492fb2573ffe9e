package dev.telemask.gateway.ingest;

import java.util.Locale;
import java.util.Set;

/**
 * What the gateway knows of a Teltonika command's text: whether it may be sent at all (one of {@link #SENDABLE},
 * printable ASCII, one line, short), its name (the first word, lower case, which allow-lists name), and whether its
 * answer reveals where the device is (a position, or the cell it is in), so that the answer is masked by the
 * device's policy.
 */
public final class DeviceCommandText {
    /** Codec 12 carries more, but Teltonika's commands and their parameters are short. */
    public static final int MAX_LENGTH = 256;
    /**
     * Answers that state a position ({@code getgps}, {@code ggps}), the serving cell ({@code getstatus}, IO), or what a
     * private record is stored without: {@code getinfo}'s fix state and satellites (open sky or a garage) and its
     * data mode (roaming: abroad).
     */
    private static final Set<String> REVEAL_LOCATION = Set.of("getgps", "ggps", "getstatus", "getio", "readio",
            "getinfo");
    /**
     * The only commands the gateway sends, whatever a fleet allows: ones that read the device's state or restart it.
     * Never one that configures it ({@code setparam} could point its data at another server, or turn on SMS
     * position reports, past the privacy engine), nor one that reads its configuration ({@code getparam} holds
     * device-side geozones).
     */
    public static final Set<String> SENDABLE = Set.of("getinfo", "getver", "getstatus", "getgps", "ggps", "getio",
            "readio", "getrecord", "cpureset");
    /** The elements {@code getio} answers with (DI1 DI2 DI3 AIN1 AIN2 DO1 DO2 on FMB devices). */
    private static final int[] GETIO_ELEMENTS = {1, 2, 3, 9, 10, 179, 180};

    private DeviceCommandText() {}

    /** Why {@code text} cannot be sent, or null when it can. */
    public static String problem(String text) {
        if (text.isBlank()) {
            return "must not be blank";
        }
        if (text.length() > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters, was " + text.length();
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return "must be printable ASCII on one line (character " + (i + 1) + " is not)";
            }
        }
        return null;
    }

    /** The command's name: its first word in lower case. */
    public static String name(String text) {
        String trimmed = text.strip();
        int space = trimmed.indexOf(' ');
        return (space < 0 ? trimmed : trimmed.substring(0, space)).toLowerCase(Locale.ROOT);
    }

    public static boolean revealsLocation(String name) {
        return REVEAL_LOCATION.contains(name);
    }

    /**
     * The IO elements whose values the answer to command {@code text} states, so that it keeps no more of them than a
     * record would: {@code getio}'s digital inputs 1 to 3, analogue inputs 1 and 2 (9, 10) and digital outputs 1 and 2
     * (179, 180); {@code readio N}'s element N; none for another command. Null when the answer may state any element
     * (a {@code readio} whose argument is no element ID).
     */
    public static int[] ioElementsStated(String text) {
        String name = name(text);
        if (name.equals("getio")) {
            return GETIO_ELEMENTS.clone();
        }
        if (!name.equals("readio")) {
            return new int[0];
        }
        String argument = text.strip().substring(name.length()).strip();
        if (!argument.matches("\\d{1,5}") || Integer.parseInt(argument) > 0xFFFF) {
            return null;
        }
        return new int[] {Integer.parseInt(argument)};
    }
}
