package io.calbridge.examples.minimal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.calbridge.testing.PluginApiBoundary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example compiles against the plugin's API only, main code and tests alike (see {@link PluginApiBoundary}). */
class UsesOnlyThePluginApiTest {
    @Test
    void everyClassAndSource_usesOnlyThePluginApi() throws IOException {
        assertEquals(List.of(), PluginApiBoundary.violations(Path.of("target/classes"), Path.of("target/test-classes"),
                Path.of("src/main/java"), Path.of("src/test/java")));
    }
}
