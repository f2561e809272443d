package io.calbridge.examples.crm.host;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.UnknownReferenceException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The host's client of the CRM service (java.net.http, JSON). Every changing request carries the
 * plugin's idempotency key as {@code Idempotency-Key}: when a request fails or its reply is lost, the
 * plugin retries the whole booking later with the same keys, and the CRM answers requests it has
 * already applied from its stored replies instead of applying them twice.
 *
 * <p>Outcomes the plugin understands: a 404 naming a kind becomes {@link UnknownReferenceException}
 * (permanent: the delivery is dead-lettered with a message for the tenant admin); anything else that
 * is not 2xx, and every network error or timeout, becomes {@link CrmUnavailableException} (temporary:
 * the delivery is retried with backoff).
 */
final class CrmClient {
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

    private final String baseUrl;
    private final HttpClient http;
    private final Duration timeout;

    CrmClient(String baseUrl, Duration timeout) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The CRM is down, slow or failing: the plugin retries the delivery later. */
    static final class CrmUnavailableException extends RuntimeException {
        CrmUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    JsonNode get(HostCall call, String path) {
        return send(call, "GET", path, null);
    }

    JsonNode post(HostCall call, String path, Object body) {
        return send(call, "POST", path, body);
    }

    JsonNode patch(HostCall call, String path, Object body) {
        return send(call, "PATCH", path, body);
    }

    /** {@code /accounts/{tenant}} + path, the tenant id encoded: the plugin's tenant is the CRM account. */
    private URI uri(HostCall call, String path) {
        return URI.create(baseUrl + "/accounts/" + segment(call.tenantId()) + path);
    }

    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode send(HostCall call, String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(call, path)).timeout(timeout)
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json(body)));
        }
        if (call.idempotencyKey() != null) {
            request.header("Idempotency-Key", call.idempotencyKey());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CrmUnavailableException("CRM unreachable: " + method + " " + path + " (" + e + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CrmUnavailableException("interrupted: " + method + " " + path, e);
        }
        JsonNode answer = parse(response.body());
        if (response.statusCode() / 100 == 2) {
            return answer;
        }
        if (response.statusCode() == 404 && answer.hasNonNull("kind")) {
            String kind = answer.get("kind").asText();
            if (!"ACCOUNT".equals(kind)) {
                throw new UnknownReferenceException(UnknownReferenceException.Kind.valueOf(kind), answer.path("id").asText());
            }
        }
        throw new CrmUnavailableException("CRM answered " + response.statusCode() + " to " + method + " " + path, null);
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (JsonProcessingException e) {
            return JSON.createObjectNode();
        }
    }

    private static String json(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON-friendly: " + e.getOriginalMessage(), e);
        }
    }
}
