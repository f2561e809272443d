/**
 * Rate limits shared by the Calendly plugin (its webhook rejection log) and hosts (tenant-host's login
 * throttle): one bounded, expiring implementation, {@link io.calbridge.limits.WindowedLimit}.
 */
package io.calbridge.limits;
