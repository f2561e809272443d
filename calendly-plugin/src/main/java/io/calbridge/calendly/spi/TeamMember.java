package io.calbridge.calendly.spi;

/**
 * A person of the tenant's team who can own contacts and tasks.
 *
 * @param id    the host's user id
 * @param email the address they sign in with (matched ignoring case against Calendly hosts' emails)
 * @param name  display name
 */
public record TeamMember(String id, String email, String name) {
}
