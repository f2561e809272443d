/**
 * The settings API: what a tenant admin (or the host's settings page) calls under
 * {@code {routePrefix}/settings/calendly}. Front door: {@link io.calbridge.calendly.internal.settings.SettingsApi},
 * built in {@code Wiring}; handlers in {@code SettingsRoutes} stay thin over the booking, webhook and
 * oauth features' services. Every route starts with {@link io.calbridge.calendly.internal.settings.Access}
 * (401 for anonymous callers, 403 for callers who are not tenant admins, the same 404 for malformed,
 * missing and other tenants' ids). The integration health read model ({@code HealthStore}) reads
 * secret columns only for presence. The API's OpenAPI description is the resource
 * {@code io/calbridge/calendly/settings-openapi.json}; see docs/settings-api.md.
 */
package io.calbridge.calendly.internal.settings;
