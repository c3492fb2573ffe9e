package dev.telemask.storage.query;

import java.io.IOException;

/** Receives streamed rows one at a time; may fail with I/O (the HTTP client went away) to stop the query. */
@FunctionalInterface
public interface RowSink<T> {
    void accept(T row) throws IOException;
}
