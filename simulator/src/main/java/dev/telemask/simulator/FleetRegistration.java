package dev.telemask.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Registers a simulated fleet's IMEIs through the gateway's fleet API, so that the gateway accepts its devices: reads
 * the fleet's devices once, then registers each IMEI the fleet does not have yet. Running it again changes nothing
 * (devices already in the fleet keep their label and policy); an IMEI another fleet owns is left alone and reported.
 * The API, not the database, so that the fleet's rules, its audit trail and any gateway (also a remote one) apply.
 */
public final class FleetRegistration {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** What registering did: IMEIs newly registered, ones the fleet already had, and ones another fleet owns. */
    public record Outcome(int registered, int alreadyRegistered, List<Long> otherFleet) {
        /** One line for the user. */
        public String summary() {
            String line = "registered " + registered + " devices (" + alreadyRegistered + " already were)";
            if (otherFleet.isEmpty()) {
                return line;
            }
            List<Long> shown = otherFleet.subList(0, Math.min(10, otherFleet.size()));
            return line + "; " + otherFleet.size() + " belong to another fleet and were left alone: "
                    + shown.toString().replaceAll("[\\[\\]]", "") + (shown.size() < otherFleet.size() ? ", ..." : "")
                    + " (choose another --imei-base, or use that fleet's token)";
        }
    }

    /** The API answered something registering cannot go on from; the message says what to do. */
    public static final class RegistrationException extends Exception {
        RegistrationException(String message) {
            super(message);
        }
    }

    private final RegistrationTarget target;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    public FleetRegistration(RegistrationTarget target) {
        this.target = target;
    }

    /** Registers IMEIs {@code imeiBase .. imeiBase + devices - 1}. */
    public Outcome register(long imeiBase, int devices) throws RegistrationException {
        Set<Long> owned = fleetImeis();
        int registered = 0;
        int already = 0;
        List<Long> otherFleet = new ArrayList<>();
        for (long imei = imeiBase; imei < imeiBase + devices; imei++) {
            if (owned.contains(imei)) {
                already++;
                continue;
            }
            HttpResponse<String> response = send(request("/api/v1/devices")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"imei\":\"" + imei + "\",\"label\":\"simulated\"}")));
            switch (response.statusCode()) {
                case 201 -> registered++;
                case 409 -> otherFleet.add(imei);
                default -> throw refused(response, "registering device " + imei);
            }
        }
        return new Outcome(registered, already, List.copyOf(otherFleet));
    }

    private Set<Long> fleetImeis() throws RegistrationException {
        HttpResponse<String> response = send(request("/api/v1/devices").GET());
        if (response.statusCode() != 200) {
            throw refused(response, "listing the fleet's devices");
        }
        Set<Long> imeis = new HashSet<>();
        try {
            for (JsonNode device : JSON.readTree(response.body()).path("devices")) {
                imeis.add(Long.parseLong(device.path("imei").asText()));
            }
        } catch (IOException | NumberFormatException e) {
            throw new RegistrationException(target.api() + " did not answer like a Telemask gateway: " + e.getMessage());
        }
        return imeis;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(target.api().resolve(path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + target.token());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws RegistrationException {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RegistrationException("cannot reach the fleet API at " + target.api() + " (" + e
                    + "); is the gateway running, and is --api its HTTP address?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistrationException("interrupted while registering devices");
        }
    }

    private RegistrationException refused(HttpResponse<String> response, String doing) {
        return new RegistrationException(switch (response.statusCode()) {
            case 401 -> "the gateway at " + target.api() + " does not know this token (401) while " + doing
                    + ": create it against the database that gateway uses (./telemask token create ... with the same"
                    + " --config and working directory as ./telemask serve)";
            case 403 -> "the token may not register devices (403): use a token with the admin role";
            default -> "the fleet API answered " + response.statusCode() + " while " + doing + ": " + response.body();
        });
    }
}
