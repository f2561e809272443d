package io.calbridge.calendly.internal.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.calendly.internal.booking.BookingProcessor;
import io.calbridge.calendly.internal.client.CalendlyApi;
import io.calbridge.calendly.internal.client.CalendlyClient;
import io.calbridge.calendly.internal.client.Credential;
import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.oauth.NotConnectedException;
import io.calbridge.calendly.internal.oauth.TokenSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * "Refresh from Calendly" for one person: asks Calendly for the scheduled events this e-mail is an
 * invitee of ({@code GET /scheduled_events?invitee_email=}, in the integration's organization or
 * user scope and the tenant's import window) and hands the invitees the plugin is missing or has
 * out of date to the booking pipeline exactly as a sweep does: webhook-shaped, through
 * {@link OneBookingPerInvitee} (so the erasure filter and the one-owner rule apply). A refresh
 * after a lost webhook therefore makes the booking, once, with its contact, task and activity.
 *
 * <p>Someone is waiting, so it never sleeps: each request must fit the node's
 * {@link BackgroundBudget} at once, or the lookup stops with a 503 asking to try again shortly.
 */
record InviteeLookup(Db db, SyncStore store, CalendlyClient calendly, TokenSource tokens, OneBookingPerInvitee pipeline,
                     BackgroundBudget budget, Clock clock) {
    /** The most events one lookup reads (each costs a request for its invitees). */
    static final int MAX_EVENTS = 50;

    /** @param found the person's invitees Calendly shows; imported those handed to the pipeline; failed those the host refused */
    record Result(int found, int imported, int failed) {
    }

    /** Someone is waiting: a 429 fails at once instead of being waited for inside the client. */
    InviteeLookup {
        calendly = calendly.impatient();
    }

    Result lookUp(UUID integrationId, String email) {
        SyncStore.Integration in = store.integration(db.dsl(), integrationId)
                .orElseThrow(() -> new NotConnectedException(integrationId, "deleted"));
        if (!"CONNECTED".equals(in.status())) {
            throw new NotConnectedException(integrationId, in.status());
        }
        SyncSettings settings = store.settings(db.dsl(), in.tenantId());
        Instant now = clock.instant();
        CalendlyApi api = calendly.api(withinBudget(tokens.credential(in.id()), in.userUri()));
        List<ObjectNode> events = new ArrayList<>();
        Iterator<ObjectNode> pages = api.scheduledEventsJson(SyncRunner.eventsOf(in).withInviteeEmail(email)
                .between(now.minus(Duration.ofDays(settings.pastDays())), now.plus(Duration.ofDays(settings.upcomingDays())))
                .sortedBy("start_time:desc")).iterator();
        while (events.size() < MAX_EVENTS && pages.hasNext()) {
            events.add(pages.next());
        }
        String wanted = email.strip().toLowerCase(Locale.ROOT);
        int found = 0;
        int imported = 0;
        int failed = 0;
        for (ObjectNode event : events) {
            List<ObjectNode> invitees = new ArrayList<>();
            api.inviteesJson(event.path("uri").asText()).forEach(i -> {
                // A group event's other invitees are not this person's meetings.
                if (wanted.equals(i.path("email").asText().strip().toLowerCase(Locale.ROOT))) {
                    invitees.add(i);
                }
            });
            Map<String, SyncStore.Ours> ours = store.ours(db.dsl(), in.tenantId(),
                    invitees.stream().map(i -> i.path("uri").asText()).toList());
            boolean past = Drift.instant(event.path("start_time"), now).isBefore(now);
            BookingProcessor.Options apply = new BookingProcessor.Options(!past || settings.pastMeetingTasks());
            for (ObjectNode invitee : invitees) {
                found++;
                Drift.Repair repair = Drift.of(event, invitee, ours.get(invitee.path("uri").asText()));
                if (repair == null) {
                    continue;
                }
                try {
                    for (Drift.Step step : repair.steps()) {
                        pipeline.process(SyncRunner.delivery(in, step, clock), apply);
                    }
                    imported++;
                } catch (RuntimeException e) {
                    // The host refused or failed: the next sweep tries again; the others still come in.
                    failed++;
                }
            }
        }
        return new Result(found, imported, failed);
    }

    private Credential withinBudget(Credential inner, String userUri) {
        return new Credential() {
            @Override
            public Secret accessToken() {
                if (!budget.tryAcquire(userUri)) {
                    throw ApiException.unavailable("calendly_busy", "The plugin's share of Calendly's rate limit for "
                            + "this account is used up for the moment; refresh again in a minute.", Duration.ofMinutes(1));
                }
                return inner.accessToken();
            }

            @Override
            public Secret afterUnauthorized(Secret rejected) {
                return inner.afterUnauthorized(rejected);
            }
        };
    }
}
