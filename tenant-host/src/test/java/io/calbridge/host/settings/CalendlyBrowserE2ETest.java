package io.calbridge.host.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.host.HostSchema;
import io.calbridge.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
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
 * A person in headless Chromium: signs in to tenant-host as Acme's admin, connects Calendly through
 * the sandbox's consent page (clicking Approve), saves default settings, maps the "Intro call"
 * event type to another list and tag, books an Intro call on the sandbox's booking page, and watches the contact (with its list
 * and tag) and the follow-up task appear, creates a single-use scheduling link and marks a no-show
 * from the contact page, then replays the delivery from the webhook log. A
 * screenshot of every step goes to {@code target/e2e-screenshots/}.
 */
class CalendlyBrowserE2ETest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

    static final Duration PATIENCE = Duration.ofSeconds(20);
    static final Path SCREENSHOTS = Path.of("target", "e2e-screenshots");

    static CalendlyHost host;
    static HeadlessChromium chromium;

    @BeforeAll
    static void start() {
        HeadlessChromium.requireInstalled();
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
    void anAdminConnectsCalendly_mapsAnEventType_andABookingBecomesAContactWithListTagAndTask() {
        WebDriver b = chromium.driver();
        WebDriverWait wait = new WebDriverWait(b, PATIENCE);
        // A page that navigates while the wait reads it (after a form submit) answers with a transient
        // driver error; the next poll reads the new page.
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.WebDriverException.class);

        // Sign in; the login form brings the admin back to the Calendly page.
        b.get(host.base + "/app/calendly");
        wait.until(ExpectedConditions.urlContains("/login"));
        b.findElement(By.name("username")).sendKeys("admin@acme.test");
        b.findElement(By.name("password")).sendKeys("demo-password");
        chromium.screenshot("login");
        b.findElement(By.cssSelector("main form button[type=submit]")).click();
        wait.until(ExpectedConditions.urlToBe(host.base + "/app/calendly"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("no-integrations")));
        assertTrue(b.findElement(By.id("demo-disconnected")).isDisplayed(), "the demo box says how to connect");
        assertFalse(b.findElement(By.id("demo-connected")).isDisplayed());
        assertEquals(host.calendly.personalToken(), b.findElement(By.id("demo-personal-token")).getText(),
                "the demo's personal access token is on the page, as the log says");
        chromium.screenshot("calendly-not-connected");

        // Connect with the platform app: Calendly's consent page, Approve, back with a notice.
        b.findElement(By.cssSelector("#connect-platform button[type=submit]")).click();
        wait.until(ExpectedConditions.urlContains(host.calendly.baseUrl() + "/oauth/authorize"));
        assertTrue(b.getPageSource().contains("tenant-host demo"), "the consent page names the app");
        chromium.screenshot("calendly-consent");
        b.findElement(By.id("approve")).click();
        wait.until(ExpectedConditions.urlContains("/app/calendly?calendly=connected"));
        WebElement card = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("section.integration")));
        assertTrue(b.findElement(By.id("calendly-notice")).getText().contains("Calendly is connected"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("section.integration .subscription"), "active"));
        assertTrue(card.getText().contains("Ada Host"), card.getText());
        assertTrue(card.getText().contains("working"), card.getText());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("demo-connected")));
        assertFalse(b.findElement(By.id("demo-disconnected")).isDisplayed(), "no 'connect it' once connected");
        chromium.screenshot("calendly-connected");

        // Defaults for every event type: the "Newsletter" list and the "calendly" tag.
        WebElement defaults = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("form.settings-form")));
        defaults.findElement(By.cssSelector("[data-field=list_ids] input[data-label='Newsletter']")).click();
        defaults.findElement(By.cssSelector("[data-field=tag_ids] input[data-label='calendly']")).click();
        scrollTo(defaults.findElement(By.cssSelector("button.save-settings")));
        defaults.findElement(By.cssSelector("button.save-settings")).click();
        wait.until(d -> defaults.findElement(By.cssSelector(".form-status")).getText().contains("Settings saved"));
        chromium.screenshot("defaults-saved");

        // Map "Intro call": the "Discovery calls" list and the "discovery-call" tag instead.
        WebElement intro = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("form.mapping[data-event-type-name='Intro call']")));
        List<WebElement> overrides = intro.findElements(By.cssSelector("input.override"));
        overrides.get(0).click();
        intro.findElement(By.cssSelector("[data-field=list_ids] input[data-label='Discovery calls']")).click();
        overrides.get(1).click();
        intro.findElement(By.cssSelector("[data-field=tag_ids] input[data-label='discovery-call']")).click();
        scrollTo(intro);
        intro.findElement(By.cssSelector("button.save-mapping")).click();
        wait.until(d -> intro.findElement(By.cssSelector(".form-status")).getText().contains("Saved"));
        assertEquals("customized", intro.findElement(By.cssSelector(".mapping-state")).getText());
        chromium.screenshot("mapping-saved");

        // Book an Intro call on the sandbox's booking page, as an invitee would.
        String bookingPage = b.findElement(By.id("sandbox-booking-page")).getAttribute("href");
        b.get(bookingPage);
        WebElement form = b.findElements(By.cssSelector("form[action='/_sandbox/ui/book']")).stream()
                .filter(f -> f.getText().startsWith("Intro call")).findFirst().orElseThrow();
        form.findElement(By.name("name")).sendKeys("Erin Example");
        form.findElement(By.name("email")).sendKeys("erin@example.com");
        chromium.screenshot("sandbox-booking-form");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "erin@example.com"));
        chromium.screenshot("sandbox-booked");

        // The contact appears, on the mapped list, with the mapped tag.
        String contacts = poll(b, host.base + "/app/contacts", "Erin Example");
        WebElement row = b.findElement(By.xpath("//tr[.//a[text()='Erin Example']]"));
        assertTrue(row.getText().contains("Discovery calls"), row.getText());
        assertTrue(row.getText().contains("discovery-call"), row.getText());
        assertTrue(row.getText().contains("Lead"), "new contacts get the tenant's first status: " + row.getText());
        assertFalse(row.getText().contains("Newsletter"), "the mapping's lists replace the defaults: " + row.getText());
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
        long noShowDeadline = System.nanoTime() + PATIENCE.toNanos();
        while (!b.findElements(By.cssSelector("#calendly-meetings tr[data-meeting-id]")).stream()
                .anyMatch(r -> r.getText().contains("no-show") && !r.getText().contains("Mark no-show"))) {
            assertTrue(System.nanoTime() < noShowDeadline, "the no-show did not come back through the webhook");
            sleep(250);
            b.get(contactPage);
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#calendly-meetings tr[data-meeting-id]")));
        }
        assertFalse(b.findElements(By.cssSelector("#calendly-meetings button[data-action=unmark]")).isEmpty(),
                "now it can be taken back");
        chromium.screenshot("no-show-marked");

        // The follow-up task appears on the tasks page.
        poll(b, host.base + "/app/tasks", "Intro call with Erin Example");
        WebElement task = b.findElement(By.xpath("//tr[contains(., 'Intro call with Erin Example')]"));
        assertTrue(task.getText().contains("open"), task.getText());
        chromium.screenshot("task-appeared");

        // The dry run shows what the mapping does with this booking.
        b.get(host.base + "/app/calendly");
        WebElement run = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.run-dry-run")));
        scrollTo(run);
        run.click();
        WebElement preview = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("table.dry-run-table")));
        assertTrue(preview.getText().contains("erin@example.com"), preview.getText());
        assertTrue(preview.getText().contains("Discovery calls"), preview.getText());
        chromium.screenshot("dry-run");

        // The webhook log lists the delivery as processed; replaying it queues it again.
        b.findElement(By.cssSelector("a.webhook-log-link")).click();
        WebElement done = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-status=DONE] button.replay")));
        assertFalse(b.findElement(By.tagName("main")).getText().contains("erin@example.com"), "payloads are redacted");
        chromium.screenshot("webhook-log");
        done.click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("table.webhook-table"), "Queued again"));
        chromium.screenshot("webhook-replayed");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-status=DONE] button.replay")));
        assertEquals(1, count(poll(b, host.base + "/app/contacts", "Erin Example"), "erin@example.com"),
                "replaying does not create a second contact");
    }

    /** Reloads {@code url} until its page contains {@code text} (bounded), and returns the page. */
    private static String poll(WebDriver b, String url, String text) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            b.get(url);
            String page = b.getPageSource();
            if (page.contains(text)) {
                return page;
            }
            if (System.nanoTime() > deadline) {
                chromium.screenshot("timeout");
                throw new AssertionError(text + " did not appear on " + url + " within " + PATIENCE);
            }
            sleep(250);
        }
    }

    private static void scrollTo(WebElement el) {
        ((org.openqa.selenium.JavascriptExecutor) chromium.driver()).executeScript("arguments[0].scrollIntoView({block:'center'})", el);
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
