package io.calbridge.host;

import io.calbridge.calendly.CalendlyConfig;
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
import java.net.URI;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jooq.DSLContext;

/**
 * tenant-host's web application: security, the browser UI, the plugin, the health endpoint,
 * wired in one place. {@link Main} gives it a database; tests give it their own.
 */
public final class HostApp {
    private final Javalin javalin;

    /** More routes or plugins, registered after the host's own (tests, demos). */
    @FunctionalInterface
    public interface Extension {
        void register(JavalinConfig config, SecurityConfig security);
    }

    /** Default security settings with a random JWT key (tokens die with the process). */
    public HostApp(DataSource dataSource, URI publicBaseUrl, MasterKey masterKey, String version) {
        this(dataSource, SecuritySettings.defaults(publicBaseUrl), masterKey, version, plugin -> {
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
        Health health = new Health(dataSource, version);
        DSLContext dsl = HostDsl.using(dataSource);
        UserDirectory directory = new UserDirectory(dsl);
        SecurityConfig security = new SecurityConfig(securitySettings, directory);
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
                c.settingsPageUrl = "/app/calendly";
                plugin.accept(c);
            }));
            config.routes.get("/health", ctx -> {
                Health.Report report = health.check();
                ctx.status(report.up() ? 200 : 503).json(report.body());
            });
            config.routes.get("/", ctx -> ctx.contentType(ContentType.TEXT_HTML).result(HomePage.render(version, health.check())));
            extension.register(config, security);
            config.unsafe.appDataManager.registerIfAbsent(DemoCalendly.BOOKING_PAGE, Optional.empty());
        });
    }

    public HostApp start(int port) {
        javalin.start(port);
        return this;
    }

    public int port() {
        return javalin.port();
    }

    public void stop() {
        javalin.stop();
    }
}
