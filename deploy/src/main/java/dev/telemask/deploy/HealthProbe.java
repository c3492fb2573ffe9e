package dev.telemask.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The container's health check: the image has a JRE and no shell or curl, so compose (and anything else that wants
 * a command) runs {@code java -cp /app/classes dev.telemask.deploy.HealthProbe [URL]}. Exit 0 when the URL answers
 * 2xx, 1 otherwise. Only java.base, so it runs on the image's trimmed runtime.
 */
public final class HealthProbe {
    static final String DEFAULT_URL = "http://127.0.0.1:8080/health/ready";
    private static final int TIMEOUT_MILLIS = 3_000;

    private HealthProbe() {}

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : DEFAULT_URL;
        int status = status(url);
        if (status / 100 != 2) {
            System.err.println("unhealthy: " + url + (status < 0 ? " did not answer" : " answered " + status));
            System.exit(1);
        }
    }

    /** The HTTP status of a GET, or -1 when there is no answer. */
    static int status(String url) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
            connection.setConnectTimeout(TIMEOUT_MILLIS);
            connection.setReadTimeout(TIMEOUT_MILLIS);
            int status = connection.getResponseCode();
            InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            if (body != null) {
                body.close();
            }
            connection.disconnect();
            return status;
        } catch (IOException e) {
            return -1;
        }
    }
}
