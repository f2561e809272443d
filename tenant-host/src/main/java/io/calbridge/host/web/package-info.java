/**
 * tenant-host's server-rendered browser UI. {@link io.calbridge.host.web.WebApp} registers the pages;
 * {@link io.calbridge.host.web.Html} builds escaped markup; {@link io.calbridge.host.web.Layout}
 * wraps a page's content in the app's chrome (navigation, tenant switcher, CSRF token).
 */
package io.calbridge.host.web;
