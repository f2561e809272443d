package io.calbridge.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.MasterKeys;
import io.calbridge.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HostAppTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

    static HostApp app;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        app = new HostApp(db.dataSource(), URI.create("http://localhost:7070"),
                MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson()), "test-version").start(0);
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void health_saysUpAndThatMigrationsAreApplied_butNoVersionsToAnonymousCallers() throws Exception {
        HttpResponse<String> response = get("/health");
        assertEquals(200, response.statusCode(), response.body());
        String body = response.body();
        assertEquals("{\"status\":\"UP\",\"database\":{\"reachable\":true},\"migrations\":\"applied\"}", body);
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
    }

    @Test
    void readyAndLive_answer200WhenTheDatabaseIsThere() throws Exception {
        assertEquals("{\"status\":\"UP\"}", get("/health/ready").body());
        assertEquals(200, get("/health/ready").statusCode());
        assertEquals("{\"status\":\"UP\"}", get("/health/live").body());
    }

    @Test
    void metrics_withoutAnOperatorToken_isClosedAndSaysWhatToSet() throws Exception {
        HttpResponse<String> response = get("/metrics");
        assertEquals(403, response.statusCode());
        assertTrue(response.body().contains("operator_access_not_configured") && response.body().contains("OPERATOR_TOKEN"),
                response.body());
    }

    @Test
    void homePageSaysWhatIsRunningWithoutVersions() throws Exception {
        HttpResponse<String> response = get("/");
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("tenant-host"));
        assertTrue(response.body().contains("Status: <strong>UP</strong>"), response.body());
        assertFalse(response.body().contains("test-version"), response.body());
    }
}
