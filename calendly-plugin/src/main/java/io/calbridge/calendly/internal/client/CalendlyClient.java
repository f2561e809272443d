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
    /** The most an {@link #impatient()} client waits in all between retries of one call. */
    public static final java.time.Duration IMPATIENT_MAX_WAIT = java.time.Duration.ofSeconds(1);

    private final Transport transport;
    private final OAuthEndpoints oauth;
    private final CalendlyClient impatient;

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
        this.impatient = new CalendlyClient(transport.impatient(IMPATIENT_MAX_WAIT), clock);
    }

    private CalendlyClient(Transport impatientTransport, Clock clock) {
        this.transport = impatientTransport;
        this.oauth = new OAuthEndpoints(impatientTransport, clock);
        this.impatient = this;
    }

    /**
     * The same client for calls someone waits on (a settings request, a connect) or made while a
     * database row lock is held (a token refresh): a 429 fails at once with
     * {@link CalendlyApiException#retryAfter()} set to Calendly's reset instead of sleeping on it, and
     * other retries wait at most {@link #IMPATIENT_MAX_WAIT} in all. Background work uses this client
     * itself, which waits as {@link ClientOptions} allow.
     */
    public CalendlyClient impatient() {
        return impatient;
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
