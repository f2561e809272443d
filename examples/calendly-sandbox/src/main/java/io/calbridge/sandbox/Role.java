package io.calbridge.sandbox;

/** A user's role in their organization; organization-wide operations need {@link #OWNER} or {@link #ADMIN}. */
public enum Role {
    OWNER("owner"),
    ADMIN("admin"),
    USER("user");

    private final String apiName;

    Role(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    public boolean isAdmin() {
        return this != USER;
    }

    public static Role parse(String s) {
        for (Role r : values()) {
            if (r.apiName.equalsIgnoreCase(s)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + s + "' (owner, admin, user)");
    }
}
