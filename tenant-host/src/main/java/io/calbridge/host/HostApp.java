package io.calbridge.host;

import io.calbridge.calendly.CalendlyConfig;
import io.calbridge.calendly.PersonErased;
import io.calbridge.calendly.CalendlyOperations;
import io.calbridge.calendly.CalendlyPlugin;
import io.calbridge.calendly.MasterKey;
import io.calbridge.host.crm.Crm;
import io.calbridge.host.demo.DemoCalendly;
import io.calbridge.host.security.SecurityConfig;
import io.calbridge.host.security.SecuritySettings;
import io.calbridge.host.security.UserDirectory;
import io.calbridge.host.web.WebApp;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jooq.DSLContext;

/**
 * tenant-host's web application: security, the browser UI, the plugin, the health endpoints
 * ({@code /health}, {@code /health/ready}, {@code /health/live}) and {@code /metrics}, wired in one place. {@link Main} gives it a database; tests give it their own.
 */
public final class HostApp {
    private final Javalin javalin;
    private final Health health;
    private final HostMetrics metrics;

    /** More routes or plugins, registered after the host's own (tests, demos). */
    @FunctionalInterface
    public interface Extension {
        void register(JavalinConfig config, SecurityConfig security);
    }

    /** Default security settings with a random JWT key (tokens die with the process). */
    public HostApp(DataSource dataSource, URI publicBaseUrl, MasterKey masterKey, String version) {
        this(dataSource, SecuritySettings.defaults(publicBaseUrl), OperatorAccess.none(), masterKey, version, plugin -> {
        }, (config, security) -> {
        });
    }

    /**
     * @param plugin    adjusts the plugin's configuration after the host's own settings (sandbox URLs,
     *                  platform app, tuning)
     * @param extension more routes or plugins
     */
    public HostApp(DataSource dataSource, SecuritySettings securitySettings, MasterKey masterKey, String version,
            Consumer<CalendlyConfig> plugin, Extension extension) {
        this(dataSource, securitySettings, OperatorAccess.none(), masterKey, version, plugin, extension);
    }

    /**
     * @param operators who may read {@code /metrics} and the detailed {@code /health}
     * @param plugin    adjusts the plugin's configuration after the host's own settings (sandbox URLs,
     *                  platform app, tuning)
     * @param extension more routes or plugins
     */
    public HostApp(DataSource dataSource, SecuritySettings securitySettings, OperatorAccess operators, MasterKey masterKey,
            String version, Consumer<CalendlyConfig> plugin, Extension extension) {
        this.health = new Health(dataSource, version);
        this.metrics = new HostMetrics(dataSource);
        DSLContext dsl = HostDsl.using(dataSource);
        UserDirectory directory = new UserDirectory(dsl);
        SecurityConfig security = new SecurityConfig(securitySettings, directory, dsl);
        WebApp web = new WebApp(security, directory, dsl);
        this.javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            security.install(config);
            web.install(config);
            config.registerPlugin(new CalendlyPlugin(c -> {
                c.publicBaseUrl = securitySettings.publicBaseUrl().toString();
                c.dataSource = dataSource;
                c.masterKey = masterKey;
                c.security = security.hostSecurity();
                c.host = Crm.hostServices(dataSource);
                c.personErasure = Crm.personErasure(dataSource);
                c.settingsUi = web.calendlyUi(); // the Calendly page at /app/calendly, in the app's layout
                c.meterRegistry = metrics.registry();
                plugin.accept(c);
            }));
            config.routes.get("/health/live", ctx -> health(ctx, Health.live()));
            config.routes.get("/health/ready", ctx -> health(ctx, health.ready()));
            config.routes.get("/health", ctx -> health(ctx, health.report(operators.allows(ctx))));
            config.routes.get("/metrics", ctx -> {
                requireOperator(operators, ctx);
                ctx.header("Cache-Control", "no-store").contentType(HostMetrics.CONTENT_TYPE).result(metrics.scrape());
            });
            // An operator erases one person of a tenant (an erasure request that reached the operator).
            config.routes.post("/operator/tenants/{tenantId}/erasures", ctx -> {
                requireOperator(operators, ctx);
                eraseAsOperator(ctx);
            });
            config.routes.get("/", ctx -> ctx.contentType(ContentType.TEXT_HTML).result(HomePage.render(health.ready())));
            extension.register(config, security);
            config.unsafe.appDataManager.registerIfAbsent(DemoCalendly.BOOKING_PAGE, Optional.empty());
            config.unsafe.appDataManager.registerIfAbsent(DemoCalendly.PERSONAL_TOKEN, Optional.empty());
        });
        health.warmUp();
    }

    private static void health(Context ctx, Health.Report report) {
        ctx.header("Cache-Control", "no-store").status(report.up() ? 200 : 503).json(report.body());
    }

    private static void eraseAsOperator(Context ctx) {
        String email;
        try {
            var body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ctx.bodyAsBytes());
            email = body == null || !body.path("email").isTextual() ? null : body.path("email").asText();
        } catch (java.io.IOException e) {
            email = null;
        }
        if (email == null || email.isBlank()) {
            throw new HttpResponseException(400, "email is required", Map.of("code", "missing", "field", "email"));
        }
        CalendlyOperations operations = ctx.appData(CalendlyPlugin.OPERATIONS);
        PersonErased erased;
        try {
            erased = operations.erasePerson(ctx.pathParam("tenantId"), email);
        } catch (IllegalArgumentException e) {
            throw new HttpResponseException(400, e.getMessage(), Map.of("code", "invalid", "field", "email"));
        }
        ctx.header("Cache-Control", "no-store").json(erased);
    }

    private static void requireOperator(OperatorAccess operators, Context ctx) {
        if (!operators.configured()) {
            throw new HttpResponseException(403, "Operator access is not configured: set OPERATOR_TOKEN and send it as "
                    + "Authorization: Bearer <token>.", Map.of("code", "operator_access_not_configured"));
        }
        if (!operators.allows(ctx)) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"tenant-host operators\"");
            throw new HttpResponseException(401, "Send the operator token as Authorization: Bearer <OPERATOR_TOKEN>.",
                    Map.of("code", "operator_token_required"));
        }
    }

    public HostApp start(int port) {
        javalin.start(port);
        return this;
    }

    public int port() {
        return javalin.port();
    }

    public void stop() {
        try {
            javalin.stop();
        } finally {
            health.close();
            metrics.close();
        }
    }
}
