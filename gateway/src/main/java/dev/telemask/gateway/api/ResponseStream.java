package dev.telemask.gateway.api;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A chunked HTTP response body written from a blocking (virtual) thread: bytes are sent in chunks of
 * {@value #CHUNK_BYTES}, and a write blocks while the connection's write queue is full, until Vert.x drains it. So
 * a slow client slows the database read down instead of the response piling up in memory. Fails with
 * {@link ClientGone} once the client has gone, or has taken nothing for the write timeout (the connection is then
 * cut), which stops the query feeding it and gives its database connection back.
 */
final class ResponseStream extends OutputStream {
    static final int CHUNK_BYTES = 32 * 1024;

    private final HttpServerResponse response;
    private final Context context;
    private final Duration writeTimeout;
    private final byte[] buffer = new byte[CHUNK_BYTES];
    private int size;
    private boolean ended;
    // Touched only on the context's thread.
    private boolean gone;
    private CompletableFuture<Void> waitingForDrain;

    /** Starts the response: status and headers are sent with the first chunk. */
    ResponseStream(HttpServerResponse response, Context context, Duration writeTimeout, int status,
                   String contentType, String disposition) throws IOException {
        this.response = response;
        this.context = context;
        this.writeTimeout = writeTimeout;
        await(onContext(ready -> {
            response.setStatusCode(status).setChunked(true).putHeader("Content-Type", contentType);
            if (disposition != null) {
                response.putHeader("Content-Disposition", disposition);
            }
            response.closeHandler(v -> {
                gone = true;
                if (waitingForDrain != null) {
                    waitingForDrain.completeExceptionally(closed());
                }
            });
            ready.complete(null);
        }));
    }

    @Override
    public void write(int b) throws IOException {
        if (size == buffer.length) {
            flushChunk();
        }
        buffer[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (size == buffer.length) {
                flushChunk();
            }
            int n = Math.min(len, buffer.length - size);
            System.arraycopy(b, off, buffer, size, n);
            size += n;
            off += n;
            len -= n;
        }
    }

    /** Sends what is buffered and waits until the connection can take more. */
    private void flushChunk() throws IOException {
        if (size == 0) {
            return;
        }
        Buffer chunk = Buffer.buffer(size).appendBytes(buffer, 0, size);
        size = 0;
        await(onContext(ready -> {
            if (gone) {
                ready.completeExceptionally(closed());
                return;
            }
            response.write(chunk);
            if (response.writeQueueFull()) {
                waitingForDrain = ready;
                response.drainHandler(v -> {
                    waitingForDrain = null;
                    ready.complete(null);
                });
            } else {
                ready.complete(null);
            }
        }));
    }

    /** Sends the rest and ends the response. */
    @Override
    public void close() throws IOException {
        if (ended) {
            return;
        }
        flushChunk();
        ended = true;
        await(onContext(ready -> response.end().onComplete(ar -> ready.complete(null))));
    }

    /** Cuts the connection: the client sees a broken transfer, never a truncated body that looks complete. */
    void abort() {
        ended = true;
        context.runOnContext(v -> response.reset());
    }

    /**
     * Ends the response with an error: answered with {@code error} when nothing of the body went out yet (a query
     * that failed before its first row), cut otherwise.
     */
    void fail(Runnable answerError) {
        ended = true;
        context.runOnContext(v -> {
            if (response.ended()) {
                return;
            }
            if (response.headWritten()) {
                response.reset();
            } else {
                response.headers().remove("Content-Disposition").remove("X-Next-Cursor");
                answerError.run();
            }
        });
    }

    private static ClientGone closed() {
        return new ClientGone("client_closed", "the client closed the connection");
    }

    private interface ContextAction {
        void run(CompletableFuture<Void> ready);
    }

    private CompletableFuture<Void> onContext(ContextAction action) {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                action.run(ready);
            } catch (RuntimeException e) {
                ready.completeExceptionally(e);
            }
        });
        return ready;
    }

    /**
     * Waits for an action on the connection; one that the client holds up for longer than the write timeout cuts
     * the connection, so that a client that stopped reading holds neither this thread nor a database connection.
     */
    private void await(CompletableFuture<Void> ready) throws IOException {
        try {
            ready.get(writeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            ended = true;
            context.runOnContext(v -> {
                waitingForDrain = null;
                gone = true;
                response.reset();
            });
            throw new ClientGone("write_timeout", "the client took nothing for " + writeTimeout + "; cut");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing the response", e);
        }
    }
}
