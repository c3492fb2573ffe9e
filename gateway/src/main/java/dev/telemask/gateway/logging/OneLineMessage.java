package dev.telemask.gateway.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The formatted message with its line breaks and other control characters written as escapes ({@code \n},
 * {@code \u2028}): messages quote what clients and devices sent (a database error repeating a parameter, a refused
 * frame), and a break in such a value would otherwise start a line of its own that reads like the gateway's.
 * The text format's {@code %msg}; stack traces still follow on lines of their own.
 */
public final class OneLineMessage extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return escaped(event.getFormattedMessage());
    }

    static String escaped(String message) {
        if (message == null || message.chars().noneMatch(OneLineMessage::breaksTheLine)) {
            return message;
        }
        StringBuilder out = new StringBuilder(message.length() + 16);
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> {
                    if (breaksTheLine(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** Control characters but the tab, and Unicode's own line and paragraph separators. */
    private static boolean breaksTheLine(int c) {
        return (c < 0x20 && c != '\t') || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029;
    }
}
