package dev.telemask.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainHelpTest {
    private String printed;

    private int help(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Main.help(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        printed = bytes.toString(StandardCharsets.UTF_8);
        return code;
    }

    @Test
    void everyCommandAnswersHelpWithItsUsage() {
        assertEquals(0, help("simulate", "--help"));
        assertTrue(printed.contains("--register") && printed.startsWith("usage: telemask simulate"), printed);
        assertEquals(0, help("simulate", "--devices", "5", "-h"));
        assertEquals(0, help("load", "--help"));
        assertTrue(printed.startsWith("usage: telemask load"), printed);
        assertEquals(0, help("bench", "--help"));
        assertTrue(printed.contains("zone-attack") && printed.contains("idle-connections"), printed);
        assertEquals(0, help("--help"));
        assertEquals(-1, help("simulate", "--devices", "5"), "no help asked: the command runs");
        assertEquals(-1, help("bench", "decoder", "-h"), "a JMH suite's options are JMH's");
    }
}
