/**
 * The settings API's shared access checks. Front door: {@link io.calbridge.calendly.internal.settings.Access}
 * (401 for anonymous callers, 403 for callers who are not tenant admins, the same 404 for missing
 * and other tenants' ids), built in {@code Wiring} from {@code CalendlyConfig.security}.
 */
package io.calbridge.calendly.internal.settings;
