package io.calbridge.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void healthReportsDatabaseAndBothMigrationSets() throws Exception {
        HttpResponse<String> response = get("/health");
        assertEquals(200, response.statusCode(), response.body());
        String body = response.body();
        assertTrue(body.contains("\"status\":\"UP\""), body);
        assertTrue(body.contains("\"reachable\":true"), body);
        assertTrue(body.matches(".*\"calendly\":\\{\"current\":\"\\d+\",\"pending\":0}.*"), body);
        assertTrue(body.matches(".*\"host\":\\{\"current\":\"\\d+\",\"pending\":0}.*"), body);
        assertTrue(body.contains("\"version\":\"test-version\""), body);
    }

    @Test
    void homePageSaysWhatIsRunning() throws Exception {
        HttpResponse<String> response = get("/");
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("tenant-host"));
        assertTrue(response.body().contains("test-version"));
    }
}
