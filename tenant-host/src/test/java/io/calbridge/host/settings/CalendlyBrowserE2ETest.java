package io.calbridge.host.settings;

import static io.calbridge.testing.Waiting.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.host.HostSchema;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.browser.HeadlessChromium;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A tenant admin in headless Chromium, on tenant-host's Calendly page (the plugin's drop-in settings
 * UI in tenant-host's layout). At 1280 px: signs in, connects Calendly through the sandbox's consent
 * page, checks the connection now, saves default settings (after a template typo is shown next to
 * its field), maps the "Intro call" event type to another list and tag, books an Intro call on the
 * sandbox's booking page, finds the contact (with that list and tag) and its task, previews the dry
 * run and replays the delivery from the activity log. Then at 390 px, every section again.
 *
 * <p>On every section at both widths: the page does not scroll sideways
 * ({@code document.documentElement.scrollWidth <= innerWidth}), axe-core finds no serious or
 * critical violation, and a screenshot goes to {@code target/e2e-screenshots/} (kept by CI as build
 * artifacts). tenant-host's theme ({@code --cb-accent} in app.css) colours the UI's buttons.
 * From the contact page it also creates a single-use scheduling link and marks a no-show that comes
 * back through the webhook. Skipped, saying what to install, where Chromium is missing.
 */
class CalendlyBrowserE2ETest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

    static final Duration PATIENCE = Duration.ofSeconds(20);
    static final Path SCREENSHOTS = Path.of("target", "e2e-screenshots");
    /** tenant-host's accent (app.css), which its theme gives the UI: rgb(36, 87, 214) is #2457d6. */
    static final String HOST_ACCENT = "rgb(36, 87, 214)";

    static CalendlyHost host;
    static HeadlessChromium chromium;
    final List<String> findings = new ArrayList<>();

    @BeforeAll
    static void start() {
        HeadlessChromium.assumeInstalled();
        host = CalendlyHost.start(db.dataSource(), false);
        chromium = HeadlessChromium.start(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        try {
            if (chromium != null) {
                chromium.close();
            }
        } finally {
            if (host != null) {
                host.close();
            }
        }
    }

    @Test
    void anAdminConnectsCalendly_setsWhatBookingsDo_andABookingBecomesAContact_at1280And390Pixels() throws InterruptedException {
        WebDriver b = chromium.driver();
        WebDriverWait wait = new WebDriverWait(b, PATIENCE);
        // A page that navigates while the wait reads it (after a form submit) answers with a transient
        // driver error; the next poll reads the new page.
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.WebDriverException.class);
        chromium.viewport(1280, 900);

        // Sign in; the login form brings the admin back to the Calendly page.
        b.get(host.base + "/app/calendly");
        wait.until(ExpectedConditions.urlContains("/login"));
        b.findElement(By.name("username")).sendKeys("admin@acme.test");
        b.findElement(By.name("password")).sendKeys("demo-password");
        b.findElement(By.cssSelector("main form button[type=submit]")).click();
        wait.until(ExpectedConditions.urlToBe(host.base + "/app/calendly"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("cb-empty")));
        assertEquals(host.calendly.personalToken(), b.findElement(By.id("demo-personal-token")).getAttribute("textContent"),
                "the demo's personal access token is in the demo box, as the log says");
        assertTrue(b.findElement(By.id("cb-zone")).getText().startsWith("All times in "), "the tenant's zone, named");
        inspect("connection-empty-1280");

        // Connect with the platform app: Calendly's consent page, Approve, back with a result that stays.
        b.findElement(By.id("cb-connect-platform")).click();
        wait.until(ExpectedConditions.urlContains(host.calendly.baseUrl() + "/oauth/authorize"));
        assertTrue(b.getPageSource().contains("tenant-host demo"), "the consent page names the app");
        chromium.screenshot("calendly-consent");
        b.findElement(By.id("approve")).click();
        wait.until(ExpectedConditions.urlContains("/app/calendly?calendly=connected"));
        WebElement account = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("cb-account")));
        assertTrue(b.findElement(By.id("cb-result")).getText().contains("Calendly is connected."));
        assertTrue(account.getText().contains("Ada Host"), account.getText());
        assertEquals("Working", b.findElement(By.id("cb-health")).getText());
        assertEquals(HOST_ACCENT, chromium.js("return getComputedStyle(arguments[0]).backgroundColor",
                b.findElement(By.id("cb-check-now"))), "the host's theme colours the UI's buttons");
        inspect("connection-connected-1280");

        // Check now asks Calendly at once; the answer stays until dismissed.
        b.findElement(By.id("cb-check-now")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cb-result"), "Checked with Calendly just now"));
        assertTrue(b.findElement(By.id("cb-result")).getText().contains("active"));
        b.findElement(By.cssSelector("#cb-result a.cb-dismiss")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("cb-result")));

        // What bookings do: a template typo is shown next to its field, in words, and nothing is saved.
        b.findElement(By.id("tab-bookings")).click();
        WebElement title = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("f-task-title")));
        title.clear();
        title.sendKeys("{{event.name}} with {{invitee.nme}}");
        check(b, "fs-list_ids", "Newsletter");
        check(b, "fs-tag_ids", "calendly");
        b.findElement(By.id("cb-save-settings")).click();
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("err-task-title")));
        assertTrue(error.getText().startsWith("There is no placeholder {{invitee.nme}}."), error.getText());
        assertFalse(error.getText().contains("docs/"), "no documentation paths in messages for people");
        assertEquals("{{event.name}} with {{invitee.nme}}", b.findElement(By.id("f-task-title")).getAttribute("value"),
                "the admin's input is kept");
        assertEquals("true", b.findElement(By.id("f-task-title")).getAttribute("aria-invalid"));
        inspect("bookings-error-1280");
        WebElement fixed = b.findElement(By.id("f-task-title"));
        fixed.clear();
        fixed.sendKeys("{{event.name}} with {{invitee.name}}");
        b.findElement(By.id("cb-save-settings")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cb-result"), "Saved."));
        assertTrue(box(b, "fs-list_ids", "Newsletter").isSelected(), "the saved list is ticked");
        inspect("bookings-saved-1280");

        // Event types: map "Intro call" to the "Discovery calls" list and the "discovery-call" tag instead.
        b.findElement(By.id("tab-event-types")).click();
        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("tr[data-event-type-name='Intro call']")));
        assertEquals("the defaults", row.findElement(By.cssSelector(".cb-mapping-state")).getText());
        inspect("event-types-1280");
        row.findElement(By.linkText("Edit")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("cb-mapping")));
        b.findElement(By.cssSelector("input[name='list_ids.override']")).click();
        check(b, "fs-list_ids", "Discovery calls");
        b.findElement(By.cssSelector("input[name='tag_ids.override']")).click();
        check(b, "fs-tag_ids", "discovery-call");
        inspect("mapping-1280");
        b.findElement(By.id("cb-save-mapping")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cb-result"), "Saved for Intro call."));
        assertEquals("customized", b.findElement(By.cssSelector("tr[data-event-type-name='Intro call'] .cb-mapping-state")).getText());

        // Book an Intro call on the sandbox's booking page, as an invitee would.
        b.get(host.base + "/app/calendly");
        String bookingPage = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("sandbox-booking-page"))).getAttribute("href");
        b.get(bookingPage);
        WebElement form = b.findElements(By.cssSelector("form[action='/_sandbox/ui/book']")).stream()
                .filter(f -> f.getText().startsWith("Intro call")).findFirst().orElseThrow();
        form.findElement(By.name("name")).sendKeys("Erin Example");
        form.findElement(By.name("email")).sendKeys("erin@example.com");
        chromium.screenshot("sandbox-booking-form");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "erin@example.com"));
        chromium.screenshot("sandbox-booked");

        // The contact appears, on the mapped list, with the mapped tag; its task too.
        String contacts = poll(b, host.base + "/app/contacts", "Erin Example");
        WebElement contact = b.findElement(By.xpath("//tr[.//a[text()='Erin Example']]"));
        assertTrue(contact.getText().contains("Discovery calls"), contact.getText());
        assertTrue(contact.getText().contains("discovery-call"), contact.getText());
        assertFalse(contact.getText().contains("Newsletter"), "the mapping's lists replace the defaults: " + contact.getText());
        assertTrue(contacts.contains("erin@example.com"));
        chromium.screenshot("contact-appeared");
        b.findElement(By.linkText("Erin Example")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "Intro call with Erin Example"));
        chromium.screenshot("contact-page");

        // The contact's Calendly meeting with its actions (/static/meetings.js): a single-use link, a no-show.
        String contactPage = b.getCurrentUrl();
        WebElement meetingRow = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#calendly-meetings tr[data-meeting-id]")));
        assertTrue(meetingRow.getText().contains("Intro call") && meetingRow.getText().contains("active"), meetingRow.getText());
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#calendly-meetings form.send-link option")));
        WebElement createLink = b.findElement(By.cssSelector("#calendly-meetings form.send-link button[type=submit]"));
        scrollTo(createLink);
        createLink.click();
        WebElement link = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#calendly-meetings .link-out a")));
        assertTrue(link.getText().contains("utm_content=calbridge-link.") && link.getText().contains("email=erin%40example.com"),
                link.getText());
        chromium.screenshot("scheduling-link");
        WebElement noShow = b.findElement(By.cssSelector("#calendly-meetings button[data-action=no-show]"));
        scrollTo(noShow);
        noShow.click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#calendly-meetings .notice"),
                "Marked as no-show"));
        eventually("the no-show back through the webhook").atMost(PATIENCE).pollInSameThread().pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    b.get(contactPage);
                    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#calendly-meetings tr[data-meeting-id]")));
                    return b.findElements(By.cssSelector("#calendly-meetings tr[data-meeting-id]")).stream()
                            .anyMatch(r -> r.getText().contains("no-show") && !r.getText().contains("Mark no-show"));
                });
        assertFalse(b.findElements(By.cssSelector("#calendly-meetings button[data-action=unmark]")).isEmpty(),
                "now it can be taken back");
        chromium.screenshot("no-show-marked");

        // The follow-up task appears on the tasks page.
        poll(b, host.base + "/app/tasks", "Intro call with Erin Example");
        chromium.screenshot("task-appeared");

        // The dry run shows what the mapping does with this booking, its time in the tenant's zone.
        b.get(host.base + "/app/calendly/event-types");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("cb-run-dry-run"))).click();
        WebElement preview = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("cb-dry-run-table")));
        assertTrue(preview.getText().contains("erin@example.com"), preview.getText());
        assertTrue(preview.getText().contains("Discovery calls"), preview.getText());
        inspect("dry-run-1280");

        // The activity log lists the delivery as processed; a replay is queued and the result stays.
        b.findElement(By.id("tab-activity")).click();
        WebElement replay = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("tr[data-status=DONE] button.cb-replay")));
        assertFalse(b.findElement(By.id("cb-webhook-log")).getText().contains("erin@example.com"), "no personal data");
        inspect("activity-1280");
        replay.click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cb-result"), "is queued to be processed again"));
        // Kept as a sleep: time passing (the replay processed meanwhile) is what the result must survive.
        Thread.sleep(1500);
        b.navigate().refresh();
        assertTrue(b.findElement(By.id("cb-result")).getText().contains("is queued to be processed again"),
                "the replay's result stays until dismissed");
        assertEquals(1, count(poll(b, host.base + "/app/contacts", "Erin Example"), "erin@example.com"),
                "replaying does not create a second contact");

        // The same sections on a phone.
        chromium.viewport(390, 844);
        assertEquals(390, chromium.innerWidth());
        for (String section : List.of("", "/bookings", "/event-types?dry_run=10", "/activity")) {
            b.get(host.base + "/app/calendly" + section);
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("calendly-ui")));
            inspect("section" + section.replaceAll("[^a-z]+", "-") + "-390");
        }
        b.get(host.base + "/app/calendly/event-types");
        b.findElement(By.cssSelector("tr[data-event-type-name='Intro call'] a")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("cb-mapping")));
        inspect("mapping-390");
        b.get(host.base + "/app/calendly/activity");
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.cb-replay"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("cb-result")));
        inspect("activity-replayed-390");

        assertTrue(findings.isEmpty(), "at 1280 and 390 px:\n" + String.join("\n", findings));
    }

    /** No sideways scroll and no serious or critical axe finding on the page as it is; a full-page screenshot. */
    private void inspect(String name) {
        if (chromium.scrollsSideways()) {
            findings.add(name + ": the page scrolls sideways (" + chromium.widths() + ")");
        }
        chromium.axe().forEach(v -> findings.add(name + ": " + v));
        chromium.fullPageScreenshot(name);
    }

    private static WebElement box(WebDriver b, String fieldset, String label) {
        return b.findElement(By.xpath("//fieldset[@id='" + fieldset + "']//label[normalize-space(.)='" + label + "']/input"));
    }

    private static void check(WebDriver b, String fieldset, String label) {
        WebElement box = box(b, fieldset, label);
        if (!box.isSelected()) {
            chromium.js("arguments[0].scrollIntoView({block:'center'})", box);
            box.click();
        }
    }

    /** Reloads {@code url} until its page contains {@code text} (bounded), and returns the page. */
    private static String poll(WebDriver b, String url, String text) {
        try {
            return eventually(text + " on " + url).atMost(PATIENCE).pollInSameThread().pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        b.get(url);
                        return b.getPageSource();
                    }, page -> page.contains(text));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            chromium.screenshot("timeout");
            throw e;
        }
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }

    private static void scrollTo(WebElement el) {
        ((org.openqa.selenium.JavascriptExecutor) chromium.driver()).executeScript("arguments[0].scrollIntoView({block:'center'})", el);
    }

}
