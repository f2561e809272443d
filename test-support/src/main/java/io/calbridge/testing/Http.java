package io.calbridge.testing;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The tests' one way to send a request whose failure to arrive is a failed test, not a checked exception. */
public final class Http {
    private Http() {
    }

    /** Sends {@code request} with {@code client}; the body as text. */
    public static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("no answer to " + request.method() + " on port " + request.uri().getPort() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + request.method() + " on port " + request.uri().getPort(), e);
        }
    }
}
