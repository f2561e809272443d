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
 */
final class EventTypeCatalog {
    static final Duration TTL = Duration.ofSeconds(60);
    private static final Set<String> ORGANIZATION_ROLES = Set.of("owner", "admin");

    /** One listing: what Calendly answered and when. */
    record Listing(List<Item> eventTypes, Instant fetchedAt) {
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

    private final CalendlyClient calendly;
    private final TokenSource tokens;
    private final Clock clock;
    private final Cache<UUID, Listing> cache;

    EventTypeCatalog(CalendlyClient calendly, TokenSource tokens, Clock clock) {
        this.calendly = Objects.requireNonNull(calendly, "calendly");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(TTL.toNanos(), TimeUnit.NANOSECONDS)
                .maximumSize(10_000)
                .ticker(() -> {
                    Instant now = clock.instant();
                    return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
                })
                .build();
    }

    /**
     * The integration's event types (active and inactive), by name.
     *
     * @throws ApiException 409 {@code not_connected} or {@code reauthorization_required}, 502
     *                      {@code calendly_unavailable} or 502 {@code calendly_refused}
     */
    Listing eventTypes(HealthStore.Facts integration) {
        if (integration.status() == IntegrationStatus.DISCONNECTED) {
            throw notConnected();
        }
        if (integration.status() == IntegrationStatus.REAUTHORIZATION_REQUIRED) {
            throw reauthorize();
        }
        return cache.get(integration.id(), id -> load(integration));
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
            return new Listing(items, clock.instant());
        } catch (ReauthorizationRequiredException e) {
            throw reauthorize();
        } catch (NotConnectedException e) {
            throw notConnected();
        } catch (TokenUnavailableException | SecretUnavailableException e) {
            throw new ApiException(502, "calendly_unavailable",
                    "No Calendly token is available right now (" + e.getMessage() + "). Try again in a minute.");
        } catch (CalendlyApiException e) {
            if (e.isTransient()) {
                throw new ApiException(502, "calendly_unavailable",
                        "Calendly did not answer the event type listing (" + e.getMessage() + "). Try again in a minute.");
            }
            throw new ApiException(502, "calendly_refused", "Calendly refused to list the event types ("
                    + e.getMessage() + "). The connection may lack the event_types:read scope: connect again.");
        }
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
