package io.calbridge.sandbox;

/** Who canceled: shows up as {@code cancellation.canceler_type}; {@code canceled_by} is that person's name. */
public enum Canceler {
    HOST("host"),
    INVITEE("invitee");

    private final String apiName;

    Canceler(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    public static Canceler parse(String s) {
        for (Canceler c : values()) {
            if (c.apiName.equalsIgnoreCase(s)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown canceler '" + s + "' (host, invitee)");
    }
}
