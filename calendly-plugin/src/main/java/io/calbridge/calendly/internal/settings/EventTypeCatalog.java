package io.calbridge.calendly.internal.settings;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.calbridge.calendly.internal.client.CalendlyApi;
import io.calbridge.calendly.internal.client.CalendlyApiException;
import io.calbridge.calendly.internal.client.CalendlyClient;
import io.calbridge.calendly.internal.client.EventType;
import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.crypto.SecretUnavailableException;
import io.calbridge.calendly.internal.oauth.IntegrationStatus;
import io.calbridge.calendly.internal.oauth.NotConnectedException;
import io.calbridge.calendly.internal.oauth.ReauthorizationRequiredException;
import io.calbridge.calendly.internal.oauth.TokenSource;
import io.calbridge.calendly.internal.oauth.TokenUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The connected account's Calendly event types, read with the integration's own token and kept
 * for {@link #TTL} per integration, so a settings page that is opened, reloaded and edited costs
 * Calendly one listing a minute. Concurrent readers of one integration share one call. Failures are
 * not cached.
 *
 * <p>Someone is waiting for the answer, so Calendly is asked impatiently: a 429 is never slept on.
 * When Calendly is rate-limiting or failing, or no token can be had for a while, the last listing of
 * the last {@link #KEEP_LAST_KNOWN} is answered, marked stale; without one the answer is 503 with
 * {@code Retry-After} (rate limit, token backoff) or 502.
 */
final class EventTypeCatalog {
    static final Duration TTL = Duration.ofSeconds(60);
    /** How long a listing is kept to answer with while Calendly cannot be asked. */
    static final Duration KEEP_LAST_KNOWN = Duration.ofHours(1);
    private static final Set<String> ORGANIZATION_ROLES = Set.of("owner", "admin");

    /**
     * One listing: what Calendly answered and when.
     *
     * @param staleReason null for a fresh answer; else why Calendly was not asked again (then
     *                    {@code fetchedAt} may be up to {@link #KEEP_LAST_KNOWN} old)
     */
    record Listing(List<Item> eventTypes, Instant fetchedAt, String staleReason) {
        Listing stale(String reason) {
            return new Listing(eventTypes, fetchedAt, reason);
        }
    }

    /**
     * An event type for pickers and mapping editors.
     *
     * @param ownerName the user or team the event type belongs to
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Item(String uri, String name, Boolean active, String slug, String schedulingUrl, Integer duration,
                String kind, String type, String ownerName, String ownerUri, Instant updatedAt) {
        static Item of(EventType e) {
            return new Item(e.uri(), e.name(), e.active(), e.slug(), e.schedulingUrl(), e.duration(), e.kind(), e.type(),
                    e.profile() == null ? null : e.profile().name(), e.profile() == null ? null : e.profile().owner(),
                    e.updatedAt());
        }
    }

    /** Calendly could not be asked now, for a reason that passes; {@code answer} is what to say without a listing. */
    private static final class Unavailable extends RuntimeException {
        final ApiException answer;

        Unavailable(ApiException answer) {
            super(answer.getMessage(), null, false, false);
            this.answer = answer;
        }
    }

    private final CalendlyClient calendly;
    private final TokenSource tokens;
    private final Clock clock;
    private final Cache<UUID, Listing> fresh;
    private final Cache<UUID, Listing> lastKnown;

    EventTypeCatalog(CalendlyClient calendly, TokenSource tokens, Clock clock) {
        this.calendly = Objects.requireNonNull(calendly, "calendly").impatient();
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.fresh = cache(TTL);
        this.lastKnown = cache(KEEP_LAST_KNOWN);
    }

    private Cache<UUID, Listing> cache(Duration ttl) {
        return Caffeine.newBuilder()
                .expireAfterWrite(ttl.toNanos(), TimeUnit.NANOSECONDS)
                .maximumSize(10_000)
                .ticker(() -> {
                    Instant now = clock.instant();
                    return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
                })
                .build();
    }

    /** Forgets every listing (an integration changed on some node). */
    void forgetAll() {
        fresh.invalidateAll();
        lastKnown.invalidateAll();
    }

    /**
     * The integration's event types (active and inactive), by name.
     *
     * @throws ApiException 409 {@code not_connected} or {@code reauthorization_required}; without a
     *                      listing to fall back on, 503 {@code calendly_rate_limited} or
     *                      {@code calendly_unavailable} (with {@code Retry-After}), 502
     *                      {@code calendly_unavailable}; 502 {@code calendly_refused}
     */
    Listing eventTypes(HealthStore.Facts integration) {
        if (integration.status() == IntegrationStatus.DISCONNECTED) {
            throw notConnected();
        }
        if (integration.status() == IntegrationStatus.REAUTHORIZATION_REQUIRED) {
            throw reauthorize();
        }
        try {
            return fresh.get(integration.id(), id -> load(integration));
        } catch (Unavailable e) {
            Listing known = lastKnown.getIfPresent(integration.id());
            if (known == null) {
                throw e.answer;
            }
            return known.stale(e.answer.getMessage());
        }
    }

    private Listing load(HealthStore.Facts integration) {
        try {
            CalendlyApi api = calendly.api(tokens.credential(integration.id()));
            List<EventType> found = listing(api, integration);
            List<Item> items = found.stream()
                    .filter(e -> e.deletedAt() == null)
                    .map(Item::of)
                    .sorted(Comparator.comparing((Item i) -> !Boolean.TRUE.equals(i.active()))
                            .thenComparing(i -> i.name() == null ? "" : i.name(), String.CASE_INSENSITIVE_ORDER)
                            .thenComparing(Item::uri))
                    .toList();
            Listing listing = new Listing(items, clock.instant(), null);
            lastKnown.put(integration.id(), listing);
            return listing;
        } catch (ReauthorizationRequiredException e) {
            throw reauthorize();
        } catch (NotConnectedException e) {
            throw notConnected();
        } catch (TokenUnavailableException e) {
            throw new Unavailable(ApiException.unavailable("calendly_unavailable",
                    "No Calendly token is available right now (" + e.getMessage() + "). Try again in "
                            + seconds(e.retryAfter()) + " seconds.", e.retryAfter()));
        } catch (SecretUnavailableException e) {
            if (e.reason() == SecretUnavailableException.Reason.TENANT_SHREDDED) {
                throw notConnected();
            }
            throw new ApiException(502, "calendly_unavailable",
                    "No Calendly token is available right now (" + e.getMessage() + "). Try again in a minute.");
        } catch (CalendlyApiException e) {
            if (e.status() == 429) {
                Duration wait = e.retryAfter() == null ? Duration.ofMinutes(1) : e.retryAfter();
                throw new Unavailable(ApiException.unavailable("calendly_rate_limited",
                        "Calendly is rate-limiting this account's requests; its event types can be listed again in "
                                + seconds(wait) + " seconds.", wait));
            }
            if (e.isTransient()) {
                throw new Unavailable(new ApiException(502, "calendly_unavailable",
                        "Calendly did not answer the event type listing (" + e.getMessage() + "). Try again in a minute."));
            }
            throw new ApiException(502, "calendly_refused", "Calendly refused to list the event types ("
                    + e.getMessage() + "). The connection may lack the event_types:read scope: connect again.");
        }
    }

    private static long seconds(Duration d) {
        return d == null ? 60 : Math.max(1, d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0));
    }

    /**
     * Organization-wide for owners and admins (and organization-scope subscriptions), so the event
     * types of every host in the organization can be mapped; the user's own otherwise, or when
     * Calendly refuses the organization listing.
     */
    private static List<EventType> listing(CalendlyApi api, HealthStore.Facts integration) {
        boolean organizationWide = integration.calendlyOrganizationUri() != null
                && ("organization".equals(integration.subscriptionScope())
                || (integration.calendlyRole() != null && ORGANIZATION_ROLES.contains(integration.calendlyRole())));
        if (organizationWide) {
            try {
                return api.eventTypes(integration.calendlyOrganizationUri(), null, null).toList();
            } catch (CalendlyApiException e) {
                if (e.isTransient() || integration.calendlyUserUri() == null) {
                    throw e;
                }
            }
        }
        if (integration.calendlyUserUri() == null) {
            return List.of();
        }
        return api.eventTypes(null, integration.calendlyUserUri(), null).toList();
    }

    private static ApiException notConnected() {
        return new ApiException(409, "not_connected",
                "This Calendly integration is disconnected. Connect the account again to read its event types.");
    }

    private static ApiException reauthorize() {
        return new ApiException(409, "reauthorization_required",
                "Calendly no longer accepts this integration's authorization. Connect the account again.");
    }
}
