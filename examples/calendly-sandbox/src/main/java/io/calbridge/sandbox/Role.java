package io.calbridge.sandbox;

import java.util.Locale;

/** A user's role in their organization; organization-wide operations need {@link #OWNER} or {@link #ADMIN}. */
public enum Role {
    OWNER,
    ADMIN,
    USER;

    /** {@code role} of the membership: the name in lower case. */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isAdmin() {
        return this != USER;
    }

    public static Role parse(String s) {
        return EnumNames.parse(s, "role", values());
    }
}
