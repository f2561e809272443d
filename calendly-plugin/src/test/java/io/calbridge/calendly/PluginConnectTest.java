package io.calbridge.calendly;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.sandbox.CalendlySandbox;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxApp;
import io.calbridge.sandbox.SandboxOptions;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.Ports;
import io.calbridge.testing.TestDatabase;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A host registers the plugin with a platform OAuth app; a browser connects and disconnects Calendly. */
class PluginConnectTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    private final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aBrowserConnectsThroughThePlatformApp_andDisconnects_landingOnTheSettingsPageEachTime() throws Exception {
        int port = Ports.free();
        String base = "http://127.0.0.1:" + port;
        try (CalendlySandbox sb = CalendlySandbox.start(SandboxOptions.defaults().autoApprove(true))) {
            SandboxUser ada = sb.createUser(sb.createOrganization("Acme", Plan.STANDARD), "Ada", "ada@example.com",
                    Role.OWNER, "UTC");
            SandboxApp app = sb.createOAuthApp("Platform", List.of(base + "/integrations/settings/calendly/callback"));
            Javalin host = Javalin.create(config -> {
                config.jetty.port = port;
                // The host authenticates the request; the plugin reads who it is from these attributes.
                config.routes.before(ctx -> {
                    ctx.attribute("calbridge.tenantId", "tenant-1");
                    ctx.attribute("calbridge.userId", "user-1");
                });
                config.registerPlugin(new CalendlyPlugin(c -> {
                    SandboxedConfig.apply(c, sb, base, db.dataSource(), TestHost.services(), TestSecurity.FROM_ATTRIBUTES);
                    c.routePrefix = "/integrations";
                    c.platformClientId = app.clientId();
                    c.platformClientSecret = app.clientSecret();
                    c.settingsPageUrl = "/app/settings";
                }));
            }).start();
            try {
                HttpResponse<String> connect = send(HttpRequest.newBuilder(URI.create(base + "/integrations/settings/calendly/connect"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("mode=platform_app")));
                assertEquals(303, connect.statusCode(), connect.body());
                String authorize = connect.headers().firstValue("Location").orElseThrow();
                HttpResponse<String> consent = send(HttpRequest.newBuilder(URI.create(authorize + "&login_as="
                        + URLEncoder.encode(ada.uri(), StandardCharsets.UTF_8))).GET());
                HttpResponse<String> callback = send(HttpRequest.newBuilder(
                        URI.create(consent.headers().firstValue("Location").orElseThrow())).GET());

                assertEquals(303, callback.statusCode(), callback.body());
                String landed = callback.headers().firstValue("Location").orElseThrow();
                assertTrue(landed.startsWith(base + "/app/settings?calendly=connected&integration="), landed);
                UUID id = UUID.fromString(landed.replaceAll(".*integration=([0-9a-f-]{36}).*", "$1"));
                var row = DSL.using(db.dataSource(), SQLDialect.POSTGRES).selectFrom(CALENDLY_INTEGRATION)
                        .where(CALENDLY_INTEGRATION.ID.eq(id)).fetchOne();
                assertEquals("CONNECTED", row.getStatus());
                assertEquals("tenant-1", row.getTenantId());
                assertEquals("active", sb.subscriptionState(row.getSubscriptionUri()).orElse("missing"));

                HttpResponse<String> disconnect = send(HttpRequest.newBuilder(
                        URI.create(base + "/integrations/settings/calendly/" + id + "/disconnect"))
                        .POST(HttpRequest.BodyPublishers.noBody()));

                assertEquals(303, disconnect.statusCode());
                assertEquals(base + "/app/settings?calendly=disconnected&integration=" + id,
                        disconnect.headers().firstValue("Location").orElseThrow());
                var after = DSL.using(db.dataSource(), SQLDialect.POSTGRES).selectFrom(CALENDLY_INTEGRATION)
                        .where(CALENDLY_INTEGRATION.ID.eq(id)).fetchOne();
                assertEquals("DISCONNECTED", after.getStatus());
                assertNull(after.getAccessTokenEnc());
                assertNotNull(after.getDisconnectedAt());
                assertTrue(sb.subscriptionState(row.getSubscriptionUri()).isEmpty());
            } finally {
                host.stop();
            }
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return browser.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

}
