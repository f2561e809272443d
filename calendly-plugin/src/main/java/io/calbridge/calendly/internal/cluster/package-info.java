/**
 * Keeping the caches of several nodes true to one database. Front door: {@link
 * io.calbridge.calendly.internal.cluster.CacheInvalidation} (PostgreSQL LISTEN/NOTIFY, with a heartbeat that
 * says whether this node's caches may be trusted).
 */
package io.calbridge.calendly.internal.cluster;
