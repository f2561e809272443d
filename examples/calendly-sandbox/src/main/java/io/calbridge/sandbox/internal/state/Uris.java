package io.calbridge.sandbox.internal.state;

import java.util.Optional;

/**
 * Builds resource URIs on the sandbox's own base URL (so clients can follow them) and reads IDs back
 * out of URIs that clients send as query parameters.
 */
public final class Uris {
    /** The collections whose items live at {@code {base}/{path}/{id}}. */
    public enum Resource {
        USERS("users"),
        ORGANIZATIONS("organizations"),
        MEMBERSHIPS("organization_memberships"),
        EVENT_TYPES("event_types"),
        EVENTS("scheduled_events"),
        NO_SHOWS("invitee_no_shows"),
        SUBSCRIPTIONS("webhook_subscriptions"),
        ROUTING_FORMS("routing_forms"),
        ROUTING_SUBMISSIONS("routing_form_submissions"),
        /** An invitee's cancel page, by invitee ID. */
        CANCELLATIONS("cancellations"),
        /** An invitee's reschedule page, by invitee ID. */
        RESCHEDULINGS("reschedulings");

        private final String path;

        Resource(String path) {
            this.path = path;
        }
    }

    private volatile String base;

    public void base(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    public String base() {
        if (base == null) {
            throw new IllegalStateException("the sandbox has not started yet");
        }
        return base;
    }

    /** The URI of the item {@code id} of {@code resource}. */
    public String of(Resource resource, String id) {
        return base() + "/" + resource.path + "/" + id;
    }

    public String invitee(String eventId, String inviteeId) {
        return of(Resource.EVENTS, eventId) + "/invitees/" + inviteeId;
    }

    public String schedulingUrl(String slug) {
        return base() + "/" + slug;
    }

    /** A single-use link's page, shaped like Calendly's {@code https://calendly.com/d/abcd-brv8/15-minute-meeting}. */
    public String bookingUrl(String code, String eventTypeSlug) {
        return base() + "/d/" + code + "/" + eventTypeSlug;
    }

    public String googleMeet(String eventId) {
        return base() + "/events/" + eventId + "/google_meet";
    }

    /**
     * The ID in {@code .../collection/{id}} or the value itself when it is a bare ID. Any host is
     * accepted so that URIs copied between sandboxes and test data keep working.
     */
    public static Optional<String> idIn(String uriOrId, String collection) {
        if (uriOrId == null || uriOrId.isBlank()) {
            return Optional.empty();
        }
        String s = stripQuery(uriOrId.trim());
        String marker = "/" + collection + "/";
        int i = s.lastIndexOf(marker);
        if (i >= 0) {
            return firstSegment(s.substring(i + marker.length()));
        }
        if (!s.contains("/") && !s.contains(":")) {
            return Optional.of(s);
        }
        return Optional.empty();
    }

    /** The code of a single-use link's page URL ({@code .../d/{code}/{slug}?...}), or the value itself when bare. */
    public static Optional<String> linkCode(String bookingUrlOrCode) {
        if (bookingUrlOrCode == null || bookingUrlOrCode.isBlank()) {
            return Optional.empty();
        }
        String s = stripQuery(bookingUrlOrCode.trim());
        int i = s.lastIndexOf("/d/");
        if (i < 0) {
            return s.contains("/") ? Optional.empty() : Optional.of(s);
        }
        return firstSegment(s.substring(i + 3));
    }

    private static Optional<String> firstSegment(String path) {
        int slash = path.indexOf('/');
        String segment = slash >= 0 ? path.substring(0, slash) : path;
        return segment.isEmpty() ? Optional.empty() : Optional.of(segment);
    }

    /** The decoded query parameters of a URL, in order. */
    public static java.util.Map<String, java.util.List<String>> query(String url) {
        java.util.Map<String, java.util.List<String>> out = new java.util.LinkedHashMap<>();
        int q = url.indexOf('?');
        if (q < 0) {
            return out;
        }
        String raw = url.substring(q + 1);
        int hash = raw.indexOf('#');
        if (hash >= 0) {
            raw = raw.substring(0, hash);
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new java.util.ArrayList<>()).add(v);
        }
        return out;
    }

    /** {@code [eventId, inviteeId]} of {@code .../scheduled_events/{e}/invitees/{i}}. */
    public static Optional<String[]> inviteeIds(String uri) {
        if (uri == null) {
            return Optional.empty();
        }
        String s = stripQuery(uri.trim());
        int i = s.lastIndexOf("/scheduled_events/");
        if (i < 0) {
            return Optional.empty();
        }
        String[] parts = s.substring(i + "/scheduled_events/".length()).split("/");
        if (parts.length != 3 || !parts[1].equals("invitees") || parts[0].isEmpty() || parts[2].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new String[] {parts[0], parts[2]});
    }

    private static String stripQuery(String s) {
        int q = s.indexOf('?');
        String r = q >= 0 ? s.substring(0, q) : s;
        while (r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }
}
