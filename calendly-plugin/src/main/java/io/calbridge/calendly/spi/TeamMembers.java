package io.calbridge.calendly.spi;

import java.util.List;
import java.util.Optional;

/**
 * The tenant's team, for owners of contacts and tasks. Read-only; implementations must be
 * thread-safe and may be called inside the plugin's transaction (see {@link HostCall}).
 */
public interface TeamMembers {

    /** Everyone who can own contacts and tasks, for validation and pickers. */
    List<TeamMember> list(HostCall call);

    /** The member whose email equals {@code email} ignoring case, if any. */
    Optional<TeamMember> findByEmail(HostCall call, String email);
}
