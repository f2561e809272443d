package io.calbridge.host;

import io.calbridge.calendly.CalendlyPlugin;
import io.calbridge.calendly.MasterKey;
import io.javalin.Javalin;
import io.javalin.http.ContentType;
import java.net.URI;
import javax.sql.DataSource;

/**
 * tenant-host's web application: the plugin, the host's own pages and its health endpoint,
 * wired in one place. {@link Main} gives it a database; tests give it their own.
 */
public final class HostApp {
    private final Javalin javalin;

    public HostApp(DataSource dataSource, URI publicBaseUrl, MasterKey masterKey, String version) {
        Health health = new Health(dataSource, version);
        this.javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.registerPlugin(new CalendlyPlugin(c -> {
                c.publicBaseUrl = publicBaseUrl.toString();
                c.dataSource = dataSource;
                c.masterKey = masterKey;
            }));
            config.routes.get("/health", ctx -> {
                Health.Report report = health.check();
                ctx.status(report.up() ? 200 : 503).json(report.body());
            });
            config.routes.get("/", ctx -> ctx.contentType(ContentType.TEXT_HTML).result(HomePage.render(version, health.check())));
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
