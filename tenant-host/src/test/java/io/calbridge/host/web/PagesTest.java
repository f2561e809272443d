package io.calbridge.host.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.host.CrmFixture;
import io.calbridge.host.DemoTenants;
import io.calbridge.host.HostApp;
import io.calbridge.host.HostSchema;
import io.calbridge.host.TestBrowser;
import io.calbridge.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every host page: anonymous, member, admin of another tenant, the right admin. */
class PagesTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

    static HostApp app;
    static DemoTenants demo;
    static CrmFixture crm;
    static TestBrowser acmeAdmin;
    static TestBrowser acmeMember;
    static TestBrowser globexAdmin;

    /** A page and whether only tenant admins may open it. */
    record Page(String path, boolean adminOnly) {
    }

    @BeforeAll
    static void start() {
        demo = new DemoTenants(db.dataSource());
        crm = new CrmFixture(demo);
        app = new HostApp(db.dataSource(), DemoTenants.settings("http://localhost:7070"), io.calbridge.host.TestKeys.MASTER, "test", plugin -> {
        }, (config, security) -> {
        }).start(0);
        acmeAdmin = new TestBrowser(app.port()).loggedInAs("admin@acme.test");
        acmeMember = new TestBrowser(app.port()).loggedInAs("member@acme.test");
        globexAdmin = new TestBrowser(app.port()).loggedInAs("admin@globex.test");
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    static List<Page> acmePages() {
        return List.of(
                new Page("/app/contacts", false),
                new Page("/app/contacts/" + crm.jane, false),
                new Page("/app/lists", false),
                new Page("/app/lists/" + crm.acmeNewsletter, false),
                new Page("/app/tags", false),
                new Page("/app/tags/" + crm.acmeVip, false),
                new Page("/app/tasks", false),
                new Page("/app/tasks/" + crm.janeTask, false),
                new Page("/app/calendly", true),
                new Page("/app/calendly/activity", true));
    }

    /** The pages whose path holds an Acme id, with that id's kind. */
    static List<String> acmeIdPages() {
        return List.of("/app/contacts/" + crm.jane, "/app/lists/" + crm.acmeNewsletter, "/app/tags/" + crm.acmeVip,
                "/app/tasks/" + crm.janeTask);
    }

    @Test
    void everyPage_anonymous_goesToTheLoginForm() {
        for (Page page : acmePages()) {
            HttpResponse<String> r = new TestBrowser(app.port()).get(page.path());

            assertEquals(302, r.statusCode(), page.path());
            assertEquals("/login", r.headers().firstValue("Location").orElse(""), page.path());
        }
    }

    @Test
    void everyPage_member_opensMemberPages_andIsRefusedAdminPages() {
        for (Page page : acmePages()) {
            HttpResponse<String> r = acmeMember.get(page.path());

            assertEquals(page.adminOnly() ? 403 : 200, r.statusCode(), page.path());
        }
        assertTrue(acmeMember.get("/app/calendly").body().contains("Only an administrator of this workspace can manage its Calendly connection."));
    }

    @Test
    void everyPage_rightAdmin_opensIt() {
        for (Page page : acmePages()) {
            HttpResponse<String> r = acmeAdmin.get(page.path());

            assertEquals(200, r.statusCode(), page.path());
            assertTrue(r.body().contains("Acme Coaching"), page.path());
        }
    }

    @Test
    void everyIdPage_ofAnotherTenant_answersExactlyLikeAMissingId() {
        for (String path : acmeIdPages()) {
            String base = path.substring(0, path.lastIndexOf('/') + 1);

            HttpResponse<String> foreign = globexAdmin.get(path);
            HttpResponse<String> missing = globexAdmin.get(base + UUID.randomUUID());
            HttpResponse<String> malformed = globexAdmin.get(base + "not-an-id");
            HttpResponse<String> foreignJson = globexAdmin.getJson(path, null);
            HttpResponse<String> missingJson = globexAdmin.getJson(base + UUID.randomUUID(), null);

            assertEquals(404, foreign.statusCode(), path);
            assertEquals(missing.statusCode(), foreign.statusCode(), path);
            assertEquals(missing.body(), foreign.body(), path);
            assertEquals(missing.body(), malformed.body(), path);
            assertEquals(404, foreignJson.statusCode());
            assertEquals("{\"error\":{\"code\":\"not_found\",\"message\":\"Not found.\"}}", foreignJson.body());
            assertEquals(missingJson.body(), foreignJson.body());
        }
    }

    @Test
    void listPages_showOnlyTheCallersTenant() {
        String contacts = globexAdmin.get("/app/contacts").body();
        String tasks = globexAdmin.get("/app/tasks").body();

        assertTrue(contacts.contains("Gerd Globex"));
        assertFalse(contacts.contains("Jane Doe"));
        assertTrue(tasks.contains("Call Gerd back"));
        assertFalse(tasks.contains("Follow up with Jane"));
        assertFalse(acmeAdmin.get("/app/contacts").body().contains("Gerd"));
    }

    @Test
    void contactsPage_showsAnswersUtmStatusOwnerTagsAndLists() {
        String page = acmeAdmin.get("/app/contacts").body();

        assertTrue(page.contains("<a href=\"/app/contacts/" + crm.jane + "\">Jane Doe</a>"), page);
        assertTrue(page.contains("What do you want to achieve?"));
        assertTrue(page.contains("Run a &lt;b&gt;marathon&lt;/b&gt;"));
        assertTrue(page.contains("utm_campaign=spring") && page.contains("utm_source=newsletter"));
        assertFalse(page.contains("utm_medium"), "null UTM values are not shown");
        assertTrue(page.contains(">Lead</span>"));
        assertTrue(page.contains("Max Member"));
        assertTrue(page.contains("href=\"/app/tags/" + crm.acmeVip + "\">vip</a>"));
        assertTrue(page.contains("href=\"/app/lists/" + crm.acmeNewsletter + "\">Newsletter</a>"));
    }

    @Test
    void contactsPage_filtersByTextAndStatus() {
        assertFalse(acmeAdmin.get("/app/contacts?q=evil").body().contains("Jane Doe"));
        assertTrue(acmeAdmin.get("/app/contacts?q=JANE").body().contains("Jane Doe"));
        assertFalse(acmeAdmin.get("/app/contacts?status=customer").body().contains("Jane Doe"));
    }

    @Test
    void contactPage_showsTimelineAndTasksInTheTenantsTimeZone() {
        String page = acmeAdmin.get("/app/contacts/" + crm.jane).body();

        assertTrue(page.contains("Booked Discovery call"));
        assertTrue(page.contains("calendly.booking"));
        assertTrue(page.contains("Sun 1 Mar 2026, 09:30 EST"), "activity time in America/New_York");
        assertTrue(page.contains("Follow up with Jane"));
        assertTrue(page.contains("Mon 2 Mar 2026, 10:00 EST"), "due time in America/New_York");
        assertTrue(page.contains("{&quot;event&quot;: &quot;Discovery call&quot;}"), "details, escaped");
    }

    @Test
    void contactAndTaskPages_offerTheCalendlyActionsToMembers() {
        // The plugin's drop-in section, rendered into the contact page; its forms come back here.
        String contact = acmeMember.get("/app/contacts/" + crm.jane).body();
        assertTrue(contact.contains("<section class=\"cb cb-card cb-contact\" id=\"calendly-contact\""), contact);
        assertTrue(contact.contains("<link rel=\"stylesheet\" href=\"/app/calendly/assets/ui.css\">"), contact);
        assertTrue(contact.contains("href=\"/app/contacts/" + crm.jane + "?cb_refresh=1#calendly-contact\""), contact);
        assertFalse(contact.contains("meetings.js"), "the contact page needs no script of its own");

        String task = acmeMember.get("/app/tasks/" + crm.janeTask).body();
        assertTrue(task.contains("Follow up with Jane") && task.contains("Mon 2 Mar 2026, 10:00 EST"), task);
        assertTrue(task.contains("data-contact-id=\"" + crm.jane + "\" data-task-id=\"" + crm.janeTask + "\""), task);
        assertTrue(acmeMember.get("/app/tasks").body().contains("<a href=\"/app/tasks/" + crm.janeTask + "\">Follow up with Jane</a>"));
        assertEquals(200, acmeMember.get("/static/meetings.js").statusCode());
    }

    @Test
    void tasksPage_showsDueTimeInTheTenantsZone_statusAndOwner() {
        String acme = acmeAdmin.get("/app/tasks").body();
        String globex = globexAdmin.get("/app/tasks").body();

        assertTrue(acme.contains("Mon 2 Mar 2026, 10:00 EST") && acme.contains("Max Member") && acme.contains(">open</span>"), acme);
        assertTrue(globex.contains("Mon 2 Mar 2026, 16:00 CET"), "the same instant in Europe/Berlin");
        assertFalse(acmeAdmin.get("/app/tasks?status=done").body().contains("Follow up with Jane"));
    }

    @Test
    void listAndTagPages_showTheirContacts() {
        assertTrue(acmeAdmin.get("/app/lists").body().contains("Discovery calls"));
        assertTrue(acmeAdmin.get("/app/lists/" + crm.acmeNewsletter).body().contains("jane@example.com"));
        assertTrue(acmeAdmin.get("/app/tags/" + crm.acmeVip).body().contains("Jane Doe"));
        assertFalse(acmeAdmin.get("/app/tags").body().contains("enterprise"), "Globex's tag");
    }

    @Test
    void textFromBookings_isEscapedEverywhere() {
        for (String path : List.of("/app/contacts", "/app/contacts/" + crm.evil)) {
            String page = acmeAdmin.get(path).body();

            assertFalse(page.contains("<script>alert"), path);
            assertFalse(page.contains("<img src=x"), path);
            assertFalse(page.contains("</td><script>"), path);
            assertTrue(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"), path);
        }
    }

    @Test
    void navigation_showsCalendlyToAdminsOnly() {
        assertTrue(acmeAdmin.get("/app/contacts").body().contains("href=\"/app/calendly\""));
        assertFalse(acmeMember.get("/app/contacts").body().contains("href=\"/app/calendly\""));
    }

    @Test
    void everyPage_carriesTheCsrfTokenForScripts() {
        String page = acmeAdmin.get("/app/tasks").body();

        assertTrue(page.contains("<meta name=\"csrf-token\" content=\"" + acmeAdmin.csrfToken() + "\">"), page);
        assertTrue(page.contains("<script src=\"/static/app.js\" defer></script>"));
    }
}
