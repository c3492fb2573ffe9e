package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A test client of {@code GET /api/v1/fleet/live}: reads the server-sent events on a thread of its own, keeps the
 * whole text received (for leak checks) and the {@code position} events' documents, and waits for one with a
 * deadline.
 */
final class LiveStream implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final StringBuilder text = new StringBuilder();
    private final List<JsonNode> events = new ArrayList<>();
    private final int status;
    private final CompletableFuture<Void> reading;
    private final Stream<String> lines;

    LiveStream(int httpPort, String token) throws IOException, InterruptedException {
        this(httpPort, token == null ? java.util.Map.<String, String>of()
                : java.util.Map.of("Authorization", "Bearer " + token));
    }

    /** A stream requested with these headers, e.g. a console session's {@code Cookie}. */
    static LiveStream withHeaders(int httpPort, java.util.Map<String, String> headers)
            throws IOException, InterruptedException {
        return new LiveStream(httpPort, headers);
    }

    private LiveStream(int httpPort, java.util.Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/api/v1/fleet/live")).header("Accept", "text/event-stream");
        headers.forEach(request::header);
        HttpResponse<Stream<String>> response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        status = response.statusCode();
        lines = response.body();
        reading = CompletableFuture.runAsync(() -> lines.forEach(this::line));
    }

    int status() {
        return status;
    }

    private synchronized void line(String line) {
        text.append(line).append('\n');
        if (line.startsWith("data: ")) {
            try {
                events.add(JSON.readTree(line.substring(6)));
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + line, e);
            }
            notifyAll();
        }
    }

    /** Everything received so far. */
    synchronized String text() {
        return text.toString();
    }

    synchronized List<JsonNode> events() {
        return List.copyOf(events);
    }

    /** The first event (old or new) of the device that matches {@code test}; fails after {@code within}. */
    synchronized JsonNode await(long imei, Predicate<JsonNode> test, Duration within) throws InterruptedException {
        return awaitAfter(0, imei, test, within);
    }

    /** The same among the events received after the first {@code skipped}. */
    synchronized JsonNode awaitAfter(int skipped, long imei, Predicate<JsonNode> test, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            for (JsonNode event : events.subList(Math.min(skipped, events.size()), events.size())) {
                if (event.get("imei").asText().equals(Long.toString(imei)) && test.test(event)) {
                    return event;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching event of " + imei + " within " + within + "; got " + events);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Whether the server ended the stream (it is read to its end) within {@code within}. */
    boolean endsWithin(Duration within) {
        try {
            reading.get(within.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (Exception e) {
            return true; // cut: also an end
        }
    }

    @Override
    public void close() {
        lines.close();
        http.shutdownNow();
    }
}
