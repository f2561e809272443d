package io.calbridge.host.settings;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through Debian's chromedriver, with a fresh profile, and never
 * anything downloaded (Selenium Manager stays offline and is not needed: both paths are given).
 */
final class HeadlessChromium implements AutoCloseable {
    static final File CHROMIUM = new File(System.getProperty("calbridge.chromium", "/usr/bin/chromium"));
    static final File CHROMEDRIVER = new File(System.getProperty("calbridge.chromedriver", "/usr/bin/chromedriver"));
    /** Without the DevTools bindings Selenium warns at every start that it has none for this Chromium; we use none. */
    private static final java.util.logging.Logger CDP_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

    static {
        CDP_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    final ChromeDriver driver;
    private final Path profile;
    private final Path screenshots;
    private int shot;

    private HeadlessChromium(ChromeDriver driver, Path profile, Path screenshots) {
        this.driver = driver;
        this.profile = profile;
        this.screenshots = screenshots;
    }

    /** Fails with what to install when Chromium or its driver is missing. */
    static void requireInstalled() {
        if (!CHROMIUM.canExecute() || !CHROMEDRIVER.canExecute()) {
            throw new AssertionError("The browser end-to-end test needs headless Chromium and its driver at "
                    + CHROMIUM + " and " + CHROMEDRIVER + ". Install them: sudo apt-get install -y chromium chromium-driver"
                    + " (CI does this when .ci/needs-chromium exists).");
        }
    }

    static HeadlessChromium start(Path screenshots) {
        requireInstalled();
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
                    "--window-size=1400,1000", "--user-data-dir=" + profile);
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
            return new HeadlessChromium(driver, profile, screenshots);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    WebDriver driver() {
        return driver;
    }

    /** Saves a numbered screenshot of the page as it is now, e.g. {@code 03-consent.png}. */
    Path screenshot(String name) {
        try {
            Path file = screenshots.resolve(String.format("%02d-%s.png", ++shot, name));
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
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
