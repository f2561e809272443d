package io.calbridge.host.security;

import io.calbridge.host.HostSchema;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.calbridge.host.DemoTenants;
import io.calbridge.host.HostApp;
import io.calbridge.host.TestKeys;
import io.calbridge.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: the first concurrent requests with a valid API token on a freshly started node got 401
 * (pac4j initialized its bearer client lazily and a concurrent first caller used it half-built; the
 * NullPointerException was swallowed as "bearer token rejected"). Fails most reliably as the first
 * test of a JVM, when pac4j's classes still load during that initialization.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ColdNodeBearerTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);
    private static final int NODES = 8;
    private static final int CONCURRENT = 10;

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static SecuritySettings settings;
    static String token;

    @BeforeAll
    static void issueATokenOnAnotherNode() throws Exception {
        new DemoTenants(db.dataSource());
        settings = DemoTenants.settings("http://localhost:7070");
        HostApp issuer = node();
        try {
            var r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + issuer.port() + "/api/token"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"admin@acme.test\",\"password\":\"demo-password\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            token = JSON.readTree(r.body()).get("access_token").asText();
        } finally {
            issuer.stop();
        }
    }

    @Test
    void firstConcurrentRequestsWithAValidToken_onFreshNodes_allAnswer200() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int n = 0; n < NODES; n++) {
            HostApp cold = node();
            try {
                statuses.addAll(concurrentFirstRequests(cold.port()));
            } finally {
                cold.stop();
            }
        }

        assertEquals(Collections.nCopies(NODES * CONCURRENT, 200), statuses);
    }

    @Test
    void aForgedToken_isStill401_notAServerError() throws Exception {
        HostApp node = node();
        try {
            String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA" + token.substring(token.lastIndexOf('.') + 5);

            assertEquals(401, me(node.port(), forged));
            assertEquals(401, me(node.port(), "not-a-jwt"));
        } finally {
            node.stop();
        }
    }

    private static List<Integer> concurrentFirstRequests(int port) {
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < CONCURRENT; i++) {
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                    return me(port, token);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        go.countDown();
        return answers.stream().map(CompletableFuture::join).toList();
    }

    private static int me(int port, String bearer) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/me"))
                .header("Authorization", "Bearer " + bearer).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static HostApp node() {
        return new HostApp(db.dataSource(), settings, TestKeys.MASTER, "test", c -> {
        }, (c, s) -> {
        }).start(0);
    }
}
