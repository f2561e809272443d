package io.calbridge.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.calbridge.calendly.MasterKeys;
import io.calbridge.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the container image and an operator's shell run besides the server: the health probe and new-master-key. */
class OperatorCommandsTest {

    @Test
    void healthProbe_exits0OnlyWhenTheEndpointAnswers200() throws Exception {
        try (StartupServer starting = StartupServer.start(0, "applying database migrations")) {
            assertEquals(1, HealthProbe.check(starting.port(), "/health/ready"), "503 while starting");
            assertEquals(0, HealthProbe.check(starting.port(), "/health/live"));
        }
        assertEquals(1, HealthProbe.check(Ports.free(), "/health/ready"), "nothing listening");
    }

    @Test
    void newMasterKey_writesAKeysetOnlyItsOwnerReads_andNeverOverwritesOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("master-key.json");

        assertEquals(0, Main.command(new String[] {"new-master-key", file.toString()}));

        assertNotNull(MasterKeys.fromKeysetFile(file).id());
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(file));
        String first = Files.readString(file);
        assertEquals(Main.EXIT_START_FAILED, Main.command(new String[] {"new-master-key", file.toString()}));
        assertEquals(first, Files.readString(file), "the only copy of a master key is never replaced");
        assertEquals(Main.EXIT_CONFIGURATION, Main.command(new String[] {"rotate-everything"}));
    }

}
