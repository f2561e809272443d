package io.calbridge.calendly.internal.ui;

import io.calbridge.calendly.internal.booking.BookingSettings;
import io.calbridge.calendly.internal.booking.DryRunItem;
import io.calbridge.calendly.internal.booking.EventTypeMapping;
import io.calbridge.calendly.internal.booking.MappingRules;
import io.calbridge.calendly.internal.booking.SettingsService;
import io.calbridge.calendly.internal.settings.EventTypeView;
import io.calbridge.calendly.internal.settings.IntegrationSummary;
import io.calbridge.calendly.internal.webhook.WebhookLogEntry;
import io.calbridge.calendly.spi.Choice;
import io.calbridge.calendly.spi.TeamMember;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What each section's template shows; built by {@link SettingsUiRoutes} from the plugin's services. */
public final class Models {
    private Models() {
    }

    /**
     * The Connection section.
     *
     * @param live        connected (or needing reauthorization) integrations, oldest first
     * @param gone        disconnected ones, kept for their history
     * @param selected    the integration shown, or null when none is live
     * @param errors      connect form field to message, after a failed connect
     * @param openMode    the connect form to show open (after an error), or null
     */
    public record Connection(List<IntegrationSummary> live, List<IntegrationSummary> gone, IntegrationSummary selected,
                             boolean platformAppAvailable, String redirectUri, Map<String, String> errors,
                             String openMode, Sync sync, io.calbridge.calendly.internal.sync.SyncSettings window,
                             Map<String, String> windowRaw) {
        public boolean hasError(String field) {
            return errors.containsKey(field);
        }

        public String error(String field) {
            return errors.get(field);
        }

        /** The import window's field as typed when a save failed, else the saved value. */
        public String windowValue(String field, int saved) {
            return windowRaw.containsKey(field) ? windowRaw.get(field) : Integer.toString(saved);
        }
    }

    /**
     * Import, backfill and sweep of the selected integration (the sync feature's report, as the
     * settings API's health shows it), or null when there is none yet.
     *
     * @param job         {@code import}, {@code backfill} or {@code sweep} running, waiting or paused; null when idle
     * @param last        the last import, backfill and sweep that finished, in that order (absent ones left out)
     * @param nextSweepAt when the next reconciliation sweep is due
     */
    public record Sync(Job job, List<Last> last, Instant nextSweepAt) {
        static Sync of(Object report) {
            if (!(report instanceof com.fasterxml.jackson.databind.JsonNode r) || !r.isObject()) {
                return null;
            }
            Job job = null;
            com.fasterxml.jackson.databind.JsonNode j = r.path("job");
            if (j.isObject()) {
                job = new Job(j.path("kind").asText(), j.path("state").asText(), j.path("done").asLong(),
                        j.path("total").asLong(), instant(j.path("paused_until")));
            }
            List<Last> last = new java.util.ArrayList<>();
            for (String kind : List.of("import", "backfill", "sweep")) {
                com.fasterxml.jackson.databind.JsonNode l = r.path("last_" + kind);
                if (l.isObject()) {
                    String error = l.path("error").isTextual() ? l.path("error").asText() : null;
                    last.add(new Last(kind, error != null ? error : l.path("message").asText(""), error != null,
                            instant(l.path("finished_at"))));
                }
            }
            return new Sync(job, last, instant(r.path("next_sweep_at")));
        }

        private static Instant instant(com.fasterxml.jackson.databind.JsonNode n) {
            try {
                return n.isTextual() ? Instant.parse(n.asText()) : null;
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }
    }

    /** A running, waiting or paused job; {@code total} 0 while it is not known yet. */
    public record Job(String kind, String state, long done, long total, Instant pausedUntil) {
    }

    /** A finished import, backfill or sweep: the sync feature's message (English) and when it finished. */
    public record Last(String kind, String message, boolean failed, Instant finishedAt) {
    }

    /** The tenant's lists, tags, statuses and team members, for pickers. */
    public record Choices(List<Choice> lists, List<Choice> tags, List<Choice> statuses, List<Choice> members) {
        static Choices of(SettingsService.Choices c) {
            return new Choices(c.lists(), c.tags(), c.statuses(), c.teamMembers().stream().map(Choices::member).toList());
        }

        private static Choice member(TeamMember m) {
            String label = m.name() == null || m.name().isBlank() ? m.email() : m.name() + " (" + m.email() + ")";
            return new Choice(m.id(), label);
        }
    }

    /**
     * The "What bookings do" section.
     *
     * @param raw    what the admin typed into number fields that are not numbers, to show it again
     * @param errors field (as the settings API names it, e.g. {@code task.title}) to message
     */
    public record Bookings(BookingSettings settings, Choices choices, Map<String, String> raw, Map<String, String> errors) {
        public String error(String field) {
            return errors.get(field);
        }

        public String number(String field, Integer value) {
            return raw.containsKey(field) ? raw.get(field) : value == null ? "" : value.toString();
        }
    }

    /**
     * The Event types section.
     *
     * @param types      event types at Calendly, or empty with {@code problem} set
     * @param problem    why Calendly could not be asked, or null
     * @param staleSince the listing is an old one, from then; null when fresh
     * @param orphans    mappings whose event type is no longer listed
     * @param dryRun     the dry run's rows, or null when not asked for
     */
    public record EventTypes(List<EventTypeView> types, String problem, Instant staleSince, String staleReason,
                             List<EventTypeMapping> orphans, List<DryRunItem> dryRun, int dryRunLimit) {
    }

    /** One event type's mapping editor. {@code mapping} null: the event type follows the defaults. */
    public record Mapping(String uri, String name, EventTypeMapping mapping, MappingRules rules, Choices choices,
                          Map<String, String> raw, Map<String, String> errors) {
        public String error(String field) {
            return errors.get(field);
        }

        public String number(String field, Integer value) {
            return raw.containsKey(field) ? raw.get(field) : value == null ? "" : value.toString();
        }
    }

    /** The Activity section: the webhook log, its filters and counts, and the tenant's audit trail. */
    public record Activity(List<WebhookLogEntry> items, String status, String event, int page, boolean hasMore,
                           IntegrationSummary.Deliveries deliveries, Audit audit) {
    }

    /** One page of the tenant's audit trail, newest first. */
    public record Audit(List<io.calbridge.calendly.internal.privacy.AuditTrail.Entry> items, int page, boolean hasMore) {

        /** What an entry's detail says, as {@code name: value} pairs (lists joined): names and counts only. */
        public static String detail(com.fasterxml.jackson.databind.JsonNode detail) {
            if (detail == null || !detail.isObject()) {
                return "";
            }
            StringBuilder s = new StringBuilder();
            detail.fields().forEachRemaining(f -> {
                if (f.getKey().equals("via")) {
                    return;
                }
                String value;
                if (f.getValue().isArray()) {
                    List<String> parts = new java.util.ArrayList<>();
                    f.getValue().forEach(v -> parts.add(v.asText()));
                    value = String.join(", ", parts);
                } else {
                    value = f.getValue().asText();
                }
                s.append(s.length() == 0 ? "" : " · ").append(f.getKey()).append(": ").append(value);
            });
            return s.toString();
        }
    }

    /**
     * A contact's Calendly meetings with what the caller may do to them; {@code refused} instead of
     * all the rest when the caller may not see them.
     *
     * @param returnTo       where each form comes back (the host's contact page)
     * @param actionBase     where the forms post: {@code {base}/contacts/{id}}
     * @param refreshed      true right after a successful refresh from Calendly
     * @param problem        why the refresh failed, or null
     * @param eventTypes     the event types of the tenant's one integration (empty when it has several)
     * @param linkGroups     when the tenant has several integrations: each one's event types, for the
     *                       member to choose the account and its event type in one select; else empty
     * @param linkProblem    why no link can be made now (reconnect, not connected), or null
     * @param idempotencyKey this rendering's key for the link form: a resent form gets the same link
     * @param link           the link just made, or null
     */
    public record ContactMeetings(String contactId, String returnTo, String actionBase, io.calbridge.calendly.Meetings meetings,
                                  boolean refreshed, String problem, boolean mayCancel, boolean mayNoShow, boolean mayLink,
                                  List<Map<String, Object>> eventTypes, List<LinkGroup> linkGroups, String linkProblem,
                                  String idempotencyKey, io.calbridge.calendly.SchedulingLink link, Ui.Notice notice,
                                  String refused) {
        /** Some event type to make a link for. */
        public boolean linkable() {
            return !eventTypes.isEmpty() || linkGroups.stream().anyMatch(g -> !g.eventTypes().isEmpty());
        }

        /** The host's page again, refreshed from Calendly, scrolled to this section. */
        public String refreshUrl() {
            return returnTo + (returnTo.contains("?") ? "&" : "?") + "cb_refresh=1#" + ContactMeetingsRoutes.ANCHOR;
        }

        static ContactMeetings refused(String why) {
            return new ContactMeetings(null, null, null, null, false, null, false, false, false, List.of(), List.of(),
                    null, null, null, null, why);
        }
    }

    /**
     * One integration's part of the link form: its account's name, the event types a link can be made
     * for, or why they cannot be listed now (a reconnect, say).
     */
    public record LinkGroup(String integrationId, String account, List<Map<String, Object>> eventTypes, String problem) {
        /** The select's value: the integration and the event type, so the post names both. */
        public String value(Map<String, Object> eventType) {
            return integrationId + " " + eventType.get("uri");
        }
    }

    /** How the UI names a Calendly connection: its user's name, else the e-mail. */
    public static String accountName(String userName, String userEmail) {
        return userName == null ? userEmail : userName;
    }
}
