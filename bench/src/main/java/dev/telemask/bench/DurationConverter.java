package dev.telemask.bench;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a duration such as {@code 500ms}, {@code 90s}, {@code 5m} or {@code 1h}; a bare number means seconds. */
public final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            long amount = Long.parseLong(text.replaceFirst("[smh]$", ""));
            return switch (text.charAt(text.length() - 1)) {
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> Duration.ofSeconds(amount);
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new TypeConversionException("wants a duration like 500ms, 90s, 5m or 1h, got '" + value + "'");
        }
    }
}
