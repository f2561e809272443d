package io.calbridge.examples.crm.host;

import io.calbridge.calendly.CalendlyConfig;
import io.calbridge.calendly.CalendlyPlugin;
import io.calbridge.calendly.MasterKey;
import io.calbridge.calendly.spi.HostSecurity;
import io.calbridge.calendly.spi.HostServices;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * A host whose contacts and tasks live in another service (the CRM), reached over HTTP. Its own
 * database holds only the plugin's tables: the webhook inbox, bookings and the effect ledger. A
 * booking is processed in the plugin's transaction, but the CRM calls are outside it; when one fails
 * the transaction rolls back and the delivery is retried later, replaying every effect with the same
 * idempotency keys, which the CRM applies at most once.
 */
public final class ExternalCrmHost {
    private ExternalCrmHost() {
    }

    /**
     * The host, not started.
     *
     * @param crmBaseUrl the CRM service, e.g. {@code http://localhost:7091}
     * @param apiKeys    the host's users: API key to who they are (tenant = CRM account id)
     * @param more       further plugin settings (the sandbox's URLs, retry tuning)
     */
    public static Javalin create(DataSource dataSource, String publicBaseUrl, MasterKey masterKey, String crmBaseUrl,
            Map<String, HostSecurity.Caller> apiKeys, Consumer<CalendlyConfig> more) {
        CrmClient crm = new CrmClient(crmBaseUrl, Duration.ofSeconds(5));
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.registerPlugin(new CalendlyPlugin(c -> {
                c.publicBaseUrl = publicBaseUrl;
                c.dataSource = dataSource;                  // the plugin's tables only
                c.masterKey = masterKey;
                c.security = new ApiKeySecurity(apiKeys);
                c.host = new HostServices(new RemoteContacts(crm), new RemoteLists(crm), new RemoteTasks(crm),
                        new RemoteTeam(crm), new RemoteNotifications(crm), new RemoteAccounts(crm));
                more.accept(c);
            }));
        });
    }
}
