package io.calbridge.calendly.internal.booking;

import io.calbridge.calendly.internal.client.Invitee;
import io.calbridge.calendly.internal.client.ScheduledEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** The values of a booking's placeholders, with times in the tenant's zone. */
final class TemplateValues {
    private static final DateTimeFormatter START_LOCAL = DateTimeFormatter.ofPattern("EEE d MMM yyyy HH:mm zzz", Locale.ENGLISH);
    private static final DateTimeFormatter DATE_LOCAL = DateTimeFormatter.ofPattern("EEE d MMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter TIME_LOCAL = DateTimeFormatter.ofPattern("HH:mm zzz", Locale.ENGLISH);

    private TemplateValues() {
    }

    static String local(Instant instant, ZoneId zone) {
        return instant == null ? null : START_LOCAL.format(instant.atZone(zone));
    }

    static Map<String, String> of(Invitee p, ZoneId zone) {
        Map<String, String> v = new HashMap<>();
        v.put("invitee.name", p.name());
        v.put("invitee.first_name", p.firstName());
        v.put("invitee.last_name", p.lastName());
        v.put("invitee.email", p.email());
        v.put("invitee.phone", p.textReminderNumber());
        v.put("invitee.timezone", p.timezone());
        v.put("invitee.cancel_url", p.cancelUrl());
        v.put("invitee.reschedule_url", p.rescheduleUrl());
        v.put("event.name", p.eventName());
        Instant start = p.startTime();
        v.put("event.start_local", local(start, zone));
        v.put("event.end_local", local(p.endTime(), zone));
        v.put("event.date_local", start == null ? null : DATE_LOCAL.format(start.atZone(zone)));
        v.put("event.time_local", start == null ? null : TIME_LOCAL.format(start.atZone(zone)));
        v.put("event.start_utc", start == null ? null : start.toString());
        v.put("event.location", p.scheduledEvent() == null ? null : p.scheduledEvent().where());
        ScheduledEvent.Membership host = p.firstHost();
        v.put("event.host_name", host == null ? null : host.userName());
        v.put("event.host_email", host == null ? null : host.userEmail());
        v.put("event.type_uri", p.eventTypeUri());
        StringBuilder answers = new StringBuilder();
        int n = 0;
        var ordered = new java.util.ArrayList<>(p.questionsAndAnswers());
        ordered.removeIf(java.util.Objects::isNull);
        ordered.sort(java.util.Comparator.comparing(a -> a.position() == null ? Integer.MAX_VALUE : a.position()));
        for (Invitee.QuestionAndAnswer a : ordered) {
            n++;
            v.put("answer." + n, a.answer());
            if (a.question() != null && a.answer() != null) {
                answers.append(a.question().strip()).append(": ").append(a.answer().strip()).append('\n');
            }
        }
        v.put("answers", answers.toString().strip());
        if (p.tracking() != null) {
            v.put("utm.source", p.tracking().utmSource());
            v.put("utm.medium", p.tracking().utmMedium());
            v.put("utm.campaign", p.tracking().utmCampaign());
            v.put("utm.content", p.tracking().utmContent());
            v.put("utm.term", p.tracking().utmTerm());
        }
        if (p.cancellation() != null) {
            v.put("cancel.reason", p.cancellation().reason());
            v.put("cancel.canceled_by", p.cancellation().canceledBy());
        }
        return v;
    }
}
