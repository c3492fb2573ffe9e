package dev.telemask.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * One scrape of the gateway's Prometheus page: heap used and the buckets of its ACK latency histogram (from a
 * frame's decoding to its ACK), so that two scrapes give the latency of the window between them.
 */
record GatewayMetrics(double heapUsedBytes, Map<Double, Double> ackLatencyBuckets) {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static GatewayMetrics scrape(String url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build();
        return parse(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    /** Reads the Prometheus text format; only the lines this benchmark needs. */
    static GatewayMetrics parse(String text) {
        double heap = 0;
        Map<Double, Double> buckets = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                heap += value(line);
            } else if (line.startsWith("telemask_ack_latency_seconds_bucket{")) {
                int le = line.indexOf("le=\"") + 4;
                String bound = line.substring(le, line.indexOf('"', le));
                buckets.put(bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound), value(line));
            }
        }
        return new GatewayMetrics(heap, buckets);
    }

    private static double value(String line) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    /**
     * The {@code quantile} (0..1) of the ACKs counted between {@code earlier} and this scrape, in milliseconds: the
     * upper bound of the bucket it falls in, so a bucket's width is the resolution. NaN when there were none.
     */
    double ackLatencyMillisSince(GatewayMetrics earlier, double quantile) {
        double total = ackLatencyBuckets.getOrDefault(Double.POSITIVE_INFINITY, 0.0)
                - earlier.ackLatencyBuckets.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        if (total <= 0) {
            return Double.NaN;
        }
        for (Map.Entry<Double, Double> bucket : ackLatencyBuckets.entrySet()) {
            double cumulative = bucket.getValue() - earlier.ackLatencyBuckets.getOrDefault(bucket.getKey(), 0.0);
            if (cumulative >= quantile * total) {
                return bucket.getKey() * 1_000;
            }
        }
        return Double.POSITIVE_INFINITY;
    }
}
