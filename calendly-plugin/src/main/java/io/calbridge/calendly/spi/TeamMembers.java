package io.calbridge.calendly.spi;

import java.util.List;
import java.util.Optional;

/**
 * The tenant's team, for owners of contacts and tasks. Read-only; implementations must be
 * thread-safe and may be called inside the plugin's transaction (see {@link HostCall}). A host
 * without a notion of owners returns an empty list and empty lookups.
 */
public interface TeamMembers {

    /**
     * Everyone who can own contacts and tasks, for validation and pickers.
     *
     * @param call the tenant (a read: no key)
     * @return the members, possibly empty
     */
    List<TeamMember> list(HostCall call);

    /**
     * The member whose email equals {@code email} ignoring case, if any. The plugin uses it to make the
     * meeting's Calendly host the owner of the task and contact.
     *
     * @param call  the tenant (a read: no key)
     * @param email the address to look for
     * @return the member, or empty when no member of the tenant has this email
     */
    Optional<TeamMember> findByEmail(HostCall call, String email);
}
