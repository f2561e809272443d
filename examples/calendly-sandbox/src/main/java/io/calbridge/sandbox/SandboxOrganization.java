package io.calbridge.sandbox;

/** An organization of the sandbox; {@code uri} is what the API returns (built on the sandbox's base URL). */
public record SandboxOrganization(String uuid, String uri, String name, Plan plan) {
}
