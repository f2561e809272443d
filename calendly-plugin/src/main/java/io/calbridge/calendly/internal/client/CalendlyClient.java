package io.calbridge.calendly.internal.client;

import java.net.http.HttpClient;
import java.time.Clock;

/**
 * The Calendly client: {@link #api(Credential)} for the REST API, {@link #oauth()} for the OAuth
 * server. One instance per plugin; thread-safe. Built on {@code java.net.http} with the timeouts,
 * retry bounds and base URLs of {@link ClientOptions}.
 *
 * <pre>{@code
 * CalendlyApi api = client.api(tokens.credential(integrationId));
 * for (ScheduledEvent e : api.scheduledEvents(ScheduledEventQuery.forUser(userUri))) { ... }
 * }</pre>
 */
public final class CalendlyClient {
    private final Transport transport;
    private final OAuthEndpoints oauth;

    public CalendlyClient(ClientOptions options, Sleeper sleeper, Clock clock) {
        this(options, HttpClient.newBuilder()
                .connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build(), sleeper, clock);
    }

    public CalendlyClient(ClientOptions options, HttpClient http, Sleeper sleeper, Clock clock) {
        this.transport = new Transport(http, options, sleeper, clock);
        this.oauth = new OAuthEndpoints(transport, clock);
    }

    public CalendlyApi api(Credential credential) {
        return new CalendlyApi(transport, credential);
    }

    public OAuthEndpoints oauth() {
        return oauth;
    }

    public ClientOptions options() {
        return transport.options();
    }
}
