package io.calbridge.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.calbridge.testing.PluginApiBoundary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * tenant-host is a host like any other: it compiles against the plugin's API only, its tests too (see
 * {@link PluginApiBoundary} for why this is checked here and not by the module system). Tests that need
 * the plugin's internals live in the plugin; the booking benchmark, which also needs tenant-host's
 * tables, lives in the benchmarks module.
 */
class UsesOnlyThePluginApiTest {
    @Test
    void mainCode_usesOnlyThePluginApi() throws IOException {
        assertEquals(List.of(), PluginApiBoundary.violations(Path.of("target/classes"), Path.of("src/main/java")));
    }

    @Test
    void tests_useOnlyThePluginApi() throws IOException {
        assertEquals(List.of(), PluginApiBoundary.violations(Path.of("target/test-classes"), Path.of("src/test/java")),
                "tests that reach into the plugin's internals: use its API, or move them into the plugin");
    }
}
