package io.calbridge.calendly;

import static io.calbridge.testing.Waiting.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What one node changes and another node caches is dropped there as soon as the change commits
 * (the bound in docs/operations.md: PostgreSQL's delivery of the notification), for the changes
 * that used to linger: a tenant's rotated data key and a reconnected integration's new tokens.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrossNodeInvalidationTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    @Test
    void rotatedTenantKey_andReconnect_onOneNode_dropTheOtherNodesCachedCopies() {
        try (PluginNodes cluster = new PluginNodes(db, 2, o -> { })) {
            PluginNodes.Node reader = cluster.start(0);
            PluginNodes.Node operator = cluster.start(1);
            eventually("both nodes hear cache invalidations").atMost(Duration.ofSeconds(10))
                    .until(() -> reader.wiring().cachesTrusted() && operator.wiring().cachesTrusted());
            UUID id = reader.connectOAuth("acme", PluginNodes.platformJson(), cluster.ada);

            cacheTheToken(reader, id);
            operator.operations().rotateTenantKey("acme");
            eventually("the reader drops the tenant's cached secrets after the key rotation").atMost(Duration.ofSeconds(2))
                    .until(() -> reader.wiring().keyring().accessTokens().get(id).isEmpty());

            cacheTheToken(reader, id);
            // (An OAuth callback would land on the first node, the public URL: reconnect with a token on the operator.)
            HttpResponse<String> again = operator.post("acme", "/settings/calendly/connect",
                    "{\"mode\":\"personal_token\",\"personal_token\":\"" + cluster.sb.createPersonalAccessToken(cluster.ada) + "\"}");
            assertEquals(2, again.statusCode() / 100, again.body());
            assertEquals(id.toString(), PluginNodes.json(again).path("integration_id").asText(),
                    "a reconnect of the same Calendly user keeps the integration");
            eventually("the reader drops the replaced token after the reconnect").atMost(Duration.ofSeconds(2))
                    .until(() -> reader.wiring().keyring().accessTokens().get(id).isEmpty());
            cacheTheToken(reader, id);
        }
    }

    /** A call to Calendly on the reader's behalf leaves the integration's access token in its cache. */
    private static void cacheTheToken(PluginNodes.Node reader, UUID id) {
        HttpResponse<String> types = reader.get("acme", "/settings/calendly/" + id + "/event-types?refresh=true");
        assertEquals(200, types.statusCode(), types.body());
        assertTrue(reader.wiring().keyring().accessTokens().get(id).isPresent(), "the token is cached");
    }
}
