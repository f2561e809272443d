package io.calbridge.calendly;

import static io.calbridge.testing.Waiting.eventually;
import static io.calbridge.db.calendly.Tables.CALENDLY_BOOKING;
import static io.calbridge.db.calendly.Tables.CALENDLY_EFFECT_LEDGER;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_INBOX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.calendly.internal.crypto.PersonalData;
import io.calbridge.calendly.spi.PersonErasure;
import io.calbridge.sandbox.BookingRequest;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxEventType;
import io.calbridge.sandbox.SandboxOrganization;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17, erasure of one person: after a tenant admin erases an e-mail, nothing readable in the
 * plugin's tables names it, the host erased its contact, the other invitee is untouched, Calendly got
 * the data-compliance deletion (the tenant opted in), and a later booking of the same person is ignored.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PersonErasureTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);

    private static final String ALICE = "alice.erased@example.com";
    private static final String BOB = "bob.kept@example.com";

    private DSLContext sql() {
        return DSL.using(db.dataSource(), SQLDialect.POSTGRES);
    }

    @Test
    void erasingAnEmail_leavesNoTraceInPluginOrHost_keepsOtherInvitees_callsCalendly_ignoresLaterBookings_isAudited_andExportsWhatIsLeft() {
        try (PluginNodes cluster = new PluginNodes(db, 1, o -> { })) {
            SandboxOrganization big = cluster.sb.createOrganization("Big", Plan.ENTERPRISE);
            SandboxUser eve = cluster.sb.createUser(big, "Eve Admin", "eve@example.com", Role.OWNER, "UTC");
            PluginNodes.Node node = cluster.start(0, c -> {
                c.oauthScopes.add("data_compliance:write");
                c.personErasure = (call, email) -> {
                    boolean removed = cluster.host.contactsByEmail.remove(call.tenantId() + "|" + email.toLowerCase(Locale.ROOT)) != null;
                    return new PersonErasure.Erased(removed ? 1 : 0, 0, 0);
                };
            });
            SandboxEventType intro = cluster.sb.createEventType(eve, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
            UUID id = node.connectOAuth("acme", PluginNodes.platformJson(), eve);
            cluster.sb.book(BookingRequest.of(intro, "Alice Erased", ALICE, Instant.now().plus(Duration.ofDays(2))));
            cluster.sb.book(BookingRequest.of(intro, "Bob Kept", BOB, Instant.now().plus(Duration.ofDays(3))));
            eventually("both bookings are imported")
                    .until(() -> cluster.host.contactsByEmail.containsKey("acme|" + ALICE) && cluster.host.contactsByEmail.containsKey("acme|" + BOB));
            eventually("both deliveries are processed").until(this::nothingPending);
            PersonalData personal = PersonalData.sealedBy(node.wiring().keyring());
            assertEquals(1, bookingsOf(personal, ALICE));
            int bobLedger = ledgerOf(personal, BOB);
            assertTrue(bobLedger > 0, "Bob's effects are in the ledger");

            HttpResponse<String> invalid = node.post("acme", "/settings/calendly/privacy/erasures", "{\"email\":\"not an address\"}");
            assertEquals(400, invalid.statusCode(), invalid.body());
            assertEquals("email", PluginNodes.json(invalid).path("error").path("field").asText(), invalid.body());
            HttpResponse<String> optIn = node.put("acme", "/settings/calendly/privacy", "{\"calendly_deletion\":true}");
            assertEquals(200, optIn.statusCode(), optIn.body());

            HttpResponse<String> erased = node.post("acme", "/settings/calendly/privacy/erasures",
                    "{\"email\":\"" + ALICE.toUpperCase(Locale.ROOT) + "\"}");

            assertEquals(200, erased.statusCode(), erased.body());
            JsonNode report = PluginNodes.json(erased);
            assertEquals(1, report.path("bookings").asInt(), erased.body());
            assertTrue(report.path("deliveries").asInt() >= 1, erased.body());
            assertEquals(1, report.path("host_contacts").asInt(), erased.body());
            assertTrue(report.path("calendly_deletion").asBoolean(), erased.body());
            assertFalse(erased.body().toLowerCase(Locale.ROOT).contains("alice"), "the answer never names the person");
            assertTrue(cluster.sb.dataComplianceDeletions().stream()
                    .anyMatch(d -> d.emails().stream().anyMatch(e -> e.equalsIgnoreCase(ALICE))), "Calendly was asked to delete");

            assertEquals(0, bookingsOf(personal, ALICE), "no booking row of Alice");
            assertEquals(List.of(), bodiesNaming(personal, ALICE), "no stored body names Alice");
            assertFalse(cluster.host.contactsByEmail.containsKey("acme|" + ALICE), "the host erased Alice's contact");
            assertEquals(1, bookingsOf(personal, BOB), "Bob's booking is untouched");
            assertEquals(bobLedger, ledgerOf(personal, BOB), "Bob's ledger is untouched");
            assertFalse(bodiesNaming(personal, BOB).isEmpty(), "Bob's delivery is still readable");
            assertTrue(cluster.host.contactsByEmail.containsKey("acme|" + BOB), "Bob's contact is untouched");

            // Alice books again: the tenant chose IGNORE (the default), so nothing of her is kept.
            int before = sql().fetchCount(CALENDLY_WEBHOOK_INBOX);
            cluster.sb.book(BookingRequest.of(intro, "Alice Erased", ALICE, Instant.now().plus(Duration.ofDays(4))));
            eventually("the new delivery arrives")
                    .until(() -> sql().fetchCount(CALENDLY_WEBHOOK_INBOX) > before);
            eventually("and is handled").until(this::nothingPending);
            assertEquals(0, bookingsOf(personal, ALICE), "a later booking of an erased person is ignored");
            assertEquals(List.of(), bodiesNaming(personal, ALICE), "and its body is purged at once");
            assertFalse(cluster.host.contactsByEmail.containsKey("acme|" + ALICE), "no new contact");

            // The audit trail says who did what, with ids, field names and counts only.
            HttpResponse<String> audit = node.get("acme", "/settings/calendly/audit");
            assertEquals(200, audit.statusCode(), audit.body());
            List<String> actions = PluginNodes.json(audit).path("items").findValuesAsText("action");
            assertEquals(List.of("person.erased", "privacy.changed", "connection.connected", "connection.started"), actions,
                    audit.body());
            JsonNode erasure = PluginNodes.json(audit).path("items").get(0);
            assertEquals("admin-of-acme", erasure.path("actor").asText(), audit.body());
            assertEquals(1, erasure.path("detail").path("bookings").asInt(), audit.body());
            assertEquals("calendly_deletion", PluginNodes.json(audit).path("items").get(1).path("detail").path("fields").get(0).asText());
            assertEquals(id.toString(), PluginNodes.json(audit).path("items").get(2).path("target").asText(""),
                    "the connection names its integration: " + audit.body());
            assertFalse(audit.body().toLowerCase(Locale.ROOT).contains("alice"), "no personal data in the trail");
            assertFalse(audit.body().contains(cluster.platformApp.clientSecret()), "no secret in the trail");
            // Its paging answers a bad parameter like every settings route (docs/settings-api.md).
            HttpResponse<String> badSize = node.get("acme", "/settings/calendly/audit?size=0");
            assertEquals(400, badSize.statusCode(), badSize.body());
            assertEquals("invalid_parameter", PluginNodes.json(badSize).path("error").path("code").asText(), badSize.body());

            // Export: everything the plugin holds about Bob, opened; nothing about erased Alice.
            HttpResponse<String> bob = node.post("acme", "/settings/calendly/privacy/exports", "{\"email\":\"" + BOB + "\"}");
            assertEquals(200, bob.statusCode(), bob.body());
            assertTrue(bob.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment"), bob.headers().toString());
            JsonNode bobs = PluginNodes.json(bob);
            assertEquals(1, bobs.path("bookings").size(), bob.body());
            assertEquals("Bob Kept", bobs.path("bookings").get(0).path("name").asText(), bob.body());
            assertEquals(BOB, bobs.path("bookings").get(0).path("payload").path("email").asText(), bob.body());
            assertEquals(bobLedger, bobs.path("effects").size(), bob.body());
            assertTrue(bobs.path("deliveries").size() >= 1, bob.body());
            assertEquals(BOB, bobs.path("deliveries").get(0).path("body").path("payload").path("email").asText(), bob.body());
            assertFalse(bobs.path("erased").asBoolean());
            JsonNode alices = PluginNodes.json(node.post("acme", "/settings/calendly/privacy/exports", "{\"email\":\"" + ALICE + "\"}"));
            assertEquals(0, alices.path("bookings").size() + alices.path("deliveries").size() + alices.path("effects").size(),
                    alices.toString());
            assertTrue(alices.path("erased").asBoolean(), alices.toString());
        }
    }

    private boolean nothingPending() {
        return sql().fetchCount(CALENDLY_WEBHOOK_INBOX, CALENDLY_WEBHOOK_INBOX.STATUS.in("PENDING", "PROCESSING")) == 0;
    }

    private int bookingsOf(PersonalData personal, String email) {
        return sql().fetchCount(CALENDLY_BOOKING, CALENDLY_BOOKING.EMAIL_INDEX.eq(personal.emailIndex("acme", email)));
    }

    private int ledgerOf(PersonalData personal, String email) {
        var chains = sql().select(CALENDLY_BOOKING.CHAIN_ID).from(CALENDLY_BOOKING)
                .where(CALENDLY_BOOKING.EMAIL_INDEX.eq(personal.emailIndex("acme", email)));
        return sql().fetchCount(CALENDLY_EFFECT_LEDGER, CALENDLY_EFFECT_LEDGER.CHAIN_ID.in(chains));
    }

    /** Ids of stored bodies that, opened, contain the e-mail. */
    private List<Long> bodiesNaming(PersonalData personal, String email) {
        var i = CALENDLY_WEBHOOK_INBOX;
        return sql().select(i.ID, i.TENANT_ID, i.INTEGRATION_ID, i.DEDUPE_KEY, i.RAW_BODY).from(i).where(i.RAW_BODY.isNotNull())
                .fetch()
                .stream()
                .filter(r -> new String(personal.openBody(r.value2(), "calendly_webhook_inbox.raw_body",
                        r.value3() + "/" + r.value4(), r.value5()), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).contains(email))
                .map(r -> r.value1())
                .toList();
    }
}
