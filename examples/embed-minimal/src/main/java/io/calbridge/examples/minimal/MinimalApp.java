package io.calbridge.examples.minimal;

import io.calbridge.calendly.CalendlyConfig;
import io.calbridge.calendly.CalendlyPlugin;
import io.calbridge.calendly.MasterKey;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.calendly.spi.HostTransactions;
import io.javalin.Javalin;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * An existing small Javalin app (workspaces, users, contacts, tasks, notes in its own tables) that
 * adopted the Calendly plugin. Everything Calendly-specific is the block marked below plus one short
 * class per host interface ({@code App*}); the plugin brings its own {@code calendly_*} tables.
 */
public final class MinimalApp {
    private MinimalApp() {
    }

    /** The app's own Flyway set ({@code db/app}, history in Flyway's default table), as before the plugin. */
    public static void migrate(DataSource dataSource) {
        Flyway.configure().dataSource(dataSource).locations("classpath:db/app").load().migrate();
    }

    /**
     * The app, not started.
     *
     * @param publicBaseUrl the URL at which browsers and Calendly reach it
     * @param calendly      where Calendly is (the sandbox in the demo and tests) and the OAuth app;
     *                      {@code c -> {}} for the real Calendly and connections by personal token
     */
    public static Javalin create(DataSource dataSource, String publicBaseUrl, MasterKey masterKey,
            Consumer<CalendlyConfig> calendly) {
        Users users = new Users(dataSource);
        HostTransactions tx = HostTransactions.using(dataSource);
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            new HomePage(users, dataSource).register(config.routes);

            // ---- Calendly: the whole integration ----
            config.registerPlugin(new CalendlyPlugin(c -> {
                c.publicBaseUrl = publicBaseUrl;             // where Calendly and browsers reach the app
                c.dataSource = dataSource;                   // the app's pool; the plugin migrates its calendly_* tables
                c.masterKey = masterKey;                     // MasterKeys.fromEnvironment() in production
                c.security = new AppSecurity(users);         // the app's login says who is calling
                c.host = new HostServices(new AppContacts(tx), new AppLists(tx), new AppTasks(tx),
                        new AppTeam(tx), new AppNotifications(tx), new AppWorkspaces(tx));
                c.settingsPageUrl = "/";                     // where browsers land after connecting
                calendly.accept(c);                          // the sandbox's URLs in the demo and tests
            }));
        });
    }
}
