package io.calbridge.host.security;

/** A user's role in one tenant (column {@code tenant_member.role}). */
public enum Role {
    /** Manages the tenant, including its Calendly integration. */
    ADMIN,
    /** Works with the tenant's contacts, lists and tasks. */
    MEMBER
}
