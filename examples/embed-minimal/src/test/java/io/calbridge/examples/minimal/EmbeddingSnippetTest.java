package io.calbridge.examples.minimal;

import static io.calbridge.testing.Waiting.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.MasterKeys;
import io.calbridge.sandbox.BookingRequest;
import io.calbridge.sandbox.CalendlySandbox;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.OAuthAppSpec;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxApp;
import io.calbridge.sandbox.SandboxEventType;
import io.calbridge.sandbox.SandboxOptions;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.Ports;
import io.calbridge.testing.TestDatabase;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The registration snippet the docs show is the code of {@link MinimalApp#create} between its two
 * markers, and that code works: a fresh app built from it, on an empty schema of a real PostgreSQL,
 * connects a tenant through the sandbox in the platform-app OAuth mode, returns the browser to
 * the settings UI it mounts, and turns a booking into a contact in the app's own table.
 */
class EmbeddingSnippetTest {
    private static final String START = "// --8<-- [start:register-plugin]";
    private static final String END = "// --8<-- [end:register-plugin]";

    @RegisterExtension
    static final TestDatabase db = TestDatabase.empty();

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void theDocsShowExactlyTheSnippetThatMinimalAppRuns() throws Exception {
        Path root = Path.of(System.getProperty("calbridge.project.dir", "../..")).toAbsolutePath().normalize();
        String snippet = snippet(Files.readString(
                root.resolve("examples/embed-minimal/src/main/java/io/calbridge/examples/minimal/MinimalApp.java")));
        assertTrue(snippet.startsWith("config.registerPlugin(new CalendlyPlugin(c -> {\n"), snippet);

        for (String doc : List.of("docs/embedding.md", "README.md")) {
            List<String> javaBlocks = javaBlocks(Files.readString(root.resolve(doc)));
            assertTrue(javaBlocks.contains(snippet), doc + " must show MinimalApp's registration block exactly, as a"
                    + " ```java block (copy it from MinimalApp.create, without its indentation):\n" + snippet);
        }
    }

    @Test
    void aFreshAppFromTheSnippet_connectsThroughTheSandbox_returnsToTheSettingsPage_andProcessesABooking()
            throws Exception {
        MinimalApp.migrate(db.dataSource());
        DemoSeed.Seeded acme;
        try (Connection c = db.dataSource().getConnection()) {
            acme = DemoSeed.createWorkspace(c, "Acme", "Europe/Berlin", "ada@acme.test", "Ada Admin");
        }
        int port = Ports.free();
        String base = "http://127.0.0.1:" + port;
        try (CalendlySandbox sandbox = CalendlySandbox.start(SandboxOptions.defaults().autoApprove(true))) {
            SandboxUser ada = sandbox.createUser(sandbox.createOrganization("Acme", Plan.STANDARD), "Ada Host",
                    "ada@acme.test", Role.OWNER, "UTC");
            SandboxEventType intro = sandbox.createEventType(ada, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
            SandboxApp oauthApp = sandbox.createOAuthApp(OAuthAppSpec.of("embedding snippet",
                    List.of(base + "/settings/calendly/callback")).defaultUser(ada));
            Javalin app = MinimalApp.create(db.dataSource(), Map.of(
                    "PUBLIC_BASE_URL", base,
                    "CALBRIDGE_MASTER_KEY", MasterKeys.newKeysetJson(),
                    "CALENDLY_CLIENT_ID", oauthApp.clientId(),
                    "CALENDLY_CLIENT_SECRET", oauthApp.clientSecret(),
                    "CALENDLY_API_BASE_URL", sandbox.baseUrl(),
                    "CALENDLY_AUTH_BASE_URL", sandbox.baseUrl()));
            try {
                app.start(port);

                HttpResponse<String> connect = send(HttpRequest.newBuilder(URI.create(base + "/settings/calendly/connect"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("mode=platform_app")), acme.adminToken());
                assertEquals(303, connect.statusCode(), connect.body());
                String authorize = location(connect);
                assertTrue(authorize.startsWith(sandbox.baseUrl() + "/oauth/authorize?"), authorize);
                HttpResponse<String> approved = send(HttpRequest.newBuilder(URI.create(authorize)).GET(), null);
                String callback = location(approved);
                assertTrue(callback.startsWith(base + "/settings/calendly/callback?"), callback);
                HttpResponse<String> back = send(HttpRequest.newBuilder(URI.create(callback)).GET(), acme.adminToken());

                assertEquals(303, back.statusCode(), back.body());
                assertTrue(location(back).startsWith(base + "/calendly?calendly=connected"), location(back));

                Instant start = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
                sandbox.book(BookingRequest.of(intro, "Jane Doe", "jane@example.com", start));
                assertEquals("Jane Doe", awaitContactName(acme.workspaceId()));
            } finally {
                app.stop();
            }
        }
    }

    /** The lines between the markers, without the indentation they have in the class. */
    static String snippet(String source) {
        List<String> lines = source.lines().toList();
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(START)) {
                start = i + 1;
            } else if (lines.get(i).strip().equals(END)) {
                end = i;
            }
        }
        assertTrue(start > 0 && end > start, "MinimalApp.java must hold the markers " + START + " and " + END);
        List<String> region = lines.subList(start, end);
        int indent = region.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder out = new StringBuilder();
        region.forEach(l -> out.append(l.isBlank() ? "" : l.substring(indent)).append('\n'));
        return out.toString();
    }

    /** The contents of every ```java fenced block of a Markdown text. */
    static List<String> javaBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : markdown.lines().toList()) {
            if (block == null && line.equals("```java")) {
                block = new StringBuilder();
            } else if (block != null && line.equals("```")) {
                blocks.add(block.toString());
                block = null;
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        return blocks;
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String apiToken) throws Exception {
        if (apiToken != null) {
            request.header("Authorization", "Bearer " + apiToken);
        }
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String location(HttpResponse<String> response) {
        String location = response.headers().firstValue("Location").orElse(null);
        assertNotNull(location, "no Location header: " + response.statusCode() + " " + response.body());
        return location;
    }

    /** The workspace's contact's name, once a delivery made it (they are processed asynchronously). */
    private static String awaitContactName(long workspaceId) {
        return eventually("the workspace's contact").until(() -> {
            try (Connection c = db.dataSource().getConnection();
                 PreparedStatement s = c.prepareStatement("select name from contacts where workspace_id = ?")) {
                s.setLong(1, workspaceId);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        }, java.util.Objects::nonNull);
    }

}
