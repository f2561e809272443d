package io.calbridge.calendly.internal.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.calendly.CalendlyPlugin;
import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.MasterKeys;
import io.calbridge.calendly.TestHost;
import io.calbridge.calendly.TestSecurity;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.testing.TestDatabase;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hand-written OpenAPI description and the routes the plugin registers are the same set of
 * (method, path), in both directions: a route without documentation fails, and so does a
 * documented route that does not exist.
 */
class OpenApiDocumentTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    static final String PREFIX = "/integrations";
    static final Set<String> registered = new TreeSet<>();
    static Javalin app;

    @BeforeAll
    static void start() {
        app = Javalin.create(config -> {
            config.events.handlerAdded(h -> {
                if (h.getHttpMethod().isHttpMethod() && h.getPath().startsWith(PREFIX + SettingsRoutes.ROOT)) {
                    registered.add(h.getHttpMethod().name() + " " + h.getPath().substring(PREFIX.length()));
                }
            });
            config.registerPlugin(new CalendlyPlugin(c -> {
                c.publicBaseUrl = "https://app.example.com";
                c.routePrefix = PREFIX;
                c.dataSource = db.dataSource();
                c.security = TestSecurity.NOBODY;
                c.host = TestHost.services();
                c.masterKey = MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson());
                c.workerThreads = 0;
                c.subscriptionCheckInterval = Duration.ZERO;
            }));
        }).start(0);
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    static Set<String> documented(JsonNode doc) {
        Set<String> out = new TreeSet<>();
        for (Iterator<String> paths = doc.path("paths").fieldNames(); paths.hasNext(); ) {
            String path = paths.next();
            for (Iterator<String> methods = doc.path("paths").path(path).fieldNames(); methods.hasNext(); ) {
                String method = methods.next();
                if (Set.of("get", "put", "post", "delete", "patch", "head", "options").contains(method)) {
                    out.add(method.toUpperCase(Locale.ROOT) + " " + path);
                }
            }
        }
        return out;
    }

    @Test
    void everyRegisteredSettingsRouteIsDocumented_andEveryDocumentedRouteIsRegistered() {
        Set<String> documented = documented(OpenApiDocument.load());

        Set<String> undocumented = new TreeSet<>(registered);
        undocumented.removeAll(documented);
        Set<String> phantom = new TreeSet<>(documented);
        phantom.removeAll(registered);

        assertTrue(registered.size() >= 20, "the listener saw the plugin's routes: " + registered);
        assertTrue(undocumented.isEmpty(), "registered but not in settings-openapi.json: " + undocumented);
        assertTrue(phantom.isEmpty(), "in settings-openapi.json but not registered: " + phantom);
    }

    @Test
    void everyOperationHasAnIdAndEveryReferenceResolves() {
        JsonNode doc = OpenApiDocument.load();
        Set<String> ids = new TreeSet<>();
        doc.path("paths").forEach(item -> item.forEach(op -> {
            assertTrue(op.hasNonNull("operationId"), op.toString());
            assertTrue(ids.add(op.get("operationId").asText()), "operationId used twice: " + op.get("operationId"));
        }));
        String text = doc.toString();
        java.util.regex.Matcher refs = java.util.regex.Pattern.compile("\"\\$ref\":\"#/components/(\\w+)/(\\w+)\"").matcher(text);
        while (refs.find()) {
            assertFalse(doc.path("components").path(refs.group(1)).path(refs.group(2)).isMissingNode(),
                    "unresolved $ref " + refs.group());
        }
    }

    @Test
    void theHealthSchemasNameEveryFieldTheApiAnswers() {
        JsonNode schemas = OpenApiDocument.load().path("components").path("schemas");

        assertEquals(snakeCaseComponents(IntegrationSummary.Credentials.class),
                names(schemas.path("IntegrationSummary").path("properties").path("credentials").path("properties")));
        assertEquals(snakeCaseComponents(IntegrationSummary.Token.class),
                names(schemas.path("Health").path("properties").path("token").path("properties")));
    }

    private static Set<String> snakeCaseComponents(Class<? extends Record> type) {
        Set<String> out = new TreeSet<>();
        for (var c : type.getRecordComponents()) {
            out.add(c.getName().replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT));
        }
        return out;
    }

    private static Set<String> names(JsonNode object) {
        Set<String> out = new TreeSet<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void theDocumentIsServedWithoutLogin_withThisInstallationsServerUrl() throws Exception {
        HttpResponse<String> r = get(PREFIX + "/settings/calendly/openapi.json");

        assertEquals(200, r.statusCode(), r.body());
        JsonNode doc = Json.mapper().readTree(r.body());
        assertEquals("3.0.3", doc.path("openapi").asText());
        assertEquals("https://app.example.com" + PREFIX, doc.path("servers").get(0).path("url").asText());
        assertEquals(documented(OpenApiDocument.load()), documented(doc));
    }

    @Test
    void literalPathsWinOverTheIntegrationId_andOtherRoutesNeedALogin() throws Exception {
        // The callback is the oauth feature's: anonymous is told to sign in by it, not 404 "integration".
        HttpResponse<String> callback = get(PREFIX + "/settings/calendly/callback?state=x&code=y");
        HttpResponse<String> list = get(PREFIX + "/settings/calendly");

        assertEquals(401, callback.statusCode(), callback.body());
        assertEquals(401, list.statusCode(), list.body());
        assertTrue(registered.contains("GET /settings/calendly/{id}"));
        assertTrue(registered.contains(HandlerType.GET.name() + " /settings/calendly/callback"));
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path))
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
