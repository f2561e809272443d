package io.calbridge.calendly.internal;

import io.calbridge.calendly.CalendlyConfig;
import io.calbridge.calendly.CalendlyOperations;
import io.calbridge.calendly.internal.common.ApiErrors;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.ResponseHeaders;
import io.calbridge.calendly.internal.settings.Access;
import io.calbridge.calendly.spi.HostSecurity;
import io.calbridge.db.Migrations;
import io.javalin.config.RoutesConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Constructor wiring of the whole plugin, in one visible place: every feature object is created
 * here and handed what it needs.
 */
public final class Wiring {

    /** The configuration, checked and frozen. */
    public record Settings(
            URI publicBaseUrl,
            DataSource dataSource,
            String routePrefix,
            URI calendlyApiBaseUrl,
            URI calendlyAuthBaseUrl,
            boolean migrate,
            int workerThreads,
            Duration signatureTolerance,
            Duration signatureFutureSkew,
            int maxWebhookBodyBytes,
            Duration tokenRefreshMargin,
            Clock clock,
            HostSecurity security) {

        public static Settings validate(CalendlyConfig c) {
            require(c.publicBaseUrl != null && !c.publicBaseUrl.isBlank(),
                    "publicBaseUrl is required: the URL at which Calendly and browsers reach this host, e.g. https://app.example.com");
            URI base = parseUrl("publicBaseUrl", c.publicBaseUrl);
            require(c.dataSource != null, "dataSource is required: the PostgreSQL DataSource that holds the plugin's tables");
            String prefix = c.routePrefix == null ? "" : c.routePrefix.strip();
            require(prefix.isEmpty() || (prefix.startsWith("/") && !prefix.endsWith("/")),
                    "routePrefix must be empty or start with '/' and not end with '/': " + c.routePrefix);
            require(c.workerThreads >= 0, "workerThreads cannot be negative: " + c.workerThreads);
            requirePositive("signatureTolerance", c.signatureTolerance);
            require(c.signatureFutureSkew != null && !c.signatureFutureSkew.isNegative(),
                    "signatureFutureSkew cannot be negative: " + c.signatureFutureSkew);
            require(c.maxWebhookBodyBytes > 0, "maxWebhookBodyBytes must be positive: " + c.maxWebhookBodyBytes);
            require(c.tokenRefreshMargin != null && !c.tokenRefreshMargin.isNegative(),
                    "tokenRefreshMargin cannot be negative: " + c.tokenRefreshMargin);
            require(c.clock != null, "clock is required");
            require(c.security != null, "security is required: a HostSecurity that tells the plugin who calls its settings"
                    + " routes, e.g. c.security = ctx -> yourLogin(ctx).map(u -> new HostSecurity.Caller(u.tenantId(),"
                    + " u.userId(), u.isTenantAdmin())); return Optional.empty() for anonymous requests");
            return new Settings(stripSlash(base), c.dataSource, prefix,
                    stripSlash(parseUrl("calendlyApiBaseUrl", c.calendlyApiBaseUrl)),
                    stripSlash(parseUrl("calendlyAuthBaseUrl", c.calendlyAuthBaseUrl)),
                    c.migrate, c.workerThreads, c.signatureTolerance, c.signatureFutureSkew,
                    c.maxWebhookBodyBytes, c.tokenRefreshMargin, c.clock, c.security);
        }

        private static void requirePositive(String name, Duration d) {
            require(d != null && !d.isNegative() && !d.isZero(), name + " must be positive: " + d);
        }

        private static URI parseUrl(String name, String value) {
            try {
                URI uri = URI.create(value.strip());
                require(("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null,
                        name + " must be an absolute http(s) URL: " + value);
                return uri;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " is not a valid URL: " + value, e);
            }
        }

        private static URI stripSlash(URI uri) {
            String s = uri.toString();
            return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    private final Settings settings;
    private final Db db;
    private final Access access;

    public Wiring(Settings settings) {
        this.settings = settings;
        this.db = new Db(settings.dataSource());
        this.access = new Access(settings.security());
        if (settings.migrate()) {
            Migrations.CALENDLY.migrate(settings.dataSource(), null);
        }
    }

    public CalendlyOperations operations() {
        return new CalendlyOperations() {
        };
    }

    public void registerRoutes(RoutesConfig routes) {
        ApiErrors.register(routes);
        ResponseHeaders.register(routes, settingsPath(), webhookPath());
    }

    /** Root of the settings API (connect, callback, disconnect, settings, mappings...). */
    String settingsPath() {
        return settings.routePrefix() + "/settings/calendly";
    }

    /** Root of the webhook endpoint. */
    String webhookPath() {
        return settings.routePrefix() + "/api/webhooks/calendly";
    }

    public void start() {
    }

    public void stop() {
    }

    Db db() {
        return db;
    }

    Access access() {
        return access;
    }
}
