package io.calbridge.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.calbridge.testing.PluginApiBoundary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * tenant-host is a host like any other: it compiles against the plugin's API only (see
 * {@link PluginApiBoundary} for why this is checked here and not by the module system).
 */
class UsesOnlyThePluginApiTest {
    /**
     * Tests that still drive the plugin's booking engine or read its tables directly. They move into
     * the plugin (or onto its HTTP API) together with the booking redesign of issue 14, which
     * rewrites the engine they call; this list may only shrink.
     */
    static final Set<String> NOT_YET_MOVED = Set.of(
            "io/calbridge/host/crm/BookingBenchmarkTest");

    @Test
    void mainCode_usesOnlyThePluginApi() throws IOException {
        assertEquals(List.of(), PluginApiBoundary.violations(Path.of("target/classes"), Path.of("src/main/java")));
    }

    @Test
    void tests_useOnlyThePluginApi_butForTheListedOnes() throws IOException {
        var offending = PluginApiBoundary.offendingClasses(Path.of("target/test-classes"), Path.of("src/test/java"));

        var unlisted = new TreeSet<>(offending);
        unlisted.removeAll(NOT_YET_MOVED);
        var stale = new TreeSet<>(NOT_YET_MOVED);
        stale.removeAll(offending);
        assertEquals(Set.of(), unlisted, "tests that reach into the plugin's internals: use its API, or move them into the plugin");
        assertEquals(Set.of(), stale, "listed tests that no longer reach into the plugin: remove them from NOT_YET_MOVED");
    }
}
