package io.calbridge.host;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The container image's health check (it has no curl):
 * {@code java -cp tenant-host.jar io.calbridge.host.HealthProbe [path]} asks
 * {@code http://127.0.0.1:$PORT/health/ready} (or {@code path}) and exits 0 on 200, 1 otherwise,
 * printing the answer, which {@code docker inspect} shows as the health log.
 */
public final class HealthProbe {
    private static final int TIMEOUT_MILLIS = 4000;

    private HealthProbe() {
    }

    public static void main(String[] args) {
        String port = System.getenv("PORT");
        System.exit(check(port == null || port.isBlank() ? 7070 : Integer.parseInt(port.strip()),
                args.length > 0 ? args[0] : "/health/ready"));
    }

    static int check(int port, String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
            c.setConnectTimeout(TIMEOUT_MILLIS);
            c.setReadTimeout(TIMEOUT_MILLIS);
            int status = c.getResponseCode();
            try (InputStream body = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                System.out.println(status + " " + (body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8)));
            }
            return status == 200 ? 0 : 1;
        } catch (IOException e) {
            System.out.println("no answer on port " + port + ": " + e);
            return 1;
        }
    }
}
