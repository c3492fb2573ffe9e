package dev.telemask.gateway.webhook;

import dev.telemask.gateway.api.ForwardedPosition;
import dev.telemask.storage.FieldSealer;
import dev.telemask.storage.WebhookOutbox;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Delivers the webhook outbox, at least once: claims due deliveries (shared with the other instances), POSTs each
 * signed to its endpoint with a timeout, and records the outcome: delivered on a 2xx answer, else tried again after
 * a backoff that doubles per attempt (capped at an hour), and dead after the configured number of attempts. It runs
 * on threads of its own with a connection pool that is not the writers': a slow or dead receiver delays only its own
 * deliveries, never ingest or acknowledgements.
 */
public final class WebhookDelivery implements AutoCloseable {
    private static final Logger LOG = System.getLogger(WebhookDelivery.class.getName());
    private static final int BATCH = 32;
    private static final long IDLE_POLL_MILLIS = 250;
    private static final Duration MAX_BACKOFF = Duration.ofHours(1);

    private final WebhookOutbox outbox;
    private final int maxAttempts;
    private final Duration backoff;
    private final Duration timeout;
    private final HttpClient http;
    private final ExecutorService senders = Executors.newFixedThreadPool(4, Thread.ofPlatform()
            .name("telemask-webhook-", 0).daemon(true).factory());
    private final Thread poller;
    private final Counter delivered;
    private final Counter failed;
    private final Counter dead;
    private final AtomicLong lagMillis = new AtomicLong();
    private volatile boolean closed;

    private WebhookDelivery(DataSource dataSource, FieldSealer sealer, int maxAttempts, Duration backoff, Duration timeout,
                            MeterRegistry registry) {
        this.outbox = new WebhookOutbox(dataSource, sealer);
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.delivered = Counter.builder("telemask.webhooks.delivered").description("Webhook deliveries a receiver"
                + " took (2xx)").register(registry);
        this.failed = Counter.builder("telemask.webhooks.failed").description("Webhook delivery attempts that"
                + " failed (answer not 2xx, timeout, connection refused)").register(registry);
        this.dead = Counter.builder("telemask.webhooks.dead").description("Webhook deliveries given up after the"
                + " last attempt").register(registry);
        Gauge.builder("telemask.webhooks.lag.seconds", lagMillis, v -> v.get() / 1000.0)
                .description("Age of the oldest webhook delivery still pending").register(registry);
        this.poller = new Thread(this::run, "telemask-webhook-poller");
        this.poller.setDaemon(true);
    }

    /** Starts delivering from {@code dataSource}'s outbox; webhook secrets are opened with {@code sealer}. */
    public static WebhookDelivery start(DataSource dataSource, FieldSealer sealer, int maxAttempts, Duration backoff,
                                        Duration timeout, MeterRegistry registry) {
        WebhookDelivery delivery = new WebhookDelivery(dataSource, sealer, maxAttempts, backoff, timeout, registry);
        delivery.poller.start();
        return delivery;
    }

    private void run() {
        long failures = 0;
        while (!closed) {
            try {
                List<WebhookOutbox.Due> due = outbox.claim(BATCH, timeout.multipliedBy(2).plusSeconds(5));
                lagMillis.set(outbox.lag().toMillis());
                List<Future<?>> sent = new java.util.ArrayList<>();
                for (WebhookOutbox.Due d : due) {
                    sent.add(senders.submit(() -> deliver(d)));
                }
                for (Future<?> f : sent) {
                    f.get();
                }
                failures = 0;
                if (due.size() < BATCH) {
                    pause(IDLE_POLL_MILLIS);
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (closed) {
                    return;
                }
                failures++;
                LOG.log(failures == 1 ? Level.WARNING : Level.DEBUG, "webhook outbox unavailable: {0}", e.toString());
                pause(Math.min(5_000, IDLE_POLL_MILLIS * (1L << Math.min(failures, 5))));
            }
        }
    }

    private void deliver(WebhookOutbox.Due due) {
        String error;
        try {
            if (due.secret() == null) {
                throw new IllegalStateException("the webhook's secret does not open with this gateway's seal keys");
            }
            String refused = WebhookTarget.refusal(URI.create(due.url()));
            if (refused != null) {
                throw new RefusedTarget(refused);
            }
            String body = due.payload();
            if (due.ofPosition()) {
                if (due.position() == null) {
                    outbox.discard(due.id()); // erased while it waited: nothing of it may be sent
                    return;
                }
                body = ForwardedPosition.json(due.position());
            }
            long timestamp = Instant.now().getEpochSecond();
            HttpRequest request = HttpRequest.newBuilder(URI.create(due.url())).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header(WebhookSignature.DELIVERY_HEADER, Long.toString(due.id()))
                    .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                    .header(WebhookSignature.HEADER, WebhookSignature.sign(due.secret(), timestamp, due.id(), body))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 == 2) {
                outbox.delivered(due.id());
                delivered.increment();
                return;
            }
            error = "HTTP " + response.statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // the lease runs out and another attempt is made
        } catch (RefusedTarget e) {
            error = "not delivered: " + e.getMessage();
        } catch (java.net.http.HttpTimeoutException e) {
            error = "no answer in time";
        } catch (javax.net.ssl.SSLException e) {
            error = "TLS failed";
        } catch (Exception e) {
            // No more than this: an error's detail (refused, reset, no route) would map the receiver's network.
            error = "connection failed";
            LOG.log(Level.DEBUG, "webhook delivery {0}: {1}", due.id(), e.toString());
        }
        failed.increment();
        try {
            int attempts = due.attempts() + 1;
            if (attempts >= maxAttempts) {
                outbox.failed(due.id(), error, null);
                dead.increment();
                LOG.log(Level.INFO, "webhook {0}: delivery {1} dead after {2} attempts ({3})", due.webhookId(),
                        due.id(), attempts, error);
            } else {
                Duration wait = backoff.multipliedBy(1L << Math.min(attempts - 1, 20));
                outbox.failed(due.id(), error, Instant.now().plus(wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF
                        : wait));
            }
        } catch (Exception e) {
            LOG.log(Level.WARNING, "webhook delivery {0}: outcome not recorded ({1}); tried again after its lease",
                    due.id(), e.toString());
        }
    }

    /** The webhook's host is not one deliveries may go to now. */
    private static final class RefusedTarget extends Exception {
        private static final long serialVersionUID = 1L;

        RefusedTarget(String why) {
            super(why, null, false, false);
        }
    }

    private void pause(long millis) {
        try {
            // Polling the outbox: there is nothing to wait on between polls.
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        poller.interrupt();
        senders.shutdownNow();
        try {
            poller.join(5_000);
            senders.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
