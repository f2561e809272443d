package io.calbridge.calendly.internal.client;

import io.calbridge.fixtures.CalendlyFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The typed models read Calendly's documented and recorded shapes, including older and partial ones. */
class CalendlyModelsTest {

    private static <T> T resource(String fixture, Class<T> type) throws Exception {
        JsonNode root = CalendlyJson.MAPPER.readTree(CalendlyFixtures.api(fixture));
        return CalendlyJson.MAPPER.treeToValue(root.path("resource"), type);
    }

    private static <T> List<T> collection(String fixture, Class<T> type) throws Exception {
        JsonNode root = CalendlyJson.MAPPER.readTree(CalendlyFixtures.api(fixture));
        List<T> items = new ArrayList<>();
        for (JsonNode n : root.path("collection")) {
            items.add(CalendlyJson.MAPPER.treeToValue(n, type));
        }
        return items;
    }

    @Test
    void usersMe_readsEveryDocumentedField() throws Exception {
        CalendlyUser u = resource("users.me.docs-example.json", CalendlyUser.class);

        assertEquals("https://api.calendly.com/users/AAAAAAAAAAAAAAAA", u.uri());
        assertEquals("test@example.com", u.email());
        assertEquals("America/New_York", u.timezone());
        assertEquals("https://api.calendly.com/organizations/AAAAAAAAAAAAAAAA", u.currentOrganization());
        assertEquals(Instant.parse("2019-01-02T03:04:05.678123Z"), u.createdAt());
    }

    @Test
    void realScheduledEventsPage_keepsMicrosecondTimesAndMembershipsWithoutUserName() throws Exception {
        List<ScheduledEvent> events = collection("scheduled_events.page1.real-2023.json", ScheduledEvent.class);

        assertEquals(10, events.size());
        ScheduledEvent first = events.get(0);
        assertTrue(first.uri().startsWith("https://api.calendly.com/scheduled_events/"));
        assertEquals("custom", first.location().type());
        assertEquals(1, first.inviteesCounter().limit());
        assertNull(first.eventMemberships().get(0).userName(), "2023 responses have no user_name");
        assertEquals("google", first.calendarEvent().kind());
    }

    @Test
    void lastPageFixture_readsTeamsLocationDataAndGroupLimit() throws Exception {
        List<ScheduledEvent> events = collection("scheduled_events.last-page.sdk-fixture.json", ScheduledEvent.class);

        assertTrue(events.stream().anyMatch(e -> "microsoft_teams_conference".equals(e.location().type())
                && e.location().data() != null));
    }

    @Test
    void invitees_readQuestionsTrackingAndCancellation() throws Exception {
        List<Invitee> invitees = collection("scheduled_event_invitees.page1.sdk-fixture.json", Invitee.class);

        assertTrue(!invitees.isEmpty());
        assertTrue(invitees.stream().allMatch(i -> i.uri() != null && i.email() != null));
    }

    @Test
    void eventTypes_readProfileAndCustomQuestions() throws Exception {
        EventType single = resource("event_type.get.docs-example.json", EventType.class);
        List<EventType> page = collection("event_types.page1.sdk-fixture.json", EventType.class);

        assertEquals("User", single.profile().type());
        assertEquals(2, single.customQuestions().size());
        assertEquals(List.of(15, 30, 60), single.durationOptions());
        assertTrue(page.stream().allMatch(e -> e.uri() != null));
    }

    @Test
    void webhookSubscriptions_readNullUserAndRetryStartedAt() throws Exception {
        List<WebhookSubscription> subs = collection("webhook_subscription.list.organization-scope.sdk-fixture.json",
                WebhookSubscription.class);
        WebhookSubscription created = resource("webhook_subscription.create.response.201.docs-example.json",
                WebhookSubscription.class);

        assertEquals(2, subs.size());
        assertNull(subs.get(0).user());
        assertNull(subs.get(0).retryStartedAt());
        assertEquals(Instant.parse("2020-09-18T04:00:00Z"), subs.get(1).retryStartedAt());
        assertTrue(created.isActive());
        assertEquals("https://blah.foo/bar", created.callbackUrl());
    }

    @Test
    void noShow_readsInviteeReference() throws Exception {
        InviteeNoShow noShow = resource("invitee_no_show.get.sdk-fixture.json", InviteeNoShow.class);

        assertTrue(noShow.uri().contains("invitee_no_shows"));
        assertTrue(noShow.invitee() != null);
    }

    @Test
    void calendlyErrorBody_becomesAnExceptionWithTitleAndMessageButNoSecrets() {
        CalendlyApiException e = CalendlyApiException.fromResponse("POST /webhook_subscriptions", 403,
                CalendlyFixtures.api("error.403.upgrade-plan.docs-example.json"), null);

        assertEquals(403, e.status());
        assertEquals("Permission Denied", e.title());
        assertTrue(e.isUpgradeRequired());
        assertEquals("Calendly answered 403 Permission Denied: Please upgrade your Calendly account to Standard "
                + "(POST /webhook_subscriptions)", e.getMessage());
    }

    @Test
    void oauthErrorBody_isRecognisedAsInvalidGrant() {
        CalendlyApiException e = CalendlyApiException.fromResponse("POST /oauth/token", 400,
                CalendlyFixtures.api("token.error.invalid_grant.sdk-fixture.json"), null);

        assertTrue(e.isInvalidGrant());
        assertTrue(!e.isTransient());
    }
}
