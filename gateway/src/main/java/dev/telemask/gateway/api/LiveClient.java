package dev.telemask.gateway.api;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One open live stream: a server-sent event response and whom it is for. Writes are posted to the connection's
 * event loop and never wait; a client whose unsent bytes (queued for the event loop plus Vert.x's write queue)
 * exceed the bound is cut rather than buffered without end. Device events go out under {@link #order()}, read and
 * sent while it is held: a device's events reach the client in the order they were read from the database, so the
 * last one is what is stored, and it knows which devices it was shown, to take a deleted one off again.
 */
final class LiveClient {
    /** Why a stream ended, as the {@code reason} tag of {@code telemask.api.live.closed}. */
    enum End { CLIENT_CLOSED, SLOW_CONSUMER, TOKEN_INVALID, ROLE_CHANGED, SHUTDOWN }

    private final HttpServerResponse response;
    private final Context context;
    private final Caller caller;
    private final String token;
    private final int maxBufferBytes;
    private final AtomicLong posted = new AtomicLong();
    private final CompletableFuture<End> ended = new CompletableFuture<>();
    private final ReentrantLock order = new ReentrantLock();
    private final Set<Long> shown = new HashSet<>();

    LiveClient(HttpServerResponse response, Context context, Caller caller, String token, int maxBufferBytes) {
        this.response = response;
        this.context = context;
        this.caller = caller;
        this.token = token;
        this.maxBufferBytes = maxBufferBytes;
    }

    Caller caller() {
        return caller;
    }

    String token() {
        return token;
    }

    /** Completes with the reason once the stream has ended. */
    CompletableFuture<End> ended() {
        return ended;
    }

    /** Whether the caller may see the device's positions: its tenant's, and for a driver only its own device. */
    boolean sees(long tenantId, long imei) {
        return caller.tenantId() == tenantId && (caller.role() != Role.DRIVER || caller.device() == imei);
    }

    /**
     * Whether the credential, read again as {@code now}, still sees what the stream was opened for: the same fleet,
     * role and device. A signed-in user's role and a driver's vehicle can change while the stream is open.
     */
    boolean stillFor(Caller now) {
        return now.tenantId() == caller.tenantId() && now.role() == caller.role()
                && java.util.Objects.equals(now.device(), caller.device());
    }

    /** Held from reading a device's newest row to sending it: no older read of the device is sent after it. */
    ReentrantLock order() {
        return order;
    }

    /** Sends a device's event (under {@link #order()}) and remembers that the client was shown the device. */
    void show(long imei, String event) {
        shown.add(imei);
        send(event);
    }

    /** Sends the removal of a device (under {@link #order()}) that is gone, if the client was shown it. */
    void forget(long imei) {
        if (shown.remove(imei)) {
            send(LiveEvent.removed(imei));
        }
    }

    /** Sends the removal of every device the client was shown (under {@link #order()}) but {@code present}. */
    void forgetAllBut(Set<Long> present) {
        for (Long imei : List.copyOf(shown)) {
            if (!present.contains(imei)) {
                forget(imei);
            }
        }
    }

    /** Starts the response on the event loop: headers, a retry hint, and the close handling. */
    void open() {
        context.runOnContext(v -> {
            response.setStatusCode(200).setChunked(true)
                    .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                    // Proxies such as nginx would otherwise hold events back to fill their buffers.
                    .putHeader("X-Accel-Buffering", "no")
                    .setWriteQueueMaxSize(maxBufferBytes);
            response.closeHandler(closed -> ended.complete(End.CLIENT_CLOSED));
            response.exceptionHandler(failure -> ended.complete(End.CLIENT_CLOSED));
            response.write("retry: 3000\n\n");
        });
    }

    /** Sends an event (or comment); false when the client fell too far behind and was cut. */
    boolean send(String event) {
        if (ended.isDone()) {
            return false;
        }
        byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
        if (posted.addAndGet(bytes.length) > maxBufferBytes) {
            end(End.SLOW_CONSUMER);
            return false;
        }
        Buffer buffer = Buffer.buffer(bytes);
        context.runOnContext(v -> {
            posted.addAndGet(-bytes.length);
            if (ended.isDone()) {
                return;
            }
            if (response.writeQueueFull()) {
                end(End.SLOW_CONSUMER);
                return;
            }
            response.write(buffer);
        });
        return true;
    }

    /** Ends the stream: cut (a client that must reconnect, not a body that looks complete), once. */
    void end(End reason) {
        if (ended.complete(reason)) {
            context.runOnContext(v -> {
                if (!response.ended() && !response.closed()) {
                    response.reset();
                }
            });
        }
    }
}
