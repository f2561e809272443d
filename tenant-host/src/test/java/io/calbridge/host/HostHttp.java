package io.calbridge.host;

import io.calbridge.testing.Http;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Calls to tenant-host (and the sandbox) as a JSON client would, for tests that play one. */
public final class HostHttp {
    /** Redirects are answers of their own (OAuth callbacks, the settings page): never followed. */
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private HostHttp() {
    }

    /** Sends {@code request} asking for JSON, with {@code bearer} as its {@code Authorization} when not null. */
    public static HttpResponse<String> send(HttpRequest.Builder request, String bearer) {
        request.header("Accept", "application/json");
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return Http.send(HTTP, request.build());
    }
}
