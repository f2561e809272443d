package io.calbridge.examples.minimal;

import static io.calbridge.testing.Waiting.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.MasterKeys;
import io.calbridge.sandbox.CalendlySandbox;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import io.calbridge.sandbox.SandboxOptions;
import io.calbridge.sandbox.SandboxUser;
import io.calbridge.testing.Ports;
import io.calbridge.testing.TestDatabase;
import io.calbridge.testing.browser.HeadlessChromium;
import io.javalin.Javalin;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * embed-minimal's whole Calendly page is the plugin's settings UI, mounted by one line
 * ({@code c.settingsUi = SettingsUi.at("/calendly")}). In headless Chromium an admin signs in,
 * opens it, connects Calendly with a personal access token, books a meeting on the sandbox's
 * booking page and finds the contact on the app's home page. The UI keeps its own colours here (the
 * app sets no theme): tenant-host's browser test shows a host theme changing them. Skipped, saying
 * what to install, where Chromium is missing.
 */
class EmbedMinimalBrowserTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.empty();

    static final Duration PATIENCE = Duration.ofSeconds(20);
    /** The UI's own accent, --cb-accent: #0a56c2. */
    static final String DEFAULT_ACCENT = "rgb(10, 86, 194)";

    static CalendlySandbox sandbox;
    static SandboxUser ada;
    static Javalin app;
    static String base;
    static DemoSeed.Seeded acme;
    static HeadlessChromium chromium;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.assumeInstalled();
        MinimalApp.migrate(db.dataSource());
        try (Connection c = db.dataSource().getConnection()) {
            acme = DemoSeed.createWorkspace(c, "Acme", "Europe/Berlin", "ada@acme.test", "Ada Admin");
        }
        sandbox = CalendlySandbox.start(SandboxOptions.defaults());
        ada = sandbox.createUser(sandbox.createOrganization("Acme", Plan.STANDARD), "Ada Host", "ada@acme.test",
                Role.OWNER, "UTC");
        sandbox.createEventType(ada, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
        int port = Ports.free();
        base = "http://127.0.0.1:" + port;
        app = MinimalApp.create(db.dataSource(), Map.of("PUBLIC_BASE_URL", base,
                MasterKeys.ENV_KEYSET, MasterKeys.newKeysetJson(),
                "CALENDLY_API_BASE_URL", sandbox.baseUrl(),
                "CALENDLY_AUTH_BASE_URL", sandbox.baseUrl())).start(port);
        chromium = HeadlessChromium.start(Path.of("target", "e2e-screenshots"));
    }

    @AfterAll
    static void stop() {
        try {
            if (chromium != null) {
                chromium.close();
            }
        } finally {
            if (app != null) {
                app.stop();
            }
            if (sandbox != null) {
                sandbox.close();
            }
        }
    }

    @Test
    void anAdminConnectsThroughTheMountedUi_andABookingOnTheSandboxBecomesAContact() {
        WebDriver b = chromium.driver();
        WebDriverWait wait = new WebDriverWait(b, PATIENCE);
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.WebDriverException.class);
        chromium.viewport(1280, 900);

        b.get(base + "/");
        b.findElement(By.name("token")).sendKeys(acme.adminToken());
        b.findElement(By.cssSelector("form[action='/login'] button")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("calendly-settings"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("cb-empty")));
        assertFalse(b.getPageSource().contains("id=\"cb-mode-platform\""), "no platform app configured: not offered");
        assertEquals("All times in Europe/Berlin (Central European Time).", b.findElement(By.id("cb-zone")).getText());
        chromium.screenshot("embed-minimal-calendly-empty");

        // The personal-token form is open (the only way without an OAuth app of the app's own).
        b.findElement(By.id("cb-personal-token")).sendKeys(sandbox.createPersonalAccessToken(ada));
        b.findElement(By.id("cb-connect-personal-token")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("cb-result"), "Calendly is connected."));
        WebElement account = b.findElement(By.id("cb-account"));
        assertTrue(account.getText().contains("Ada Host"), account.getText());
        assertTrue(account.getText().contains("With a personal access token"), account.getText());
        assertEquals(DEFAULT_ACCENT, chromium.js("return getComputedStyle(arguments[0]).backgroundColor",
                b.findElement(By.id("cb-check-now"))), "without a host theme the UI keeps its own accent");
        assertFalse(chromium.scrollsSideways(), chromium.widths());
        assertEquals(List.of(), chromium.axe());
        chromium.screenshot("embed-minimal-calendly-connected");

        // Book on the sandbox's booking page, as an invitee would.
        b.get(sandbox.baseUrl() + "/_sandbox");
        WebElement form = b.findElements(By.cssSelector("form[action='/_sandbox/ui/book']")).stream()
                .filter(f -> f.getText().startsWith("Intro call")).findFirst().orElseThrow();
        form.findElement(By.name("name")).sendKeys("Jane Doe");
        form.findElement(By.name("email")).sendKeys("jane@example.com");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "jane@example.com"));

        // The contact and its task appear in the app's own tables, on its home page.
        eventually("the booking in the app").atMost(PATIENCE).pollInSameThread().pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    b.get(base + "/");
                    return b.getPageSource().contains("Intro call with Jane Doe");
                });
        assertTrue(b.getPageSource().contains("jane@example.com"));
        chromium.screenshot("embed-minimal-home-with-contact");

        // The activity section shows the delivery, processed.
        b.get(base + "/calendly/activity");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-status=DONE]")));
        chromium.screenshot("embed-minimal-activity");
    }

}
