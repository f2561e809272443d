package io.calbridge.calendly.internal.crypto;

import static io.calbridge.testing.Waiting.eventually;
import static io.calbridge.calendly.internal.crypto.Fixtures.newMasterKey;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.calbridge.calendly.CalendlyOperations;
import io.calbridge.calendly.CalendlyPlugin;
import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.MasterKey;
import io.calbridge.calendly.RotationProgress;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.testing.TestDatabase;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A node that starts with the new master key finishes a rotation a crash left behind, by itself. */
class RotationResumedOnStartTest {
    @RegisterExtension
    static final TestDatabase database = TestDatabase.migratedBy(CalendlySchema::migrate);

    @Test
    void pluginStartedWithTheNewKey_finishesTheInterruptedRotation() throws Exception {
        MasterKey oldKey = newMasterKey();
        MasterKey newKey = newMasterKey();
        TenantKeyring crashed = TenantKeyring.create(new Db(database.dataSource()), oldKey, List.of(), Clock.systemUTC(), null,
                new TenantKeyring.Options(100, Duration.ofMinutes(5), 10, 2));
        for (int i = 0; i < 10; i++) {
            crashed.seal("resume-" + i, Purpose.ACCESS_TOKEN, UUID.randomUUID(), Secret.of("t"));
        }
        UUID rotation = crashed.rotation().rotateMasterKey(newKey, 1).id();

        Javalin app = Javalin.create(config -> config.registerPlugin(new CalendlyPlugin(c -> {
            c.publicBaseUrl = "https://app.example.com";
            c.dataSource = database.dataSource();
            c.security = io.calbridge.calendly.TestSecurity.NOBODY;
            c.host = io.calbridge.calendly.TestHost.services();
            c.masterKey = newKey;
            c.previousMasterKeys = List.of(oldKey);
        })));
        try {
            app.start(0);
            CalendlyOperations ops = app.unsafe.appDataManager.get(CalendlyPlugin.OPERATIONS);
            // The resumer runs in the background.
            RotationProgress progress = eventually("the resumed rotation").until(() -> ops.masterKeyRotation().orElseThrow(),
                    RotationProgress::done);

            assertEquals(RotationProgress.Status.DONE, progress.status());
            assertEquals(rotation, progress.id());
            assertEquals(10, progress.rewrapped());
        } finally {
            app.stop();
        }
    }
}
