package io.calbridge.examples.minimal;

import io.calbridge.calendly.CalendlyPlugin;
import io.calbridge.calendly.MasterKeys;
import io.calbridge.calendly.SettingsUi;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.calendly.spi.HostTransactions;
import io.javalin.Javalin;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * An existing small Javalin app (workspaces, users, contacts, tasks, notes in its own tables) that
 * adopted the Calendly plugin. Everything Calendly-specific is the block marked below plus one short
 * class per host interface ({@code App*}); the plugin brings its own {@code calendly_*} tables. Its
 * settings come from the environment, as in most apps.
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
     * @param env the app's settings by name: {@code System.getenv()} in production; the demo and the
     *            tests add the sandbox's URLs and a master key. Read: {@code PUBLIC_BASE_URL} (required),
     *            {@code CALBRIDGE_MASTER_KEY} or {@code CALBRIDGE_MASTER_KEY_FILE} (required), and
     *            optionally {@code CALENDLY_CLIENT_ID}/{@code CALENDLY_CLIENT_SECRET} (the app's own
     *            Calendly OAuth app) and {@code CALENDLY_API_BASE_URL}/{@code CALENDLY_AUTH_BASE_URL}
     *            (another Calendly than calendly.com: the sandbox)
     */
    public static Javalin create(DataSource dataSource, Map<String, String> env) {
        Users users = new Users(dataSource);
        HostTransactions tx = HostTransactions.using(dataSource);
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            new HomePage(users, dataSource).register(config.routes);

            // The whole Calendly integration. docs/embedding.md and README.md show the lines between the
            // two markers, character for character; EmbeddingSnippetTest fails when they differ.
            // --8<-- [start:register-plugin]
            config.registerPlugin(new CalendlyPlugin(c -> {
                c.publicBaseUrl = env.get("PUBLIC_BASE_URL");      // https://app.example.com: where Calendly and browsers reach you
                c.dataSource = dataSource;                         // your PostgreSQL pool; the plugin adds its calendly_* tables
                c.masterKey = MasterKeys.fromEnvironment(env);     // CALBRIDGE_MASTER_KEY: protects the tenants' tokens
                c.security = new AppSecurity(users);               // a HostSecurity: who is calling, from your own login
                c.host = new HostServices(new AppContacts(tx), new AppLists(tx), new AppTasks(tx),
                        new AppTeam(tx), new AppNotifications(tx), new AppWorkspaces(tx));   // where bookings go
                c.settingsUi = SettingsUi.at("/calendly");         // the ready-made Calendly page for your admins (optional)
                c.platformClientId = env.get("CALENDLY_CLIENT_ID");           // your own Calendly OAuth app,
                c.platformClientSecret = env.get("CALENDLY_CLIENT_SECRET");   // if you have one (mode platform_app)
                c.calendlyApiBaseUrl = env.getOrDefault("CALENDLY_API_BASE_URL", c.calendlyApiBaseUrl);     // unset: calendly.com;
                c.calendlyAuthBaseUrl = env.getOrDefault("CALENDLY_AUTH_BASE_URL", c.calendlyAuthBaseUrl);  // the sandbox's URL locally
            }));
            // --8<-- [end:register-plugin]
        });
    }
}
