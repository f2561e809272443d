package io.calbridge.calendly.internal.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.Purpose;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Calendly's refresh tokens are single-use: two nodes refreshing at once would kill the connection.
 * Several plugin instances (own pools, own caches, own token sources) share one database here.
 */
class TokenRefreshTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);
    static OAuthKit kit;
    static final List<HikariDataSource> pools = new ArrayList<>();

    @BeforeAll
    static void start() {
        kit = OAuthKit.start(db.dataSource());
    }

    @AfterAll
    static void stop() {
        pools.forEach(HikariDataSource::close);
        kit.close();
    }

    private static List<OAuthKit.Node> nodes(int n) {
        List<OAuthKit.Node> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            HikariDataSource pool = db.newPool(8);
            pools.add(pool);
            nodes.add(kit.newNode(pool));
        }
        return nodes;
    }

    private static UUID connect(String tenant) {
        String n = UUID.randomUUID().toString().substring(0, 8);
        SandboxUser user = kit.sb.createUser(kit.org, "User " + n, n + "@example.com", Role.OWNER, "UTC");
        JsonNode result = kit.connectOAuth(tenant, "u1", kit.tenantAppJson(), user);
        return UUID.fromString(result.get("integration_id").asText());
    }

    /** Runs {@code perNode} callers on each node at the same moment; returns what each got (a token or an exception). */
    private static List<Object> stampede(List<OAuthKit.Node> nodes, int perNode, UUID id) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size() * perNode);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Object>> futures = new ArrayList<>();
        for (OAuthKit.Node node : nodes) {
            for (int i = 0; i < perNode; i++) {
                Callable<Object> call = () -> {
                    go.await();
                    try {
                        return node.tokens().accessToken(id);
                    } catch (RuntimeException e) {
                        return e;
                    }
                };
                futures.add(pool.submit(call));
            }
        }
        go.countDown();
        List<Object> results = new ArrayList<>();
        for (Future<Object> f : futures) {
            try {
                results.add(f.get(60, TimeUnit.SECONDS));
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new AssertionError(e);
            }
        }
        pool.shutdown();
        return results;
    }

    @Test
    void fiftyThreadsOnEachOfThreeNodes_atExpiry_makeExactlyOneRefresh_andAllGetTheSameWorkingToken() throws Exception {
        UUID id = connect("t-stampede");
        List<OAuthKit.Node> nodes = nodes(3);
        Secret before = kit.node.tokens().accessToken(id);
        nodes.forEach(n -> assertEquals(before, n.tokens().accessToken(id), "every node starts with the token in cache"));
        long versionBefore = kit.node.row(id).tokenVersion();
        kit.clock.advance(Duration.ofHours(2).plusMinutes(1));
        int refreshesBefore = kit.sb.stats().tokenRequests("refresh_token");

        List<Object> results = stampede(nodes, 50, id);

        assertEquals(1, kit.sb.stats().tokenRequests("refresh_token") - refreshesBefore, "Calendly saw one refresh");
        Set<Secret> tokens = new HashSet<>();
        for (Object r : results) {
            assertTrue(r instanceof Secret, "every caller got a token, not " + r);
            tokens.add((Secret) r);
        }
        assertEquals(150, results.size());
        assertEquals(1, tokens.size(), "all callers share the one refreshed token");
        Secret after = tokens.iterator().next();
        assertNotEquals(before, after);
        assertEquals(200, kit.usersMeStatus(after), "the refreshed token works at Calendly");
        IntegrationRow row = kit.node.row(id);
        assertEquals(IntegrationStatus.CONNECTED, row.status());
        assertEquals(versionBefore + 1, row.tokenVersion());
        assertNull(row.tokenFailure());
        assertTrue(kit.notified.stream().noneMatch(n -> n.integrationId().equals(id)));
    }

    @Test
    void aRevokedRefreshToken_endsInReauthorizationOnce_withOneNotification_andNoRetryStorm() throws Exception {
        UUID id = connect("t-revoked");
        List<OAuthKit.Node> nodes = nodes(3);
        Secret refresh = kit.node.open(id, Purpose.REFRESH_TOKEN, kit.node.row(id).refreshTokenEnc());
        kit.sb.faults().revokeRefreshToken(refresh.reveal());
        kit.clock.advance(Duration.ofHours(2).plusMinutes(1));
        int refreshesBefore = kit.sb.stats().tokenRequests("refresh_token");

        List<Object> first = stampede(nodes, 20, id);
        List<Object> later = stampede(nodes, 20, id);

        for (Object r : first) {
            assertTrue(r instanceof ReauthorizationRequiredException, "expected reauthorization, got " + r);
        }
        for (Object r : later) {
            assertTrue(r instanceof ReauthorizationRequiredException, "expected reauthorization, got " + r);
        }
        assertEquals(1, kit.sb.stats().tokenRequests("refresh_token") - refreshesBefore,
                "one refused refresh, then no attempts at all");
        IntegrationRow row = kit.node.row(id);
        assertEquals(IntegrationStatus.REAUTHORIZATION_REQUIRED, row.status());
        assertNull(row.accessTokenEnc(), "dead tokens are wiped");
        assertNull(row.refreshTokenEnc());
        assertTrue(row.tokenFailure().contains("invalid_grant"), row.tokenFailure());
        List<OAuthKit.Notified> told = kit.notified.stream().filter(n -> n.integrationId().equals(id)).toList();
        assertEquals(1, told.size(), "the host is told once");
        assertEquals("t-revoked", told.get(0).tenantId());
    }

    @Test
    void reconnectingAfterReauthorization_bringsTheSameIntegrationBack() {
        String n = UUID.randomUUID().toString().substring(0, 8);
        SandboxUser user = kit.sb.createUser(kit.org, "User " + n, n + "@example.com", Role.OWNER, "UTC");
        UUID id = UUID.fromString(kit.connectOAuth("t-back", "u1", kit.tenantAppJson(), user)
                .get("integration_id").asText());
        kit.sb.faults().revokeRefreshToken(kit.node.open(id, Purpose.REFRESH_TOKEN, kit.node.row(id).refreshTokenEnc()).reveal());
        kit.clock.advance(Duration.ofHours(2).plusMinutes(1));
        assertThrows(ReauthorizationRequiredException.class, () -> kit.node.tokens().accessToken(id));

        JsonNode again = kit.connectOAuth("t-back", "u1", kit.tenantAppJson(), user);

        assertEquals(id.toString(), again.get("integration_id").asText());
        assertEquals(IntegrationStatus.CONNECTED, kit.node.row(id).status());
        assertEquals(200, kit.usersMeStatus(kit.node.tokens().accessToken(id)));
    }

    @Test
    void calendlyFailingDuringRefresh_keepsTheConnection_usesTheStillValidToken_andRetriesLater() {
        UUID id = connect("t-flaky");
        Secret before = kit.node.tokens().accessToken(id);
        // Inside the refresh margin but not expired: the old token still works meanwhile.
        kit.clock.advance(Duration.ofHours(2).minusMinutes(2));
        kit.sb.faults().failNextApiRequests(50, 503, "/oauth/token");

        Secret during = kit.node.tokens().accessToken(id);

        assertEquals(before, during);
        IntegrationRow failing = kit.node.row(id);
        assertEquals(IntegrationStatus.CONNECTED, failing.status());
        assertNotNull(failing.tokenFailure());
        assertTrue(failing.tokenFailure().contains("503"), failing.tokenFailure());

        kit.clock.advance(Duration.ofMinutes(3)); // now expired, and Calendly still fails
        TokenUnavailableException down = assertThrows(TokenUnavailableException.class,
                () -> kit.node.tokens().accessToken(id));
        assertNotNull(down.retryAfter());
        assertEquals(IntegrationStatus.CONNECTED, kit.node.row(id).status(), "a 503 never ends a connection");

        kit.sb.faults().clear();
        kit.clock.advance(Duration.ofSeconds(11));
        Secret after = kit.node.tokens().accessToken(id);

        assertNotEquals(before, after);
        assertEquals(200, kit.usersMeStatus(after));
        assertNull(kit.node.row(id).tokenFailure());
    }

    @Test
    void a401FromCalendly_refreshesOnceAndRetriesTheCall() {
        UUID id = connect("t-401");
        Secret token = kit.node.tokens().accessToken(id);
        kit.sb.faults().expireAccessToken(token.reveal());
        int refreshesBefore = kit.sb.stats().tokenRequests("refresh_token");
        double refreshedBefore = refreshes("refreshed");

        String me = kit.node.api(id).me().uri();

        assertEquals(kit.node.row(id).calendlyUserUri(), me);
        assertEquals(1, kit.sb.stats().tokenRequests("refresh_token") - refreshesBefore);
        assertNotEquals(token, kit.node.tokens().accessToken(id));
        assertEquals(refreshedBefore + 1, refreshes("refreshed"));
    }

    private static double refreshes(String result) {
        return kit.node.meters.get("calendly.token.refreshes").tag("result", result).counter().count();
    }

    @Test
    void aPersonalTokenRevokedAtCalendly_endsInReauthorizationOnce() {
        String n = UUID.randomUUID().toString().substring(0, 8);
        SandboxUser user = kit.sb.createUser(kit.org, "User " + n, n + "@example.com", Role.USER, "UTC");
        String pat = kit.sb.createPersonalAccessToken(user);
        var r = kit.post("/settings/calendly/connect", "t-pat-revoked", "u1", OAuthKit.patJson(pat));
        UUID id = UUID.fromString(OAuthKit.json(r).get("integration_id").asText());
        kit.sb.faults().revokeAccessToken(pat);

        assertThrows(ReauthorizationRequiredException.class, () -> kit.node.api(id).me());
        assertThrows(ReauthorizationRequiredException.class, () -> kit.node.api(id).me());

        assertEquals(IntegrationStatus.REAUTHORIZATION_REQUIRED, kit.node.row(id).status());
        assertEquals(1, kit.notified.stream().filter(x -> x.integrationId().equals(id)).count());
    }
}
