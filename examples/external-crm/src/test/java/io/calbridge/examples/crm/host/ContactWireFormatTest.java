package io.calbridge.examples.crm.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.calbridge.calendly.spi.ContactDraft;
import io.calbridge.calendly.spi.ContactRef;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.examples.crm.service.CrmService;
import io.calbridge.examples.crm.service.CrmStore;
import io.calbridge.testing.Ports;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The contact JSON that the host and the CRM service exchange, to the byte: snake_case keys in a
 * fixed order, and a missing value sent as {@code null} (the service then keeps what it has).
 */
class ContactWireFormatTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void findOrCreatePostsTheDraftInTheCrmsShapeAndReadsItsReply() {
        AtomicReference<String> received = new AtomicReference<>();
        Javalin fakeCrm = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.routes.post("/accounts/acme/contacts", ctx -> {
                received.set(ctx.body());
                ctx.contentType("application/json").result("{\"id\":\"contact_9\",\"created\":true,\"status\":\"lead\",\"owner_id\":null}");
            });
        }).start(Ports.free());
        try {
            RemoteContacts contacts = new RemoteContacts(new CrmClient("http://127.0.0.1:" + fakeCrm.port(), Duration.ofSeconds(10)));
            ContactRef ref = contacts.findOrCreate(HostCall.effect("acme", "key-1", null), new ContactDraft("jane@example.com",
                    "Jane Doe", "Jane", "Doe", null, "Europe/Warsaw", "lead", null, Map.of("utm_source", "news"), "calendly"));

            assertEquals("{\"email\":\"jane@example.com\",\"name\":\"Jane Doe\",\"phone\":null,\"status\":\"lead\","
                    + "\"owner_id\":null,\"fields\":{\"utm_source\":\"news\"}}", received.get());
            assertEquals(new ContactRef("contact_9", true, "lead", null), ref);
        } finally {
            fakeCrm.stop();
        }
    }

    @Test
    void theServiceAnswersAContactWithItsKeysAndCreatedOnlyForTheUpsert() throws Exception {
        CrmStore store = new CrmStore();
        store.addAccount("acme", "UTC", List.of(), List.of());
        CrmService crm = new CrmService(store).start(Ports.free());
        try {
            String base = "http://127.0.0.1:" + crm.port() + "/accounts/acme/contacts";
            assertEquals("{\"id\":\"contact_1001\",\"email\":\"jane@example.com\",\"name\":\"Jane Doe\",\"status\":\"lead\","
                    + "\"owner_id\":null,\"created\":true}", send("POST", base, 201, "{\"email\":\"jane@example.com\",\"name\":\"Jane Doe\"}"));
            assertEquals("{\"id\":\"contact_1001\",\"email\":\"jane@example.com\",\"name\":\"Jane Doe\",\"status\":\"customer\","
                    + "\"owner_id\":null}", send("PATCH", base + "/contact_1001", 200, "{\"status\":\"customer\"}"));
            assertEquals("[{\"id\":\"contact_1001\",\"email\":\"jane@example.com\",\"name\":\"Jane Doe\",\"status\":\"customer\","
                    + "\"owner_id\":null}]", send("GET", base, 200, null));
        } finally {
            crm.stop();
        }
    }

    private String send(String method, String url, int status, String json) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), response.body());
        return response.body();
    }
}
