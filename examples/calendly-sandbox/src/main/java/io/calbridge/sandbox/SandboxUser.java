package io.calbridge.sandbox;

/** A Calendly user with their single organization membership. */
public record SandboxUser(String uuid, String uri, String name, String email, Role role, String timezone,
                          String organizationUri, String membershipUri) {
}
