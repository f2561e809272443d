package io.calbridge.calendly.internal.webhook;

import io.calbridge.calendly.internal.common.Secret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Receiving one delivery, without HTTP: find the integration, verify the signature, parse the
 * envelope, store, and say what to answer. Nothing is acknowledged before its row is committed.
 *
 * <p>Answers: 200 stored or duplicate; 400 correctly signed but not a Calendly envelope (nothing
 * stored); 408 the body did not arrive in time; 401 signature missing, malformed, stale, from the future, or not matching; 404 unknown or
 * disconnected webhook; 413 body too large; 503 with Retry-After when the database or key store is
 * unavailable (Calendly retries), at once while {@link DatabaseCircuit} knows the database is down.
 *
 * @param platformKey  the operator's app-wide signing key (PLATFORM_APP integrations); null when there is none
 * @param maxBodyBytes larger bodies get 413
 */
record WebhookReceiver(IntegrationDirectory directory, SignatureVerifier verifier, InboxWriter writer,
                       RejectionLog rejections, DatabaseCircuit circuit, WebhookMetrics metrics, Clock clock,
                       Secret platformKey, int maxBodyBytes) {
    private static final Logger log = LoggerFactory.getLogger(WebhookReceiver.class);
    /** Calendly gives up on a request after 15 s; answer 503 well before that. */
    static final Duration STORE_TIMEOUT = Duration.ofSeconds(10);

    /** How long Calendly (or anyone) should wait before sending a delivery answered 503 again. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    /**
     * What to answer. {@code code} is the JSON error code, or "accepted" / "duplicate" for 200;
     * {@code retryAfter} is set on 503s.
     */
    record Answer(int status, String code, String message, Duration retryAfter) {
        Answer(int status, String code, String message) {
            this(status, code, message, null);
        }

        boolean ok() {
            return status / 100 == 2;
        }
    }

    /**
     * The answer to give before anything else is done (before the body is read): 503 while the database
     * is known to be unreachable; empty otherwise.
     */
    Optional<Answer> refuseAtOnce() {
        return circuit.isOpen() ? Optional.of(databaseDown()) : Optional.empty();
    }

    /**
     * Before the body is read: 404 for a token no connected integration has (empty: the path segment
     * is not a token at all), 503 when that cannot be told now; empty when the body is worth reading.
     */
    Optional<Answer> refuseToken(Optional<PathTokenHash> token) {
        if (token.isEmpty()) {
            return Optional.of(notFound());
        }
        try {
            return directory.byToken(token.get()).integration().isEmpty() ? Optional.of(notFound()) : Optional.empty();
        } catch (DataAccessException e) {
            circuit.failed(e);
            return Optional.of(unavailable("database_unavailable", "the webhook store is unavailable; retry later", e, null));
        } catch (IntegrationDirectory.KeysUnavailable e) {
            return Optional.of(unavailable("signing_key_unavailable",
                    "the signing key cannot be read right now; retry later", e, null));
        }
    }

    /**
     * The per-integration URL: {@code POST .../api/webhooks/calendly/{token}}, by the token's hash,
     * computed once per request by the route.
     */
    Answer receive(PathTokenHash token, String signatureHeader, byte[] body, String remoteAddress) {
        Instant receivedAt = clock.instant();
        if (circuit.isOpen()) {
            return databaseDown();
        }
        IntegrationDirectory.Entry entry;
        try {
            entry = directory.byToken(token);
        } catch (DataAccessException e) {
            circuit.failed(e);
            return unavailable("database_unavailable", "the webhook store is unavailable; retry later", e, null);
        } catch (IntegrationDirectory.KeysUnavailable e) {
            return unavailable("signing_key_unavailable", "the signing key cannot be read right now; retry later", e, null);
        }
        if (entry.integration().isEmpty()) {
            return notFound();
        }
        WebhookIntegration integration = entry.integration().get();
        SignatureVerifier.Header verified;
        try {
            verified = verifier.verify(signatureHeader, body, integration.keysAt(receivedAt, platformKey));
        } catch (SignatureRejected first) {
            Optional<WebhookIntegration> reloaded = first.reason() == SignatureRejected.Reason.MISMATCH
                    || first.reason() == SignatureRejected.Reason.NO_KEY
                    ? reloadedAfterKeyChange(token, entry) : Optional.empty();
            if (reloaded.isEmpty()) {
                return rejected(integration, first, body.length, remoteAddress, receivedAt);
            }
            integration = reloaded.get();
            try {
                verified = verifier.verify(signatureHeader, body, integration.keysAt(receivedAt, platformKey));
            } catch (SignatureRejected again) {
                return rejected(integration, again, body.length, remoteAddress, receivedAt);
            }
        }
        return store(integration, verified.timestamp(), body, remoteAddress, receivedAt);
    }

    Answer tooLarge(long bytes) {
        metrics.delivery("too_large", "body_too_large", null);
        return new Answer(413, "body_too_large",
                "body of " + (bytes < 0 ? "more than " + maxBodyBytes : bytes) + " bytes exceeds the limit of " + maxBodyBytes + " bytes");
    }

    Answer bodyTimeout(Duration timeout) {
        metrics.delivery("invalid", "body_timeout", null);
        return new Answer(408, "body_timeout", "the body arrived too slowly: it must arrive whole within "
                + timeout.toSeconds() + " s, without long pauses");
    }

    Answer unreadable() {
        metrics.delivery("invalid", "body_unreadable", null);
        return new Answer(400, "body_unreadable", "the request body could not be read");
    }

    private Optional<WebhookIntegration> reloadedAfterKeyChange(PathTokenHash token, IntegrationDirectory.Entry seen) {
        try {
            return directory.reloadIfOlderThanASecond(token, seen).flatMap(IntegrationDirectory.Entry::integration);
        } catch (RuntimeException e) {
            return Optional.empty(); // keep the first verdict; the database problem shows on the insert
        }
    }

    private Answer store(WebhookIntegration integration, long signatureTimestamp, byte[] body, String remoteAddress,
                         Instant receivedAt) {
        DeliveryEnvelope envelope;
        try {
            envelope = DeliveryEnvelope.parse(body);
        } catch (DeliveryEnvelope.InvalidPayload e) {
            metrics.delivery("invalid", "invalid_payload", integration.tenantId());
            rejections.record(new WebhookInbox.Rejection(integration.tenantId(), integration.id(), "invalid_payload",
                    e.getMessage(), body.length, remoteAddress, receivedAt));
            return new Answer(400, "invalid_payload", e.getMessage());
        }
        return store(integration, signatureTimestamp, envelope, body, remoteAddress, receivedAt);
    }

    private Answer store(WebhookIntegration integration, long signatureTimestamp, DeliveryEnvelope envelope, byte[] body,
                         String remoteAddress, Instant receivedAt) {
        var delivery = new WebhookInbox.NewDelivery(integration.tenantId(), integration.id(), envelope.event(),
                envelope.dedupeKey(), body, envelope.createdAt(), Instant.ofEpochSecond(signatureTimestamp), receivedAt,
                envelope.handled());
        InboxWriter.Result result;
        try {
            result = writer.store(delivery, STORE_TIMEOUT);
        } catch (TimeoutException e) {
            circuit.open("storing a delivery took longer than " + STORE_TIMEOUT.toSeconds() + " s");
            return unavailable("database_unavailable", "storing the delivery took too long; retry later", e, integration.tenantId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable("unavailable", "the server is shutting down; retry later", e, integration.tenantId());
        } catch (InboxWriter.DatabaseDown e) {
            return databaseDown();
        } catch (InboxWriter.Overloaded e) {
            return unavailable("overloaded", e.getMessage() + "; retry later", null, integration.tenantId());
        } catch (RuntimeException e) {
            return unavailable("database_unavailable", "the webhook store is unavailable; retry later", e, integration.tenantId());
        }
        return switch (result.outcome()) {
            case STORED -> {
                metrics.delivery("accepted", envelope.handled() ? "none" : "unhandled_event", integration.tenantId());
                yield new Answer(200, "accepted", envelope.handled() ? "stored" : "stored; event not handled");
            }
            case DUPLICATE -> {
                metrics.delivery("duplicate", "none", integration.tenantId());
                yield new Answer(200, "duplicate", "already received");
            }
            case INTEGRATION_GONE -> {
                directory.forgetIntegration(integration.id());
                yield notFound();
            }
        };
    }

    private Answer rejected(WebhookIntegration integration, SignatureRejected e, int bodyBytes, String remoteAddress,
                            Instant receivedAt) {
        String code = e.reason().code;
        String detail = e.getMessage() + (e.reason() == SignatureRejected.Reason.MISMATCH ? integration.mismatchHint() : "");
        metrics.delivery("rejected", code, integration.tenantId());
        boolean recorded = rejections.record(new WebhookInbox.Rejection(integration.tenantId(), integration.id(), code,
                detail, bodyBytes, remoteAddress, receivedAt));
        if (recorded) {
            // The log line names its tenant and integration like every line of the worker (tenant=... in the pattern).
            try (var tenant = MDC.putCloseable("tenant_id", integration.tenantId());
                    var id = MDC.putCloseable("integration_id", integration.id().toString())) {
                log.warn("Rejected webhook delivery for integration {} (tenant {}): {} - {}", integration.id(),
                        integration.tenantId(), code, detail);
            }
        }
        return new Answer(401, code, detail);
    }

    private Answer notFound() {
        metrics.delivery("not_found", "unknown_webhook", null);
        return new Answer(404, "unknown_webhook", "no connected Calendly integration has this webhook URL");
    }

    private Answer databaseDown() {
        metrics.delivery("unavailable", "database_unavailable", null);
        return new Answer(503, "database_unavailable", "the webhook store is unavailable; retry later", RETRY_AFTER);
    }

    private Answer unavailable(String code, String message, Throwable cause, String tenantId) {
        metrics.delivery("unavailable", code, tenantId);
        if (cause != null) {
            log.warn("Webhook delivery answered 503 ({}): {}", code, cause.toString());
        }
        return new Answer(503, code, message, RETRY_AFTER);
    }
}
