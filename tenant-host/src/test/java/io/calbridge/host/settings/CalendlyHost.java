package io.calbridge.host.settings;

import io.calbridge.host.DemoTenants;
import io.calbridge.host.HostApp;
import io.calbridge.host.TestKeys;
import io.calbridge.host.demo.DemoCalendly;
import io.calbridge.host.security.SecuritySettings;
import io.calbridge.testing.Ports;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * tenant-host as {@code Main} runs it in demo mode, on a test database: the seeded Calendly sandbox
 * ({@link DemoCalendly}) as Calendly, its platform app configured, the demo tenants and users. The
 * host's port is fixed before it starts because the OAuth redirect URI and the webhook URLs are
 * derived from the public base URL.
 */
final class CalendlyHost implements AutoCloseable {
    final DemoCalendly calendly;
    final HostApp app;
    final DemoTenants tenants;
    final String base;

    private CalendlyHost(DemoCalendly calendly, HostApp app, DemoTenants tenants, String base) {
        this.calendly = calendly;
        this.app = app;
        this.tenants = tenants;
        this.base = base;
    }

    /** @param autoApprove the sandbox's consent page approves at once (API tests) or waits for a click (browser test) */
    static CalendlyHost start(DataSource dataSource, boolean autoApprove) {
        int port = Ports.free();
        String base = "http://localhost:" + port;
        DemoTenants tenants = new DemoTenants(dataSource);
        DemoCalendly calendly = DemoCalendly.start(0, URI.create(base), autoApprove);
        try {
            SecuritySettings security = DemoTenants.settings(base).withFormActionOrigins(List.of(calendly.baseUrl()));
            HostApp app = new HostApp(dataSource, security, TestKeys.MASTER, "test", plugin -> {
                plugin.calendlyApiBaseUrl = calendly.baseUrl();
                plugin.calendlyAuthBaseUrl = calendly.baseUrl();
                plugin.platformClientId = calendly.platformApp().clientId();
                plugin.platformClientSecret = calendly.platformApp().clientSecret();
                plugin.platformSigningKey = calendly.platformApp().signingKey();
                plugin.webhookPollInterval = Duration.ofMillis(200);
                plugin.subscriptionCheckInterval = Duration.ZERO;
            }, (config, s) -> {
                config.appData(DemoCalendly.BOOKING_PAGE, Optional.of(calendly.bookingPage()));
                config.appData(DemoCalendly.PERSONAL_TOKEN, Optional.of(calendly.personalToken()));
            }).start(port);
            return new CalendlyHost(calendly, app, tenants, base);
        } catch (RuntimeException e) {
            calendly.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            app.stop();
        } finally {
            calendly.close();
        }
    }

}
