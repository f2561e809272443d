package io.calbridge.host.web;

import io.calbridge.calendly.CalendlyPlugin;
import io.calbridge.calendly.ContactMeetingsUi;
import io.calbridge.host.security.CurrentUser;
import io.calbridge.host.security.CurrentUsers;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The tenant's CRM pages. Every handler starts with the caller, reads only the caller's tenant and
 * answers an id that is malformed, missing or another tenant's with the same 404.
 */
record CrmPages(CurrentUsers users, CrmReads reads, Layout layout) {
    private static final Set<String> TASK_STATUSES = Set.of("OPEN", "DONE", "CANCELED");

    void contacts(Context ctx) {
        CurrentUser user = users.require(ctx);
        String q = ctx.queryParam("q");
        String status = ctx.queryParam("status");
        List<CrmReads.ContactRow> contacts = reads.contacts(user.tenantId(), q, status);
        List<UUID> ids = contacts.stream().map(CrmReads.ContactRow::id).toList();
        Map<UUID, List<CrmReads.Named>> tags = reads.tagsOf(user.tenantId(), ids);
        Map<UUID, List<CrmReads.Named>> lists = reads.listsOf(user.tenantId(), ids);

        Html statusOptions = Html.each(reads.statuses(user.tenantId()), s -> Html.of("<option value=\"{}\"{}>{}</option>",
                s.code(), s.code().equals(status) ? Html.raw(" selected") : Html.EMPTY, s.label()));
        Html filter = Html.of("""
                <form method="get" action="/app/contacts" class="filters">
                <input type="search" name="q" value="{}" placeholder="Name or email" aria-label="Search">
                <select name="status" aria-label="Status"><option value="">All statuses</option>{}</select>
                <button type="submit">Filter</button>
                </form>""", q, statusOptions);
        Html body = contacts.isEmpty()
                ? Html.raw("<p class=\"empty\">No contacts yet. Bookings made through Calendly show up here.</p>")
                : Html.of("""
                        <table class="grid">
                        <thead><tr><th>Contact</th><th>Status</th><th>Owner</th><th>Tags</th><th>Lists</th><th>Calendly answers</th><th>UTM</th><th>Added</th></tr></thead>
                        <tbody>{}</tbody>
                        </table>{}""",
                        Html.each(contacts, c -> Html.of("""
                                <tr><td><a href="/app/contacts/{}">{}</a><br><small>{}</small></td><td><span class="status status-{}">{}</span></td>\
                                <td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><time datetime="{}">{}</time></td></tr>
                                """, c.id(), c.name(), c.email(), c.statusCode(), c.statusLabel(), orDash(c.ownerName()),
                                chips(tags.get(c.id()), "/app/tags/"), chips(lists.get(c.id()), "/app/lists/"),
                                answers(c.customFields()), utm(c.customFields()), Formats.iso(c.createdAt()),
                                Formats.dateTime(c.createdAt(), user.zone()))),
                        contacts.size() == CrmReads.PAGE_LIMIT
                                ? Html.of("<p class=\"note\">Showing the newest {} contacts; narrow the filter to see others.</p>", CrmReads.PAGE_LIMIT)
                                : Html.EMPTY);
        render(ctx, user, Nav.CONTACTS, "Contacts", Html.join(filter, body));
    }

    void contact(Context ctx) {
        CurrentUser user = users.require(ctx);
        UUID id = pathId(ctx);
        CrmReads.ContactRow c = found(reads.contact(user.tenantId(), id));
        List<CrmReads.Named> tags = reads.tagsOf(user.tenantId(), List.of(id)).getOrDefault(id, List.of());
        List<CrmReads.Named> lists = reads.listsOf(user.tenantId(), List.of(id)).getOrDefault(id, List.of());
        List<CrmReads.TaskRow> tasks = reads.tasks(user.tenantId(), null, id);
        List<CrmReads.ActivityRow> timeline = reads.activities(user.tenantId(), id);
        ZoneId zone = user.zone();

        CustomFields f = c.customFields();
        Html facts = facts(
                fact("Email", c.email()),
                fact("Phone", orDash(c.phone())),
                fact("Status", Html.of("<span class=\"status status-{}\">{}</span>", c.statusCode(), c.statusLabel())),
                fact("Owner", orDash(c.ownerName())),
                fact("Time zone", orDash(c.timezone())),
                fact("Source", orDash(c.source())),
                fact("Tags", chips(tags, "/app/tags/")),
                fact("Lists", chips(lists, "/app/lists/")),
                fact("Added", Formats.dateTime(c.createdAt(), zone)),
                fact("Updated", Formats.dateTime(c.updatedAt(), zone)));
        Html answers = f.answers().isEmpty() ? Html.raw("<p class=\"empty\">No answers.</p>")
                : Html.of("<dl class=\"qa\">{}</dl>", Html.each(f.answers(), qa -> Html.of("<dt>{}</dt><dd>{}</dd>", qa.getKey(), qa.getValue())));
        Html utm = f.utm().isEmpty() ? Html.raw("<p class=\"empty\">No UTM parameters.</p>")
                : Html.of("<dl class=\"facts\">{}</dl>", Html.each(f.utm().entrySet(), u -> Html.of("<dt>{}</dt><dd>{}</dd>", u.getKey(), u.getValue())));
        Html other = f.other().isEmpty() ? Html.EMPTY
                : Html.of("<h2>Other fields</h2><dl class=\"facts\">{}</dl>",
                        Html.each(f.other().entrySet(), o -> Html.of("<dt>{}</dt><dd>{}</dd>", o.getKey(), o.getValue())));
        Html taskTable = tasks.isEmpty() ? Html.raw("<p class=\"empty\">No tasks.</p>") : taskTable(tasks, zone, false);
        Html activity = timeline.isEmpty() ? Html.raw("<p class=\"empty\">No activity yet.</p>")
                : Html.of("<ol class=\"timeline\">{}</ol>", Html.each(timeline, a -> Html.of("""
                        <li><time datetime="{}">{}</time> <span class="kind">{}</span> {}{}</li>
                        """, Formats.iso(a.occurredAt()), Formats.dateTime(a.occurredAt(), zone), a.kind(), a.summary(),
                        "{}".equals(a.details()) ? Html.EMPTY : Html.of("<details><summary>Details</summary><pre>{}</pre></details>", a.details()))));
        // The plugin's drop-in section: meetings, cancel, no-shows, single-use links; its forms come back here.
        ContactMeetingsUi calendly = ctx.appData(CalendlyPlugin.CONTACT_MEETINGS_UI);
        Html meetings = Html.raw(calendly.render(ctx, c.id().toString(), "/app/contacts/" + c.id()));
        ctx.html(layout.page(ctx, user, Nav.CONTACTS, c.name(), Html.raw(calendly.head()), Html.of("""
                <p><a href="/app/contacts">&larr; All contacts</a></p>
                <div class="columns">
                <section><h2>Details</h2>{}</section>
                <section><h2>Calendly answers</h2>{}<h2>UTM</h2>{}{}</section>
                </div>
                <h2>Tasks</h2>{}
                {}
                <h2>Activity</h2>{}""", facts, answers, utm, other, taskTable, meetings, activity)).toString());
    }

    /** Where /static/meetings.js lists the Calendly meeting of one task and offers cancel and no-show. */
    private static Html meetings(UUID contactId, UUID taskId) {
        return Html.of("""
                <section id="calendly-meetings" class="card" data-contact-id="{}" data-task-id="{}"></section>
                <script src="/static/meetings.js" defer></script>""", contactId, taskId);
    }

    void task(Context ctx) {
        CurrentUser user = users.require(ctx);
        CrmReads.TaskRow t = found(reads.task(user.tenantId(), pathId(ctx)));
        ZoneId zone = user.zone();
        String status = t.status().toLowerCase(java.util.Locale.ROOT);
        Html facts = Html.join(facts(
                        fact("Contact", t.contactId() == null ? Html.raw("&ndash;")
                                : Html.of("<a href=\"/app/contacts/{}\">{}</a>", t.contactId(), t.contactName())),
                        fact("Due", t.dueAt() == null ? "–" : Formats.dateTime(t.dueAt(), zone)),
                        fact("Status", Html.of("<span class=\"task-{}\">{}</span>", status, status)),
                        fact("Owner", orDash(t.ownerName()))),
                t.description() == null ? Html.EMPTY : Html.of("<p>{}</p>", t.description()));
        Html meetings = t.contactId() == null ? Html.raw("<p class=\"empty\">No Calendly meeting.</p>")
                : meetings(t.contactId(), t.id());
        render(ctx, user, Nav.TASKS, t.title(), Html.of("""
                <p><a href="/app/tasks">&larr; All tasks</a></p>
                {}
                <h2>Calendly meeting</h2>{}""", facts, meetings));
    }

    void lists(Context ctx) {
        CurrentUser user = users.require(ctx);
        List<CrmReads.ListRow> lists = reads.lists(user.tenantId());
        Html body = lists.isEmpty() ? Html.raw("<p class=\"empty\">No mailing lists.</p>") : Html.of("""
                <table class="grid"><thead><tr><th>List</th><th>Members</th><th>Created</th></tr></thead><tbody>{}</tbody></table>""",
                Html.each(lists, l -> Html.of("<tr><td><a href=\"/app/lists/{}\">{}</a></td><td>{}</td><td>{}</td></tr>\n",
                        l.id(), l.name(), l.members(), Formats.dateTime(l.createdAt(), user.zone()))));
        render(ctx, user, Nav.LISTS, "Mailing lists", body);
    }

    void list(Context ctx) {
        CurrentUser user = users.require(ctx);
        CrmReads.Named list = found(reads.list(user.tenantId(), pathId(ctx)));
        render(ctx, user, Nav.LISTS, list.name(), Html.join(Html.raw("<p><a href=\"/app/lists\">&larr; All lists</a></p>"),
                members(reads.listMembers(user.tenantId(), list.id()), "Subscribed", user.zone())));
    }

    void tags(Context ctx) {
        CurrentUser user = users.require(ctx);
        List<CrmReads.TagRow> tags = reads.tags(user.tenantId());
        Html body = tags.isEmpty() ? Html.raw("<p class=\"empty\">No tags.</p>") : Html.of("""
                <table class="grid"><thead><tr><th>Tag</th><th>Contacts</th></tr></thead><tbody>{}</tbody></table>""",
                Html.each(tags, t -> Html.of("<tr><td><a href=\"/app/tags/{}\">{}</a></td><td>{}</td></tr>\n", t.id(), t.name(), t.contacts())));
        render(ctx, user, Nav.TAGS, "Tags", body);
    }

    void tag(Context ctx) {
        CurrentUser user = users.require(ctx);
        CrmReads.Named tag = found(reads.tag(user.tenantId(), pathId(ctx)));
        render(ctx, user, Nav.TAGS, "Tag: " + tag.name(), Html.join(Html.raw("<p><a href=\"/app/tags\">&larr; All tags</a></p>"),
                members(reads.taggedContacts(user.tenantId(), tag.id()), "Tagged", user.zone())));
    }

    void tasks(Context ctx) {
        CurrentUser user = users.require(ctx);
        String wanted = ctx.queryParam("status");
        String status = wanted == null ? "OPEN" : wanted.toUpperCase(java.util.Locale.ROOT);
        List<CrmReads.TaskRow> tasks = reads.tasks(user.tenantId(), TASK_STATUSES.contains(status) ? status : null, null);
        Html tabs = Html.join(java.util.stream.Stream.of("OPEN", "DONE", "CANCELED", "ALL").map(s -> Html.of(
                "<a href=\"/app/tasks?status={}\"{}>{}</a> ", s.toLowerCase(java.util.Locale.ROOT),
                s.equals(status) || ("ALL".equals(s) && !TASK_STATUSES.contains(status)) ? Html.raw(" aria-current=\"page\"") : Html.EMPTY,
                s.charAt(0) + s.substring(1).toLowerCase(java.util.Locale.ROOT))));
        Html body = tasks.isEmpty() ? Html.raw("<p class=\"empty\">No tasks.</p>") : taskTable(tasks, user.zone(), true);
        render(ctx, user, Nav.TASKS, "Tasks", Html.of("<p class=\"tabs\">{}</p><p class=\"note\">Times in {}.</p>{}",
                tabs, user.zone().getId(), body));
    }

    private Html taskTable(List<CrmReads.TaskRow> tasks, ZoneId zone, boolean withContact) {
        return Html.of("""
                <table class="grid"><thead><tr><th>Task</th>{}<th>Due</th><th>Status</th><th>Owner</th></tr></thead><tbody>{}</tbody></table>""",
                withContact ? Html.raw("<th>Contact</th>") : Html.EMPTY,
                Html.each(tasks, t -> Html.of("<tr><td><a href=\"/app/tasks/{}\">{}</a>{}</td>{}<td>{}</td><td><span class=\"task-{}\">{}</span></td><td>{}</td></tr>\n",
                        t.id(), t.title(), t.description() == null ? Html.EMPTY : Html.of("<br><small>{}</small>", t.description()),
                        withContact ? Html.of("<td>{}</td>", t.contactId() == null ? Html.raw("&ndash;")
                                : Html.of("<a href=\"/app/contacts/{}\">{}</a>", t.contactId(), t.contactName())) : Html.EMPTY,
                        t.dueAt() == null ? "–" : Formats.dateTime(t.dueAt(), zone), t.status().toLowerCase(java.util.Locale.ROOT),
                        t.status().toLowerCase(java.util.Locale.ROOT), orDash(t.ownerName()))));
    }

    private Html members(List<CrmReads.MemberRow> members, String sinceLabel, ZoneId zone) {
        if (members.isEmpty()) {
            return Html.raw("<p class=\"empty\">No contacts.</p>");
        }
        return Html.of("<table class=\"grid\"><thead><tr><th>Contact</th><th>Email</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
                sinceLabel, Html.each(members, m -> Html.of("<tr><td><a href=\"/app/contacts/{}\">{}</a></td><td>{}</td><td>{}</td></tr>\n",
                        m.contactId(), m.name(), m.email(), Formats.dateTime(m.since(), zone))));
    }

    /** A {@code <dl class="facts">} of {@link #fact} rows. */
    private static Html facts(Html... rows) {
        return Html.of("<dl class=\"facts\">\n{}</dl>", Html.join(rows));
    }

    /** One row of {@link #facts}: a label and its value (text is escaped, {@link Html} is not). */
    private static Html fact(String label, Object value) {
        return Html.of("<dt>{}</dt><dd>{}</dd>\n", label, value);
    }

    private static Html chips(List<CrmReads.Named> items, String base) {
        if (items == null || items.isEmpty()) {
            return Html.raw("&ndash;");
        }
        return Html.each(items, n -> Html.of("<a class=\"chip\" href=\"{}{}\">{}</a> ", base, n.id(), n.name()));
    }

    private static Html answers(CustomFields f) {
        if (f.answers().isEmpty()) {
            return Html.raw("&ndash;");
        }
        return Html.of("<dl class=\"qa compact\">{}</dl>", Html.each(f.answers(), qa -> Html.of("<dt>{}</dt><dd>{}</dd>", qa.getKey(), qa.getValue())));
    }

    private static Html utm(CustomFields f) {
        if (f.utm().isEmpty()) {
            return Html.raw("&ndash;");
        }
        return Html.each(f.utm().entrySet(), u -> Html.of("<span class=\"utm\">{}={}</span> ", u.getKey(), u.getValue()));
    }

    private static String orDash(String s) {
        return s == null || s.isBlank() ? "–" : s;
    }

    private void render(Context ctx, CurrentUser user, Nav nav, String title, Html body) {
        ctx.html(layout.page(ctx, user, nav, title, body).toString());
    }

    /** The {id} path parameter; one that is not a UUID is a missing row like any other. */
    static UUID pathId(Context ctx) {
        try {
            String raw = ctx.pathParam("id");
            UUID id = UUID.fromString(raw);
            if (id.toString().equalsIgnoreCase(raw)) {
                return id;
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw notFound();
    }

    static <T> T found(Optional<T> row) {
        return row.orElseThrow(CrmPages::notFound);
    }

    static NotFoundResponse notFound() {
        return new NotFoundResponse("Not found.", Map.of("code", "not_found"));
    }
}
