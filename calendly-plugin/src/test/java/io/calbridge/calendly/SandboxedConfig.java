package io.calbridge.calendly;

import io.calbridge.calendly.spi.HostSecurity;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.sandbox.CalendlySandbox;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * What every plugin test that registers the whole plugin against a sandbox sets: where it is
 * reached, its database, host and security, a fresh master key, Calendly's URLs pointing at the
 * sandbox, and no background subscription checks (tests start those on purpose). Tests set the rest.
 */
final class SandboxedConfig {
    private SandboxedConfig() {
    }

    static void apply(CalendlyConfig c, CalendlySandbox sandbox, String publicBaseUrl, DataSource dataSource,
                      HostServices host, HostSecurity security) {
        c.publicBaseUrl = publicBaseUrl;
        c.dataSource = dataSource;
        c.security = security;
        c.host = host;
        c.masterKey = MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson());
        c.calendlyApiBaseUrl = sandbox.baseUrl();
        c.calendlyAuthBaseUrl = sandbox.baseUrl();
        c.subscriptionCheckInterval = Duration.ZERO;
    }
}
