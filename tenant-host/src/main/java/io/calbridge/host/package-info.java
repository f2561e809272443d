/**
 * tenant-host: the reference multi-tenant host. It loads the Calendly plugin and implements the
 * plugin's host interfaces on its own tables.
 */
package io.calbridge.host;
