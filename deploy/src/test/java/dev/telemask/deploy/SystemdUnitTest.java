package dev.telemask.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.gateway.config.ConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** deploy/systemd: the unit is one systemd accepts, is hardened, and its environment file sets only known keys. */
class SystemdUnitTest {
    private static final Path UNIT = DeployFiles.path("systemd/telemask.service");

    @Test
    void systemdAnalyzeVerifyAcceptsTheUnit() throws Exception {
        String analyze = "/usr/bin/systemd-analyze";
        Assumptions.assumeTrue(Files.isExecutable(Path.of(analyze)), "systemd-analyze is not installed here");
        Result result = run(analyze, "verify", UNIT.toAbsolutePath().toString());
        assertEquals(0, result.exit(), result.output());
        assertTrue(!result.output().contains("Unknown key"), result.output());
    }

    @Test
    void theUnitIsHardened() throws IOException {
        Map<String, String> unit = directives();
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("DynamicUser", "yes");
        expected.put("ProtectSystem", "strict");
        expected.put("ReadWritePaths", "/var/lib/telemask");
        expected.put("NoNewPrivileges", "yes");
        expected.put("PrivateTmp", "yes");
        expected.put("CapabilityBoundingSet", "");
        expected.put("AmbientCapabilities", "");
        expected.put("SystemCallFilter", "@system-service");
        expected.forEach((key, value) -> assertEquals(value, unit.get(key), key));
        assertTrue(unit.get("RestrictAddressFamilies").contains("AF_INET6"), "IPv6 devices");
        assertTrue(Long.parseLong(unit.get("LimitNOFILE")) >= 20_000, "a socket per device, 10k+ devices");
        assertTrue(unit.containsKey("MemoryMax"));
        assertTrue(unit.get("ExecStart").endsWith("-jar /opt/telemask/telemask.jar serve"));
    }

    @Test
    void theEnvironmentFileSetsOnlyGatewaySettings() throws IOException {
        Set<String> known = ConfigLoader.keys().stream().map(ConfigLoader::environmentName).collect(Collectors.toSet());
        List<String> unknown = new ArrayList<>();
        for (String line : Files.readAllLines(DeployFiles.path("systemd/telemask.env"))) {
            String setting = line.startsWith("#") ? line.substring(1) : line;
            if (setting.matches("TELEMASK_[A-Z_]+=.*") && !known.contains(setting.substring(0, setting.indexOf('=')))) {
                unknown.add(setting);
            }
        }
        assertEquals(List.of(), unknown);
    }

    /** The first value of each directive (the first SystemCallFilter= is the allow list). */
    private static Map<String, String> directives() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(UNIT)) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && !line.startsWith("[") && eq > 0) {
                out.putIfAbsent(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return out;
    }

    private record Result(int exit, String output) {
    }

    private static Result run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "systemd-analyze finished");
        return new Result(process.exitValue(), output);
    }
}
