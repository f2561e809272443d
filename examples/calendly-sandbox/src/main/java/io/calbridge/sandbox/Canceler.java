package io.calbridge.sandbox;

import java.util.Locale;

/** Who canceled: shows up as {@code cancellation.canceler_type}; {@code canceled_by} is that person's name. */
public enum Canceler {
    HOST,
    INVITEE;

    /** {@code cancellation.canceler_type}: the name in lower case. */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Canceler parse(String s) {
        return EnumNames.parse(s, "canceler", values());
    }
}
