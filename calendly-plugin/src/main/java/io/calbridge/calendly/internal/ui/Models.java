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
                             String openMode) {
        public boolean hasError(String field) {
            return errors.containsKey(field);
        }

        public String error(String field) {
            return errors.get(field);
        }
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

    /** The Activity section: the webhook log, its filters and counts. */
    public record Activity(List<WebhookLogEntry> items, String status, String event, int page, boolean hasMore,
                           IntegrationSummary.Deliveries deliveries) {
    }
}
