package io.calbridge.sandbox.internal.oauth;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Calendly's scope catalogue (introduced 3 March 2026). A {@code :write} scope implies its {@code :read}. */
public final class Scopes {
    public static final List<String> CATALOGUE = List.of(
            "availability:read", "availability:write", "event_types:read", "event_types:write", "locations:read",
            "routing_forms:read", "shares:write", "scheduled_events:read", "scheduled_events:write",
            "scheduling_links:write", "groups:read", "organizations:read", "organizations:write", "users:read",
            "webhooks:read", "webhooks:write", "activity_log:read", "data_compliance:write",
            "outgoing_communications:read");

    private Scopes() {
    }

    /**
     * Parses a space-separated scope parameter; {@code null} when nothing (or only "default") was asked.
     *
     * @throws IllegalArgumentException naming the first unknown scope
     */
    public static Set<String> parse(String scope) {
        if (scope == null || scope.isBlank()) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String s : scope.trim().split("[\\s+]+")) {
            if (s.isEmpty() || s.equals("default")) {
                continue;
            }
            if (!CATALOGUE.contains(s)) {
                throw new IllegalArgumentException(s);
            }
            out.add(s);
        }
        return out.isEmpty() ? null : out;
    }

    public static boolean covers(Set<String> granted, String needed) {
        if (granted.contains(needed)) {
            return true;
        }
        return needed.endsWith(":read") && granted.contains(needed.substring(0, needed.length() - 5) + ":write");
    }

    public static String render(Set<String> scopes) {
        return scopes == null ? "default" : String.join(" ", scopes);
    }
}
