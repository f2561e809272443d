/**
 * Not API. Everything under {@code io.calbridge.calendly.internal} (this package and its
 * sub-packages {@code common}, {@code crypto}, {@code client}, {@code oauth}, {@code webhook},
 * {@code booking}, {@code settings}) is the plugin's implementation: it may change in any release,
 * including patch releases, without notice or deprecation. Some of its types are {@code public}
 * only because Java has no other way to let one feature package use another's front door.
 *
 * <p>The API is {@link io.calbridge.calendly} (the plugin, its configuration, runtime operations and
 * master keys) and {@link io.calbridge.calendly.spi} (what a host implements). A host that needs
 * something from here should ask for it to become API rather than depend on it; the Javadoc jar
 * does not document these packages.
 */
package io.calbridge.calendly.internal;
