package io.calbridge.host.demo;

import io.calbridge.sandbox.CalendlySandbox;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.EventTypeSpec;
import io.calbridge.sandbox.LocationKind;
import io.calbridge.sandbox.OAuthAppSpec;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxApp;
import io.calbridge.sandbox.SandboxOptions;
import io.calbridge.sandbox.SandboxOrganization;
import io.calbridge.sandbox.SandboxUser;
import io.javalin.config.Key;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's Calendly: the local sandbox, seeded with an organisation, two hosts, event types and
 * the platform OAuth app that tenant-host uses. The sandbox keeps its state in memory, so after a
 * restart tenants reconnect (their old tokens are unknown to the new sandbox).
 *
 * @param owner         the sandbox organisation's owner
 * @param personalToken a personal access token of the demo owner, for trying the personal-token connection mode
 */
public record DemoCalendly(CalendlySandbox sandbox, SandboxApp platformApp, SandboxUser owner, String personalToken)
        implements AutoCloseable {
    /**
     * The sandbox's booking page when the demo runs with one, for pages that link to it:
     * {@code ctx.appData(DemoCalendly.BOOKING_PAGE).ifPresent(url -> ...)}. Always registered by HostApp.
     */
    public static final Key<Optional<String>> BOOKING_PAGE = new Key<>("calbridge.demo.booking-page");

    /**
     * A personal access token of the demo's Calendly owner, shown on the Calendly page for trying the
     * personal-token mode, when the demo runs its own sandbox. Always registered by HostApp.
     */
    public static final Key<Optional<String>> PERSONAL_TOKEN = new Key<>("calbridge.demo.personal-token");

    private static final Logger log = LoggerFactory.getLogger(DemoCalendly.class);

    /**
     * Starts the sandbox on {@code port} and registers the platform app whose redirect URI is the
     * host's OAuth callback.
     */
    public static DemoCalendly start(int port, URI hostPublicBaseUrl, boolean autoApprove) {
        CalendlySandbox sb = CalendlySandbox.start(SandboxOptions.defaults().port(port).autoApprove(autoApprove));
        SandboxOrganization org = sb.createOrganization("Acme Coaching (Calendly)", Plan.STANDARD);
        SandboxUser owner = sb.createUser(org, "Ada Host", "ada@acme.test", Role.OWNER, "Europe/Warsaw");
        SandboxUser coach = sb.createUser(org, "Bob Coach", "bob@acme.test", Role.USER, "America/New_York");
        String callback = hostPublicBaseUrl.toString().replaceAll("/$", "") + "/settings/calendly/callback";
        SandboxApp app = sb.createOAuthApp(OAuthAppSpec.of("tenant-host demo", List.of(callback)).defaultUser(owner));
        sb.createEventType(owner, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
        sb.createEventType(EventTypeSpec.of(owner, "Strategy session", EventKind.SOLO, Duration.ofMinutes(60))
                .location(LocationKind.ZOOM));
        sb.createEventType(EventTypeSpec.of(coach, "Group workshop", EventKind.group(5), Duration.ofMinutes(90))
                .location(LocationKind.GOOGLE_MEET));
        String pat = sb.createPersonalAccessToken(owner);
        log.info("Calendly sandbox on {} (book meetings at {}/_sandbox); platform app client_id={}", sb.baseUrl(),
                sb.baseUrl(), app.clientId());
        return new DemoCalendly(sb, app, owner, pat);
    }

    public String baseUrl() {
        return sandbox.baseUrl();
    }

    /** The page where a person books, cancels and reschedules meetings. */
    public String bookingPage() {
        return sandbox.baseUrl() + "/_sandbox";
    }

    @Override
    public void close() {
        sandbox.close();
    }

    /** Without the token and the platform app's secret. */
    @Override
    public String toString() {
        return "DemoCalendly[" + baseUrl() + "]";
    }
}
