/**
 * tenant-host's security: who is calling and in which tenant. {@link io.calbridge.host.security.SecurityConfig}
 * configures everything (pac4j form login with a session, bearer JWT, CSRF, headers, login throttle)
 * and registers the login routes; {@link io.calbridge.host.security.CurrentUsers} answers "who is
 * this request from" for pages and APIs, {@link io.calbridge.host.security.CsrfGuard} hands out CSRF
 * tokens, and {@code SecurityConfig.hostSecurity()} gives the same answer to the Calendly plugin.
 */
package io.calbridge.host.security;
