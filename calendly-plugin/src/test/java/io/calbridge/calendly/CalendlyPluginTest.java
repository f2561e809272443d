package io.calbridge.calendly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.spi.HostSecurity;
import io.calbridge.testing.TestDatabase;
import io.javalin.Javalin;
import java.util.Optional;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CalendlyPluginTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.empty();

    static final HostSecurity NOBODY = ctx -> Optional.empty();

    @Test
    void refusesToStartWithoutPublicBaseUrlAndSaysWhatToSet() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CalendlyPlugin(c -> c.dataSource = db.dataSource()));
        assertTrue(e.getMessage().startsWith("publicBaseUrl is required"), e.getMessage());
    }

    @Test
    void refusesToStartWithoutSecurityAndSaysWhatToSet() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CalendlyPlugin(c -> {
            c.publicBaseUrl = "https://app.example.com";
            c.dataSource = db.dataSource();
            c.masterKey = MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson());
        }));
        assertTrue(e.getMessage().startsWith("security is required: a HostSecurity"), e.getMessage());
    }

    @Test
    void refusesARoutePrefixWithATrailingSlash() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CalendlyPlugin(c -> {
            c.publicBaseUrl = "https://app.example.com";
            c.dataSource = db.dataSource();
            c.security = NOBODY;
            c.host = io.calbridge.calendly.TestHost.services();
            c.routePrefix = "/x/";
        }));
        assertTrue(e.getMessage().contains("routePrefix"), e.getMessage());
    }

    @Test
    void refusesARetryMaxDelayShorterThanTheBaseDelay_namingBothValues() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CalendlyPlugin(c -> {
            c.publicBaseUrl = "https://app.example.com";
            c.dataSource = db.dataSource();
            c.masterKey = MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson());
            c.security = NOBODY;
            c.host = io.calbridge.calendly.TestHost.services();
            c.webhookRetryBaseDelay = java.time.Duration.ofSeconds(10);
            c.webhookRetryMaxDelay = java.time.Duration.ofSeconds(5);
        }));
        assertEquals("webhookRetryMaxDelay cannot be shorter than webhookRetryBaseDelay (PT10S): PT5S", e.getMessage());
    }

    @Test
    void migratesItsOwnTablesWhenRegistered() {
        Javalin app = Javalin.create(config -> config.registerPlugin(new CalendlyPlugin(c -> {
            c.publicBaseUrl = "https://app.example.com";
            c.dataSource = db.dataSource();
            c.masterKey = MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson());
            c.security = NOBODY;
            c.host = io.calbridge.calendly.TestHost.services();
        })));
        try {
            app.start(0);
            int tables = DSL.using(db.dataSource(), org.jooq.SQLDialect.POSTGRES)
                    .fetchCount(DSL.table(DSL.name("information_schema", "tables")),
                            DSL.field(DSL.name("table_schema")).eq(db.schema())
                                    .and(DSL.field(DSL.name("table_name"), String.class).like("calendly\\_%")));
            assertEquals(18, tables, "the plugin's seventeen tables and its schema-history table");
        } finally {
            app.stop();
        }
    }
}
