package io.calbridge.sandbox;

/** A Calendly subscription plan. Only paid plans may create webhook subscriptions; Free gets 50 API requests/min. */
public enum Plan {
    FREE("basic", false),
    STANDARD("standard", true),
    TEAMS("teams", true),
    ENTERPRISE("enterprise", true);

    private final String apiName;
    private final boolean paid;

    Plan(String apiName, boolean paid) {
        this.apiName = apiName;
        this.paid = paid;
    }

    /** The value the API shows in {@code organization.plan}. */
    public String apiName() {
        return apiName;
    }

    public boolean paid() {
        return paid;
    }

    /** Requests per user per minute that Calendly allows on this plan. */
    public int apiRequestsPerMinute() {
        return paid ? 500 : 50;
    }

    public static Plan parse(String s) {
        for (Plan p : values()) {
            if (p.name().equalsIgnoreCase(s) || p.apiName.equalsIgnoreCase(s)) {
                return p;
            }
        }
        if ("free".equalsIgnoreCase(s)) {
            return FREE;
        }
        throw new IllegalArgumentException("unknown plan '" + s + "' (free, standard, teams, enterprise)");
    }
}
