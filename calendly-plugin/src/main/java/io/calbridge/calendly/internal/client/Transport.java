package io.calbridge.calendly.internal.client;

import io.calbridge.calendly.internal.common.Secret;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends one logical call to Calendly, retrying as Calendly asks: 429 waits for the reset the
 * headers give ({@code X-RateLimit-Reset} seconds, else {@code Retry-After}), 5xx and network errors
 * back off exponentially with jitter. The sum of waits never exceeds
 * {@link ClientOptions#maxTotalWait()}: a wait that would is not started, the call fails at once
 * with the last error (which carries the wait Calendly asked for, so a worker can reschedule).
 * A 401 asks the {@link Credential} for a fresh token and retries once.
 *
 * <p>An impatient transport ({@link #impatient}) is for calls someone is waiting on, or made while a
 * row lock is held: it never waits for a rate-limit reset (a 429 fails at once, carrying the wait), and
 * its other waits are bounded by a much smaller total.
 */
record Transport(HttpClient http, ClientOptions options, Sleeper sleeper, Clock clock, boolean waitsForRateLimits) {
    static final Duration BACKOFF_BASE = Duration.ofMillis(500);
    static final Duration BACKOFF_CAP = Duration.ofSeconds(15);

    record Request(String method, URI uri, Map<String, String> headers, String contentType, byte[] body) {
        /** GET, DELETE and the like may be resent after a network error; a POST only if it never left. */
        boolean idempotent() {
            return !"POST".equals(method);
        }

        String call() {
            return method + " " + uri.getRawPath();
        }
    }

    record Response(int status, HttpHeaders headers, byte[] body) {
    }

    Transport(HttpClient http, ClientOptions options, Sleeper sleeper, Clock clock) {
        this(http, options, sleeper, clock, true);
    }

    /** The same transport, failing a 429 at once and waiting at most {@code maxTotalWait} in all for other retries. */
    Transport impatient(Duration maxTotalWait) {
        Duration bound = maxTotalWait.compareTo(options.maxTotalWait()) < 0 ? maxTotalWait : options.maxTotalWait();
        return new Transport(http, options.withRetries(options.maxAttempts(), bound), sleeper, clock, false);
    }

    Response send(Request request, Credential credential) {
        Duration waited = Duration.ZERO;
        boolean reauthorized = false;
        Secret token = credential == null ? null : credential.accessToken();
        int attempt = 0;
        while (true) {
            attempt++;
            HttpResponse<byte[]> response;
            try {
                response = http.send(build(request, token), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                CalendlyApiException failure = CalendlyApiException.network(request.call(), e);
                boolean neverSent = e instanceof ConnectException || e instanceof HttpConnectTimeoutException;
                if (!request.idempotent() && !neverSent) {
                    throw failure; // the request may have been applied: the caller decides
                }
                waited = pause(backoff(attempt), attempt, waited, failure, request);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CalendlyApiException.interrupted(request.call(), e);
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return new Response(status, response.headers(), response.body());
            }
            if (status == 401 && credential != null && !reauthorized) {
                reauthorized = true;
                Secret next = credential.afterUnauthorized(token);
                if (next != null) {
                    token = next;
                    attempt--; // a refreshed token is a new start, not a retry of a failure
                    continue;
                }
            }
            Duration requested = status == 429 ? rateLimitWait(response.headers()) : null;
            CalendlyApiException failure = CalendlyApiException.fromResponse(request.call(), status, response.body(),
                    requested);
            if (status == 429) {
                if (!waitsForRateLimits) {
                    throw failure; // carries Calendly's wait; the caller answers or reschedules without holding anything
                }
                waited = pause(requested == null ? backoff(attempt) : requested, attempt, waited, failure, request);
            } else if (status >= 500) {
                waited = pause(backoff(attempt), attempt, waited, failure, request);
            } else {
                throw failure;
            }
        }
    }

    private HttpRequest build(Request request, Secret token) {
        HttpRequest.BodyPublisher body = request.body() == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(request.body());
        HttpRequest.Builder b = HttpRequest.newBuilder(request.uri())
                .timeout(options.requestTimeout())
                .header("Accept", "application/json")
                .header("User-Agent", "calbridge-calendly")
                .method(request.method(), body);
        if (request.contentType() != null) {
            b.header("Content-Type", request.contentType());
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token.reveal());
        }
        request.headers().forEach(b::header);
        return b.build();
    }

    private Duration pause(Duration wait, int attempt, Duration waited, CalendlyApiException failure,
                           Request request) {
        if (attempt >= options.maxAttempts() || waited.plus(wait).compareTo(options.maxTotalWait()) > 0) {
            throw failure;
        }
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CalendlyApiException.interrupted(request.call(), e);
        }
        return waited.plus(wait);
    }

    /** Exponential backoff with "equal jitter": half fixed, half random, so retries of many callers spread. */
    static Duration backoff(int attempt) {
        long exp = BACKOFF_BASE.toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(exp, BACKOFF_CAP.toMillis());
        long half = capped / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    /** What Calendly asked for: {@code X-RateLimit-Reset} (seconds), else {@code Retry-After}; null if neither. */
    Duration rateLimitWait(HttpHeaders headers) {
        OptionalLong reset = number(headers.firstValue("X-RateLimit-Reset").orElse(null));
        if (reset.isPresent()) {
            long v = reset.getAsLong();
            // A value that looks like an epoch timestamp rather than a delay is read as one.
            if (v > 1_000_000_000L) {
                return nonNegative(Duration.between(clock.instant(), Instant.ofEpochSecond(v)));
            }
            return Duration.ofSeconds(Math.max(0, v));
        }
        String retryAfter = headers.firstValue("Retry-After").orElse(null);
        OptionalLong seconds = number(retryAfter);
        if (seconds.isPresent()) {
            return Duration.ofSeconds(Math.max(0, seconds.getAsLong()));
        }
        if (retryAfter != null) {
            try {
                Instant at = ZonedDateTime.parse(retryAfter.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return nonNegative(Duration.between(clock.instant(), at));
            } catch (RuntimeException unparseable) {
                return null;
            }
        }
        return null;
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static OptionalLong number(String value) {
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            try {
                return OptionalLong.of((long) Math.ceil(Double.parseDouble(value.strip())));
            } catch (NumberFormatException e2) {
                return OptionalLong.empty();
            }
        }
    }

    static Map<String, String> headers(String... nameValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            m.put(nameValues[i], nameValues[i + 1]);
        }
        return m;
    }
}
