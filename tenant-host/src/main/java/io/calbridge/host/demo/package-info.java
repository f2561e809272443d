/** The demo's tenants, users, statuses, lists and tags, seeded once in demo mode. */
package io.calbridge.host.demo;
