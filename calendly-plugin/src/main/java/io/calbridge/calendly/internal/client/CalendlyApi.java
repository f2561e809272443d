package io.calbridge.calendly.internal.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Calendly's API as one credential sees it. Obtain with {@link CalendlyClient#api(Credential)}.
 * Thread-safe. Every method is one call (lists: one call per page) with the client's retries and
 * may throw {@link CalendlyApiException}; an integration's credential may also throw the token
 * source's exceptions ({@code ReauthorizationRequiredException}, ...).
 *
 * <p>Resource URIs are taken as Calendly gives them ({@code https://api.calendly.com/users/...}),
 * but only their path is used: requests always go to the configured API base URL, so a URI from a
 * webhook payload can never send the token to another host.
 */
public final class CalendlyApi {
    private final Transport transport;
    private final URI base;
    private final Credential credential;
    private final String pageSize;

    CalendlyApi(Transport transport, Credential credential) {
        this(transport, credential, 100);
    }

    private CalendlyApi(Transport transport, Credential credential, int pageSize) {
        this.transport = transport;
        this.base = transport.options().apiBaseUrl();
        this.credential = credential;
        this.pageSize = Integer.toString(pageSize);
    }

    /** The same API asking for {@code count} items per page (1 to 100; default 100, Calendly's maximum). */
    public CalendlyApi withPageSize(int count) {
        if (count < 1 || count > 100) {
            throw new IllegalArgumentException("Calendly pages hold 1 to 100 items: " + count);
        }
        return new CalendlyApi(transport, credential, count);
    }

    /** {@code GET /users/me}: the user the token belongs to. */
    public CalendlyUser me() {
        return resource(get(at("/users/me")), CalendlyUser.class);
    }

    public CalendlyUser user(String userUri) {
        return resource(get(resolve(userUri)), CalendlyUser.class);
    }

    public Organization organization(String organizationUri) {
        return resource(get(resolve(organizationUri)), Organization.class);
    }

    /** {@code GET /organization_memberships}; give the organization, the user, or both. */
    public Paged<OrganizationMembership> organizationMemberships(String organizationUri, String userUri) {
        QueryString q = new QueryString().add("organization", organizationUri).add("user", userUri).add("count", pageSize);
        return paged(at("/organization_memberships" + q), OrganizationMembership.class);
    }

    public EventType eventType(String eventTypeUri) {
        return resource(get(resolve(eventTypeUri)), EventType.class);
    }

    /** {@code GET /event_types} of a user or an organization (one of them non-null). */
    public Paged<EventType> eventTypes(String organizationUri, String userUri, Boolean active) {
        QueryString q = new QueryString().add("organization", organizationUri).add("user", userUri)
                .add("active", active == null ? null : active.toString()).add("count", pageSize);
        return paged(at("/event_types" + q), EventType.class);
    }

    public ScheduledEvent scheduledEvent(String scheduledEventUri) {
        return resource(get(resolve(scheduledEventUri)), ScheduledEvent.class);
    }

    public Paged<ScheduledEvent> scheduledEvents(ScheduledEventQuery query) {
        return paged(at("/scheduled_events" + query.toQuery(pageSize)), ScheduledEvent.class);
    }

    /**
     * {@code GET /scheduled_events} as Calendly's JSON, for imports that must hand the booking
     * pipeline exactly what a webhook carries (typed models drop fields the pipeline keeps).
     */
    public Paged<ObjectNode> scheduledEventsJson(ScheduledEventQuery query) {
        return paged(at("/scheduled_events" + query.toQuery(pageSize)), ObjectNode.class);
    }

    /** Invitees of one scheduled event as Calendly's JSON: the webhook payload without {@code scheduled_event}. */
    public Paged<ObjectNode> inviteesJson(String scheduledEventUri) {
        URI event = resolve(scheduledEventUri);
        QueryString q = new QueryString().add("count", pageSize);
        return paged(URI.create(stripQuery(event) + "/invitees" + q), ObjectNode.class);
    }

    public Invitee invitee(String inviteeUri) {
        return resource(get(resolve(inviteeUri)), Invitee.class);
    }

    /** Invitees of one scheduled event; {@code status} ({@code active}/{@code canceled}) may be null. */
    public Paged<Invitee> invitees(String scheduledEventUri, String status) {
        URI event = resolve(scheduledEventUri);
        QueryString q = new QueryString().add("status", status).add("count", pageSize);
        return paged(URI.create(stripQuery(event) + "/invitees" + q), Invitee.class);
    }

    /**
     * {@code POST /scheduled_events/{uuid}/cancellation}: cancels the event for every invitee
     * (scope {@code scheduled_events:write}). Calendly refuses with 403 when the event is already
     * canceled, in the past, or the token's user is neither its host nor an admin of its organization.
     *
     * @param reason null or empty for none
     */
    public Cancellation cancelScheduledEvent(String scheduledEventUri, String reason) {
        ObjectNode body = CalendlyJson.MAPPER.createObjectNode();
        if (reason != null && !reason.isEmpty()) {
            body.put("reason", reason);
        }
        URI event = resolve(scheduledEventUri);
        return resource(post(URI.create(stripQuery(event) + "/cancellation"), body), Cancellation.class);
    }

    /** {@code POST /invitee_no_shows}: marks the invitee as a no-show (400 when it already is one). */
    public InviteeNoShow createInviteeNoShow(String inviteeUri) {
        ObjectNode body = CalendlyJson.MAPPER.createObjectNode();
        body.put("invitee", inviteeUri);
        return resource(post(at("/invitee_no_shows"), body), InviteeNoShow.class);
    }

    /** {@code DELETE /invitee_no_shows/{uuid}}; 404 (already gone) is thrown, the caller decides. */
    public void deleteInviteeNoShow(String noShowUri) {
        transport.send(new Transport.Request("DELETE", resolve(noShowUri), Map.of(), null, null), credential);
    }

    /**
     * {@code POST /scheduling_links} for an event type, usable for one booking
     * ({@code max_event_count} 1; scope {@code scheduling_links:write}).
     *
     * @return Calendly's {@code booking_url}
     */
    public String createSingleUseSchedulingLink(String eventTypeUri) {
        ObjectNode body = CalendlyJson.MAPPER.createObjectNode();
        body.put("max_event_count", 1);
        body.put("owner", eventTypeUri);
        body.put("owner_type", "EventType");
        JsonNode link = tree(post(at("/scheduling_links"), body)).path("resource");
        JsonNode url = link.path("booking_url");
        if (!url.isTextual() || url.asText().isBlank()) {
            throw new IllegalStateException("Calendly's scheduling link has no booking_url");
        }
        return url.asText();
    }

    private Transport.Response post(URI uri, JsonNode body) {
        byte[] json;
        try {
            json = CalendlyJson.MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return transport.send(new Transport.Request("POST", uri, Map.of(), "application/json", json), credential);
    }

    public RoutingFormSubmission routingFormSubmission(String submissionUri) {
        return resource(get(resolve(submissionUri)), RoutingFormSubmission.class);
    }

    /**
     * {@code POST /webhook_subscriptions}. A subscription for the same URL already existing is
     * answered 409 by Calendly and thrown as {@link CalendlyApiException} with status 409; a Free
     * plan is a 403 ({@link CalendlyApiException#isUpgradeRequired()}).
     */
    public WebhookSubscription createWebhookSubscription(NewWebhookSubscription s) {
        ObjectNode body = CalendlyJson.MAPPER.createObjectNode();
        body.put("url", s.url());
        body.putArray("events").addAll(s.events().stream()
                .map(e -> (JsonNode) CalendlyJson.MAPPER.getNodeFactory().textNode(e)).toList());
        body.put("organization", s.organization());
        body.put("scope", s.scope());
        if (s.user() != null) {
            body.put("user", s.user());
        }
        if (s.signingKey() != null) {
            body.put("signing_key", s.signingKey().reveal());
        }
        byte[] json;
        try {
            json = CalendlyJson.MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Transport.Response r = transport.send(new Transport.Request("POST", at("/webhook_subscriptions"), Map.of(),
                "application/json", json), credential);
        return resource(r, WebhookSubscription.class);
    }

    /** Subscriptions of a scope: {@code organization}, or {@code user} (then give the user URI). */
    public Paged<WebhookSubscription> webhookSubscriptions(String organizationUri, String scope, String userUri) {
        QueryString q = new QueryString().add("organization", organizationUri).add("scope", scope)
                .add("user", "user".equals(scope) ? userUri : null).add("count", pageSize);
        return paged(at("/webhook_subscriptions" + q), WebhookSubscription.class);
    }

    public WebhookSubscription webhookSubscription(String subscriptionUri) {
        return resource(get(resolve(subscriptionUri)), WebhookSubscription.class);
    }

    /**
     * {@code POST /data_compliance/deletion/invitees}: asks Calendly to delete every invitee record of
     * these e-mails in the caller's organization (Enterprise plan, an admin's token with
     * {@code data_compliance:write}; otherwise 403). Calendly answers 202 and deletes asynchronously.
     */
    public void deleteInviteeData(java.util.List<String> emails) {
        ObjectNode body = CalendlyJson.MAPPER.createObjectNode();
        var array = body.putArray("emails");
        emails.forEach(array::add);
        byte[] json;
        try {
            json = CalendlyJson.MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        transport.send(new Transport.Request("POST", at("/data_compliance/deletion/invitees"), Map.of(),
                "application/json", json), credential);
    }

    /** {@code DELETE /webhook_subscriptions/{uuid}}; a subscription already gone (404) counts as deleted. */
    public void deleteWebhookSubscription(String subscriptionUri) {
        try {
            transport.send(new Transport.Request("DELETE", resolve(subscriptionUri), Map.of(), null, null), credential);
        } catch (CalendlyApiException e) {
            if (!e.isNotFound()) {
                throw e;
            }
        }
    }

    private Transport.Response get(URI uri) {
        return transport.send(new Transport.Request("GET", uri, Map.of(), null, null), credential);
    }

    private <T> Paged<T> paged(URI first, Class<T> type) {
        return new Paged<>(first, uri -> {
            JsonNode root = tree(get(uri));
            List<T> items = new ArrayList<>();
            for (JsonNode item : root.path("collection")) {
                items.add(convert(item, type));
            }
            JsonNode next = root.path("pagination").path("next_page");
            return new Paged.Page<>(items, next.isTextual() && !next.asText().isBlank() ? resolve(next.asText()) : null);
        });
    }

    private static <T> T resource(Transport.Response response, Class<T> type) {
        return convert(tree(response).path("resource"), type);
    }

    private static JsonNode tree(Transport.Response response) {
        try {
            return CalendlyJson.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("Calendly sent a response that is not JSON (status " + response.status() + ")", e);
        }
    }

    private static <T> T convert(JsonNode node, Class<T> type) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            throw new IllegalStateException("Calendly's response has no " + type.getSimpleName());
        }
        try {
            return CalendlyJson.MAPPER.treeToValue(node, type);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read Calendly's " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private URI at(String pathAndQuery) {
        return URI.create(base + pathAndQuery);
    }

    /** A Calendly URI, reduced to its path (and query) on our configured base URL. */
    URI resolve(String resourceUri) {
        if (resourceUri == null || resourceUri.isBlank()) {
            throw new IllegalArgumentException("a Calendly resource URI is required");
        }
        String s = resourceUri.strip();
        if (s.startsWith(base + "/")) {
            return URI.create(s);
        }
        URI uri = URI.create(s);
        String path = uri.getRawPath();
        if (path == null || !path.startsWith("/") || path.contains("..")) {
            throw new IllegalArgumentException("not a Calendly resource URI: " + resourceUri);
        }
        return URI.create(base + path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }

    private static String stripQuery(URI uri) {
        String s = uri.toString();
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q);
    }
}
