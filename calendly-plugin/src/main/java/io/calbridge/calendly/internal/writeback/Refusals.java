package io.calbridge.calendly.internal.writeback;

import io.calbridge.calendly.internal.client.CalendlyApiException;
import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.crypto.SecretUnavailableException;
import io.calbridge.calendly.internal.oauth.NotConnectedException;
import io.calbridge.calendly.internal.oauth.ReauthorizationRequiredException;
import io.calbridge.calendly.internal.oauth.TokenUnavailableException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the CRM user is told when Calendly (or the integration) does not let an action through.
 * Never Calendly's raw answer: a missing scope becomes "reconnect to allow X", a token problem
 * "connect again", a refusal the reason in our words. Messages carry no token and no invitee data.
 */
final class Refusals {
    private Refusals() {
    }

    /** A permission Calendly grants with a scope, and how to say it to a person. */
    record Need(String scope, String doing) {
        static final Need CANCEL = new Need("scheduled_events:write", "cancel meetings");
        static final Need NO_SHOW = new Need("scheduled_events:write", "mark no-shows");
        static final Need READ_EVENTS = new Need("scheduled_events:read", "read meetings");
        static final Need LINKS = new Need("scheduling_links:write", "send scheduling links");
        static final Need EVENT_TYPES = new Need("event_types:read", "list event types");
    }

    /** 409 {@code reconnect_required}: the integration's grant lacks {@code need}'s scope. */
    static ApiException reconnect(Need need) {
        return new ApiException(409, "reconnect_required", "Calendly was connected without permission to " + need.doing()
                + ". A tenant administrator must reconnect Calendly to allow this (scope " + need.scope() + ").");
    }

    /**
     * Fails fast when the scopes Calendly granted at connection are known and do not cover
     * {@code need} ({@code :write} covers {@code :read}). Unknown scopes (personal tokens, "default",
     * tokens from before Calendly had scopes) pass: Calendly decides.
     */
    static void requireScope(String grantedScopes, Need need) {
        if (grantedScopes == null || grantedScopes.isBlank()) {
            return;
        }
        Set<String> granted = Arrays.stream(grantedScopes.strip().split("[\\s,]+")).collect(Collectors.toSet());
        if (granted.contains("default")) {
            return;
        }
        String scope = need.scope();
        boolean covered = granted.contains(scope)
                || (scope.endsWith(":read") && granted.contains(scope.substring(0, scope.length() - 5) + ":write"));
        if (!covered) {
            throw reconnect(need);
        }
    }

    /** Calendly's 403 for a token without the scope: the details name {@code scope}, or the message does. */
    static boolean missingScope(CalendlyApiException e) {
        if (e.status() != 403) {
            return false;
        }
        if (e.details().stream().anyMatch(d -> "scope".equals(d.parameter())
                || (d.message() != null && d.message().toLowerCase(Locale.ROOT).contains("scope")))) {
            return true;
        }
        return e.calendlyMessage() != null && e.calendlyMessage().toLowerCase(Locale.ROOT).contains("scope");
    }

    static boolean messageSays(CalendlyApiException e, String words) {
        String all = (e.calendlyMessage() == null ? "" : e.calendlyMessage()) + " " + e.details().stream()
                .map(d -> d.message() == null ? "" : d.message()).collect(Collectors.joining(" "));
        return all.toLowerCase(Locale.ROOT).contains(words);
    }

    /** Any other failure of a Calendly call, in the settings API's terms. */
    static ApiException of(RuntimeException failure, Need need) {
        if (failure instanceof ApiException api) {
            return api;
        }
        if (failure instanceof ReauthorizationRequiredException) {
            return new ApiException(409, "reauthorization_required",
                    "Calendly no longer accepts this connection. A tenant administrator must connect Calendly again.");
        }
        if (failure instanceof NotConnectedException) {
            return new ApiException(409, "not_connected", "This Calendly integration is not connected.");
        }
        if (failure instanceof TokenUnavailableException t) {
            return ApiException.unavailable("calendly_unavailable",
                    "No Calendly token is available right now; try again shortly.", t.retryAfter());
        }
        if (failure instanceof SecretUnavailableException s) {
            return s.reason() == SecretUnavailableException.Reason.TENANT_SHREDDED
                    ? new ApiException(409, "not_connected", "This Calendly integration is not connected.")
                    : new ApiException(502, "calendly_unavailable", "No Calendly token is available right now; try again in a minute.");
        }
        if (failure instanceof CalendlyApiException e) {
            if (missingScope(e)) {
                return reconnect(need);
            }
            if (e.status() == 429) {
                return ApiException.unavailable("calendly_rate_limited",
                        "Calendly is rate-limiting this account; try again shortly.",
                        e.retryAfter() == null ? Duration.ofMinutes(1) : e.retryAfter());
            }
            if (e.isTransient()) {
                // Our retries are spent; the action may or may not have happened: retrying is safe.
                return new ApiException(502, "calendly_unavailable",
                        "Calendly did not answer; it is safe to try again (nothing happens twice).");
            }
            if (e.status() == 403) {
                return new ApiException(409, "calendly_not_allowed", "Calendly does not let the connected account "
                        + need.doing() + " here: it is neither the host nor an admin of the organization.");
            }
            if (e.status() == 404) {
                return new ApiException(409, "gone_at_calendly", "Calendly no longer has this meeting.");
            }
            if (e.status() == 401) {
                return new ApiException(409, "reauthorization_required",
                        "Calendly no longer accepts this connection. A tenant administrator must connect Calendly again.");
            }
            return new ApiException(502, "calendly_refused", "Calendly refused to " + need.doing().replaceFirst("s$", "")
                    + " (" + e.status() + (e.title() == null ? "" : " " + e.title()) + ").");
        }
        throw failure;
    }
}
