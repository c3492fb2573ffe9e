package dev.telemask.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The image Jib built in this module's package phase (target/image/telemask-image.tar): its config says what the
 * container runs and as whom, and, where the test may chroot, the image's own JVM really starts the gateway's CLI.
 */
class ImageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path IMAGE = Path.of(System.getProperty("telemask.test.dir", "target"), "image",
            "telemask-image.tar");

    private static JsonNode config() throws IOException {
        assertTrue(Files.isRegularFile(IMAGE), IMAGE + " missing: the package phase builds it (jib:buildTar)");
        Map<String, byte[]> top = ImageTar.read(IMAGE, Set.of("manifest.json", "config.json"));
        JsonNode manifest = JSON.readTree(top.get("manifest.json"));
        String configName = manifest.get(0).get("Config").asText();
        byte[] config = configName.equals("config.json") ? top.get("config.json")
                : ImageTar.read(IMAGE, Set.of(configName)).get(configName);
        return JSON.readTree(config).get("config");
    }

    @Test
    void runsTheGatewayJarAsANonRootUser() throws IOException {
        JsonNode config = config();
        List<String> entrypoint = new ArrayList<>();
        config.get("Entrypoint").forEach(part -> entrypoint.add(part.asText()));
        assertEquals("java", entrypoint.get(0));
        assertEquals(List.of("-jar", "/app/telemask.jar", "serve"),
                entrypoint.subList(entrypoint.size() - 3, entrypoint.size()));
        String user = config.get("User").asText();
        assertTrue(!user.isEmpty() && !user.startsWith("0") && !user.startsWith("root"), "non-root user: " + user);
    }

    @Test
    void exposesTheDevicePortOnTcpAndUdpAndTheHttpPort() throws IOException {
        List<String> ports = new ArrayList<>();
        config().get("ExposedPorts").fieldNames().forEachRemaining(ports::add);
        assertEquals(List.of("5027/tcp", "5027/udp", "8080/tcp"), ports.stream().sorted().toList());
    }

    /**
     * Unpacks the layers and runs the image's entrypoint JVM with the CLI's help inside them, as the container's
     * user: proves the base (jlink'd runtime plus glibc) and the app layer fit. Needs root for chroot and a mount
     * namespace for /proc (the loader finds libjli.so through /proc/self/exe), so it is skipped elsewhere.
     */
    @Test
    void theImagesJavaStartsTheCliInsideTheImage() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root to chroot into the unpacked image");
        Process probe = new ProcessBuilder("unshare", "--mount", "--fork", "true").redirectErrorStream(true).start();
        String why = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        Assumptions.assumeTrue(probe.waitFor() == 0, "no mount namespace for the image's /proc here: " + why);
        Path root = Files.createDirectories(IMAGE.resolveSibling("rootfs"));
        run(List.of("rm", "-rf", root.toString()));
        Files.createDirectories(root.resolve("proc"));
        Path unpacked = Files.createDirectories(IMAGE.resolveSibling("unpacked"));
        run(List.of("tar", "-xf", IMAGE.toString(), "-C", unpacked.toString()));
        JsonNode manifest = JSON.readTree(unpacked.resolve("manifest.json").toFile());
        for (JsonNode layer : manifest.get(0).get("Layers")) {
            run(List.of("tar", "-xzf", unpacked.resolve(layer.asText()).toString(), "-C", root.toString()));
        }
        JsonNode config = config();
        String user = config.get("User").asText();
        String output = run(List.of("unshare", "--mount", "--fork", "sh", "-c",
                "mount -t proc proc \"$0/proc\" && exec chroot --userspec=\"$1\" \"$0\" /opt/java/openjdk/bin/java"
                        + " -jar /app/telemask.jar help",
                root.toString(), user));
        assertTrue(output.contains("serve"), "the CLI's help names serve: " + output);
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "finished: " + command);
        assertEquals(0, process.exitValue(), command + ": " + output);
        return output;
    }
}
