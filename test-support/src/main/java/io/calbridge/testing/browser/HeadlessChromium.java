package io.calbridge.testing.browser;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through Debian's chromedriver, with a fresh profile, and never
 * anything downloaded (Selenium Manager stays offline and is not needed: both paths are given).
 * Tests that use it need {@code org.seleniumhq.selenium:selenium-java} as a test dependency of their
 * own (test-support has it as an optional one).
 *
 * <p>Besides driving the browser it measures what a person at a given width would meet: whether the
 * page scrolls sideways ({@link #scrollsSideways()}), and the serious or critical accessibility
 * problems axe-core finds ({@link #axe()}; axe-core 4.14.1, MPL-2.0, vendored next to this class).
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final File CHROMIUM = new File(System.getProperty("calbridge.chromium", "/usr/bin/chromium"));
    public static final File CHROMEDRIVER = new File(System.getProperty("calbridge.chromedriver", "/usr/bin/chromedriver"));
    /** Without the DevTools bindings Selenium warns at every start that it has none for this Chromium; we use none. */
    private static final java.util.logging.Logger CDP_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

    static {
        CDP_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    private final ChromeDriver driver;
    private final Path profile;
    private final Path screenshots;
    private int shot;

    private HeadlessChromium(ChromeDriver driver, Path profile, Path screenshots) {
        this.driver = driver;
        this.profile = profile;
        this.screenshots = screenshots;
    }

    /** Whether Chromium and its driver are installed here. */
    public static boolean installed() {
        return CHROMIUM.canExecute() && CHROMEDRIVER.canExecute();
    }

    /**
     * Skips the calling test (JUnit assumption) with what to install when Chromium or its driver is
     * missing, so that the suite stays green on machines without a browser.
     */
    public static void assumeInstalled() {
        Assumptions.assumeTrue(installed(), "Skipped: the browser test needs headless Chromium and its driver at "
                + CHROMIUM + " and " + CHROMEDRIVER + ". Install them: apt-get install -y chromium chromium-driver"
                + " (CI does this when .ci/needs-chromium exists).");
    }

    /** A browser whose screenshots go to {@code screenshots} (created); call {@link #assumeInstalled()} first. */
    public static HeadlessChromium start(Path screenshots) {
        System.setProperty("selenium.manager.offline", "true");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.getPath());
        try {
            Path profile = Files.createTempDirectory("calbridge-chromium-");
            Files.createDirectories(screenshots);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER)
                    .usingAnyFreePort()
                    .build();
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM);
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--hide-scrollbars", "--lang=en-US", "--window-size=1280,900", "--user-data-dir=" + profile);
            options.setExperimentalOption("prefs", Map.of("intl.accept_languages", "en-US,en"));
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            return new HeadlessChromium(driver, profile, screenshots);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Makes the page's viewport {@code width} CSS pixels wide (the window is wider by its frame, if any). */
    public void viewport(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        long inner = ((Number) js("return window.innerWidth")).longValue();
        if (inner != width) {
            Dimension outer = driver.manage().window().getSize();
            driver.manage().window().setSize(new Dimension(outer.getWidth() + (int) (width - inner), height));
        }
    }

    public long innerWidth() {
        return ((Number) js("return window.innerWidth")).longValue();
    }

    /** Whether the page is wider than the viewport ({@code document.documentElement.scrollWidth > innerWidth}). */
    public boolean scrollsSideways() {
        return (Boolean) js("return document.documentElement.scrollWidth > window.innerWidth");
    }

    /** {@code scrollWidth} and {@code innerWidth}, for a failure message. */
    public String widths() {
        return js("return 'scrollWidth ' + document.documentElement.scrollWidth + ', innerWidth ' + window.innerWidth") + "";
    }

    /**
     * Runs axe-core on the page as it is now and returns its serious and critical violations, one line
     * each: rule, impact, what it means and the first elements it found (empty when there are none).
     */
    public List<String> axe() {
        js(axeSource());
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        Object found = driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at '
                        + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))
                  .catch(e => done(['axe failed: ' + e]));""");
        List<String> out = new ArrayList<>();
        if (found instanceof List<?> list) {
            list.forEach(v -> out.add(String.valueOf(v)));
        }
        return out;
    }

    /** Saves a numbered screenshot of the page as it is now, e.g. {@code 03-consent.png}. */
    public Path screenshot(String name) {
        try {
            Path file = screenshots.resolve(String.format("%02d-%s.png", ++shot, name));
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A screenshot of the whole page at the current width (the window grown to the page's height for it). */
    public Path fullPageScreenshot(String name) {
        Dimension before = driver.manage().window().getSize();
        long height = ((Number) js("return Math.min(document.documentElement.scrollHeight, 8000)")).longValue();
        driver.manage().window().setSize(new Dimension(before.getWidth(), (int) Math.max(height, before.getHeight())));
        try {
            return screenshot(name);
        } finally {
            driver.manage().window().setSize(before);
        }
    }

    public Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private static String axeSource() {
        try (InputStream in = HeadlessChromium.class.getResourceAsStream("axe.min.js")) {
            if (in == null) {
                throw new IllegalStateException("axe.min.js is missing from test-support");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover temporary profile is harmless
            }
        }
    }
}
