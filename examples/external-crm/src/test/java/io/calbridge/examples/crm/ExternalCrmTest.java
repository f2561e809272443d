package io.calbridge.examples.crm;

import static io.calbridge.testing.Waiting.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.MasterKeys;
import io.calbridge.calendly.spi.HostSecurity;
import io.calbridge.examples.crm.host.ExternalCrmHost;
import io.calbridge.examples.crm.service.CrmService;
import io.calbridge.examples.crm.service.CrmStore;
import io.calbridge.sandbox.BookingRequest;
import io.calbridge.sandbox.CalendlySandbox;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxEventType;
import io.calbridge.sandbox.SandboxOptions;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.Ports;
import io.calbridge.testing.TestDatabase;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The host keeps contacts and tasks in a separate CRM service. The CRM loses a reply after applying a
 * task, then goes down while bookings arrive; the plugin's inbox retries with the same idempotency
 * keys, and once the CRM is back every booking is in it exactly once.
 */
class ExternalCrmTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    private static final String API_KEY = "test-api-key-of-ada";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theCrmLosesAReplyAndGoesDown_andEveryBookingArrivesExactlyOnceWhenItIsBack() throws Exception {
        CrmStore store = new CrmStore();
        store.addAccount("acme", "America/New_York", List.of("Newsletter"), List.of("calendly"));
        store.addMember("acme", "ada@acme.test", "Ada Admin");
        int crmPort = Ports.free();
        CrmService crm = new CrmService(store).start(crmPort);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        int port = Ports.free();
        String base = "http://127.0.0.1:" + port;
        try (CalendlySandbox sandbox = CalendlySandbox.start(SandboxOptions.defaults())) {
            SandboxUser ada = sandbox.createUser(sandbox.createOrganization("Acme", Plan.STANDARD), "Ada Host",
                    "ada@acme.test", Role.OWNER, "UTC");
            SandboxEventType intro = sandbox.createEventType(ada, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
            Javalin host = ExternalCrmHost.create(db.dataSource(), base, MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson()),
                    "http://127.0.0.1:" + crmPort, Map.of(API_KEY, new HostSecurity.Caller("acme", "ada", true)), c -> {
                        c.calendlyApiBaseUrl = sandbox.baseUrl();
                        c.calendlyAuthBaseUrl = sandbox.baseUrl();
                        c.subscriptionCheckInterval = Duration.ZERO;
                        c.meterRegistry = meters;
                        // Short backoff so that the test sees several retries in a few seconds.
                        c.webhookRetryBaseDelay = Duration.ofMillis(200);
                        c.webhookRetryMaxDelay = Duration.ofMillis(800);
                        c.webhookPollInterval = Duration.ofMillis(100);
                        c.webhookMaxAttempts = 100;
                    }).start(port);
            try {
                HttpResponse<String> connected = connect(base, sandbox.createPersonalAccessToken(ada));
                assertEquals(200, connected.statusCode(), connected.body());
                Instant start = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);

                // The CRM creates Jane's task but its reply never arrives: the plugin retries the booking.
                crm.loseReplies("/tasks", 1);
                sandbox.book(BookingRequest.of(intro, "Jane Doe", "jane@example.com", start));
                eventually("Jane's booking")
                        .until(() -> store.activityKinds("acme", "jane@example.com").contains("calendly.booked"));
                assertEquals(List.of("Intro call with Jane Doe [open]"), store.tasks("acme"), "one task, though created twice");
                assertTrue(crm.replayed() >= 1, "the retried task create was answered from the stored reply");

                // The CRM goes down while three more bookings arrive; their processing fails and is retried.
                crm.stop();
                double retriesBefore = retries(meters);
                for (String name : List.of("Kim", "Lee", "Max")) {
                    sandbox.book(BookingRequest.of(intro, name + " Example", name.toLowerCase() + "@example.com",
                            start.plus(1, ChronoUnit.HOURS)));
                }
                eventually("failed attempts while the CRM is down").until(() -> retries(meters) >= retriesBefore + 6);
                assertEquals(List.of("jane@example.com"), store.contactEmails("acme"));

                crm.start(crmPort);

                eventually("all four bookings in the CRM").until(() -> store.tasks("acme").size() >= 4
                        && List.of("kim", "lee", "max").stream().allMatch(n ->
                                store.activityKinds("acme", n + "@example.com").contains("calendly.booked")));
                eventually("no delivery left to retry").until(ExternalCrmTest::inboxIdle);
                assertEquals(Set.of("jane@example.com", "kim@example.com", "lee@example.com", "max@example.com"),
                        Set.copyOf(store.contactEmails("acme")));
                assertEquals(4, store.contactEmails("acme").size());
                assertEquals(Set.of("Intro call with Jane Doe [open]", "Intro call with Kim Example [open]",
                        "Intro call with Lee Example [open]", "Intro call with Max Example [open]"), Set.copyOf(store.tasks("acme")));
                assertEquals(4, store.tasks("acme").size(), "one task per booking: " + store.tasks("acme"));
                for (String email : List.of("jane@example.com", "kim@example.com", "lee@example.com", "max@example.com")) {
                    assertEquals(List.of("calendly.booked"), store.activityKinds("acme", email), email);
                }
            } finally {
                host.stop();
                crm.stop();
            }
        }
    }

    private HttpResponse<String> connect(String base, String pat) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/settings/calendly/connect"))
                .header("X-Api-Key", API_KEY)
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"mode\":\"personal_token\",\"personal_token\":\"" + pat + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Processing attempts that failed and were scheduled again (the plugin's documented counter). */
    private static double retries(SimpleMeterRegistry meters) {
        Counter c = meters.find("calendly.webhook.processed").tag("result", "retry").counter();
        return c == null ? 0 : c.count();
    }

    /** Nothing waits to be retried: no delivery is pending or in processing any more. */
    private static boolean inboxIdle() throws java.sql.SQLException {
        try (var c = db.dataSource().getConnection();
             var s = c.prepareStatement("select count(*) from calendly_webhook_inbox where status in ('PENDING', 'PROCESSING')");
             var rs = s.executeQuery()) {
            rs.next();
            return rs.getInt(1) == 0;
        }
    }

}
