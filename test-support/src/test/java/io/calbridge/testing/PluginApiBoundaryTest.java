package io.calbridge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginApiBoundaryTest {
    /** Compiled into this class's constant pool exactly as a reference to an internal class would be. */
    static final String INTERNAL_NAME = "io/calbridge/calendly/internal/common/Json";

    @Test
    void aClassThatNamesAnInternalType_isFound(@TempDir Path dir) throws IOException {
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        Files.copy(compiled(PluginApiBoundaryTest.class), classes.resolve("Offender.class"));
        Files.copy(compiled(PluginApiBoundary.class), classes.resolve("Clean.class"));

        List<String> found = PluginApiBoundary.violations(classes);

        assertEquals(List.of("Offender.class -> io.calbridge.calendly.internal.common.Json"), found);
    }

    @Test
    void aSourceThatImportsTheGeneratedTables_isFound(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("Host.java"), "import static io.calbridge.db.calendly.Tables.CALENDLY_BOOKING;\n");
        Files.writeString(dir.resolve("Fine.java"), "import io.calbridge.calendly.spi.HostTransactions;\n"
                + "class Fine { String logger = \"io.calbridge.calendly.internal.webhook.InboxWorker\"; }\n");

        List<String> found = PluginApiBoundary.violations(dir, dir.resolve("missing"));

        assertEquals(List.of("Host.java -> io.calbridge.db.calendly.Tables.CALENDLY_BOOKING"), found);
    }

    @Test
    void everyClassOfThisModule_parses() throws IOException {
        Path classes = compiled(PluginApiBoundary.class).getParent();

        assertTrue(PluginApiBoundary.violations(classes).isEmpty());
    }

    private static Path compiled(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .resolve(type.getName().replace('.', '/') + ".class");
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
