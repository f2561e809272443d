package io.calbridge.sandbox;

import java.util.List;
import java.util.Locale;

/** A Calendly subscription plan. Only paid plans may create webhook subscriptions; Free gets 50 API requests/min. */
public enum Plan {
    FREE,
    STANDARD,
    TEAMS,
    ENTERPRISE;

    /** The value the API shows in {@code organization.plan}: Calendly calls the free plan "basic". */
    public String apiName() {
        return this == FREE ? "basic" : name().toLowerCase(Locale.ROOT);
    }

    public boolean paid() {
        return this != FREE;
    }

    /** Requests per user per minute that Calendly allows on this plan. */
    public int apiRequestsPerMinute() {
        return paid() ? 500 : 50;
    }

    public static Plan parse(String s) {
        return EnumNames.parse(s, "plan", values(), p -> List.of(p.apiName()));
    }
}
