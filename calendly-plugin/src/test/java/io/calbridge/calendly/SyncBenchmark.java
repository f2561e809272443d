package io.calbridge.calendly;

import static io.calbridge.db.calendly.Tables.CALENDLY_BOOKING;
import static io.calbridge.db.calendly.Tables.CALENDLY_SYNC_STATE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.calendly.internal.Wiring;
import io.calbridge.calendly.internal.client.CalendlyApi;
import io.calbridge.calendly.internal.client.ScheduledEventQuery;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.internal.webhook.StoredDelivery;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxEventType;
import io.calbridge.sandbox.SandboxOrganization;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.sandbox.SeedRequest;
import io.calbridge.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Import and sweep at scale (a benchmark, not a test; docs/benchmarks.md). Prints:
 * <ul>
 *   <li>an import of {@code sync.bench.bookings} (10,000) bookings, with its Calendly listing, in
 *       bookings/s, next to the webhook path's figure in the same run: the same number of
 *       {@code invitee.created} bodies handed to the pipeline the inbox worker calls (no HTTP, one
 *       thread, like the import);</li>
 *   <li>a sweep over {@code sync.bench.integrations} (1,000) integrations with 3 events each: wall
 *       time and Calendly API calls per integration.</li>
 * </ul>
 * Run: {@code mvn -Pbenchmark -pl calendly-plugin -am verify -Dtest=SyncBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class SyncBenchmark {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    static final int BOOKINGS = Integer.getInteger("sync.bench.bookings", 10_000);
    static final int INTEGRATIONS = Integer.getInteger("sync.bench.integrations", 1_000);

    @Test
    void importVersusWebhookPath_andASweepOverManyIntegrations() throws Exception {
        try (PluginNodes nodes = new PluginNodes(db, 1, o -> o.enforceApiRateLimits(false))) {
            PluginNodes.Node node = nodes.start(0, c -> {
                c.syncPollInterval = Duration.ZERO; // the benchmark drives the jobs itself
                c.syncBackgroundRequestsPerMinute = 0;
                c.syncSweepInterval = Duration.ofDays(7);
                c.workerThreads = 0;
            });
            Wiring wiring = node.wiring();
            var sb = nodes.sb;
            DSLContext dsl = DSL.using(db.dataSource(), SQLDialect.POSTGRES);
            Instant first = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS);

            // Two tenants on two organizations: A imports, B's bookings go the webhook path.
            Acct a = acct(nodes, "Import A", "tenant-a");
            Acct b = acct(nodes, "Webhook B", "tenant-b");
            wiring.sync().runUntilIdle(); // their (empty) first imports
            Duration spacing = Duration.ofMinutes(Math.max(1, 60L * 24 * 80 / BOOKINGS)); // all within 80 days
            sb.seed(SeedRequest.of(List.of(a.type), BOOKINGS).startingAt(first).spacing(spacing).emailPrefix("a"));
            sb.seed(SeedRequest.of(List.of(b.type), BOOKINGS).startingAt(first).spacing(spacing).emailPrefix("b"));

            // Webhook bodies for B, built outside the clock from Calendly's listing.
            CalendlyApi apiB = wiring.calendly().api(wiring.connections().tokens().credential(b.id));
            List<byte[]> bodies = new ArrayList<>();
            for (ObjectNode event : apiB.scheduledEventsJson(ScheduledEventQuery.forOrganization(b.org.uri())
                    .between(first.minusSeconds(1), first.plus(Duration.ofDays(90))))) {
                for (ObjectNode invitee : apiB.inviteesJson(event.get("uri").asText())) {
                    ObjectNode payload = invitee.deepCopy();
                    payload.set("scheduled_event", event);
                    ObjectNode envelope = Json.mapper().createObjectNode();
                    envelope.put("created_at", invitee.get("created_at").asText());
                    envelope.put("event", "invitee.created");
                    envelope.set("payload", payload);
                    bodies.add(Json.mapper().writeValueAsString(envelope).getBytes(StandardCharsets.UTF_8));
                }
            }
            assertEquals(BOOKINGS, bodies.size());

            // The same run, alternating: webhook path first, then the import (a reconnect starts it).
            long t0 = System.nanoTime();
            long inbox = 1;
            for (byte[] body : bodies) {
                wiring.sync().pipeline().process(new StoredDelivery(inbox++, "tenant-b", b.id, "invitee.created", body, 1,
                        Instant.now()));
            }
            double webhookSeconds = (System.nanoTime() - t0) / 1e9;

            connect(nodes, a.pat, "tenant-a");
            long callsBefore = sb.stats().apiRequests("/scheduled_events");
            long t1 = System.nanoTime();
            wiring.sync().runUntilIdle();
            double importSeconds = (System.nanoTime() - t1) / 1e9;
            long importCalls = sb.stats().apiRequests("/scheduled_events") - callsBefore;
            assertEquals(BOOKINGS, dsl.fetchCount(CALENDLY_BOOKING, CALENDLY_BOOKING.TENANT_ID.eq("tenant-a")));
            assertEquals(BOOKINGS, dsl.fetchCount(CALENDLY_BOOKING, CALENDLY_BOOKING.TENANT_ID.eq("tenant-b")));
            System.out.printf("%nSyncBenchmark (load average %s)%n", loadAverage());
            System.out.printf("webhook path: %,d bookings in %.1f s = %,.0f bookings/s%n", BOOKINGS, webhookSeconds,
                    BOOKINGS / webhookSeconds);
            System.out.printf("import:       %,d bookings in %.1f s = %,.0f bookings/s (%,d Calendly calls; ratio %.2f)%n",
                    BOOKINGS, importSeconds, BOOKINGS / importSeconds, importCalls,
                    (BOOKINGS / importSeconds) / (BOOKINGS / webhookSeconds));

            // A sweep over many integrations, 3 events each.
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < INTEGRATIONS; i++) {
                Acct x = acct(nodes, "Sweep " + i, "sweep-" + i);
                sb.seed(SeedRequest.of(List.of(x.type), 3).startingAt(first).spacing(Duration.ofHours(5)).emailPrefix("s" + i));
                ids.add(x.id);
            }
            wiring.sync().runUntilIdle(); // their imports
            dsl.update(CALENDLY_SYNC_STATE).set(CALENDLY_SYNC_STATE.NEXT_SWEEP_AT, OffsetDateTime.now(ZoneOffset.UTC))
                    .where(CALENDLY_SYNC_STATE.INTEGRATION_ID.in(ids)).execute();
            long sweepCallsBefore = sb.stats().apiRequests("/");
            long t2 = System.nanoTime();
            wiring.sync().runUntilIdle();
            double sweepSeconds = (System.nanoTime() - t2) / 1e9;
            long sweepCalls = sb.stats().apiRequests("/") - sweepCallsBefore;
            System.out.printf("sweep over %,d integrations (3 events each, one thread): %.1f s wall, %.1f ms each, "
                            + "%.2f Calendly calls per integration%n", INTEGRATIONS, sweepSeconds,
                    sweepSeconds * 1000 / INTEGRATIONS, (double) sweepCalls / INTEGRATIONS);
            System.out.printf("10,000 integrations every 6 h at that pace need %.1f%% of one sync thread%n",
                    100.0 * sweepSeconds / INTEGRATIONS * 10_000 / Duration.ofHours(6).toSeconds());
        }
    }

    record Acct(SandboxOrganization org, SandboxEventType type, String pat, UUID id) {
    }

    private static Acct acct(PluginNodes nodes, String name, String tenant) {
        SandboxOrganization org = nodes.sb.createOrganization(name, Plan.STANDARD);
        SandboxUser owner = nodes.sb.createUser(org, name + " Owner", tenant + "@host.test", Role.OWNER, "UTC");
        SandboxEventType type = nodes.sb.createEventType(owner, "Call", EventKind.SOLO, Duration.ofMinutes(30));
        String pat = nodes.sb.createPersonalAccessToken(owner);
        return new Acct(org, type, pat, connect(nodes, pat, tenant));
    }

    private static UUID connect(PluginNodes nodes, String pat, String tenant) {
        var response = nodesNode(nodes).post(tenant, "/settings/calendly/connect",
                "{\"mode\":\"personal_token\",\"personal_token\":\"" + pat + "\"}");
        assertEquals(2, response.statusCode() / 100, response.body());
        return UUID.fromString(PluginNodes.json(response).get("integration_id").asText());
    }

    private static PluginNodes.Node nodesNode(PluginNodes nodes) {
        return nodes.node(0);
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
