package io.calbridge.calendly.internal.crypto;

import static io.calbridge.calendly.internal.crypto.Fixtures.insertIntegration;
import static io.calbridge.calendly.internal.crypto.Fixtures.insertOauthState;
import static io.calbridge.calendly.internal.crypto.Fixtures.newMasterKey;
import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.testing.TestDatabase;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** What a leaked dump, log or metrics scrape would reveal: no secret. */
class SecretsAtRestTest {
    @RegisterExtension
    static final TestDatabase database = TestDatabase.migratedBy(CalendlySchema::migrate);

    /** Known secrets of two tenants, distinctive enough that any copy of them is found. */
    private static final List<String> PLAINTEXTS = List.of(
            "clientsecret-TENANT-ONE-5f1c0e", "accesstoken-TENANT-ONE-9a7b21", "refreshtoken-TENANT-ONE-c3d4e5",
            "signingkey-TENANT-ONE-77aa00", "pkceverifier-TENANT-ONE-0b0b0b",
            "clientsecret-TENANT-TWO-a1a2a3", "accesstoken-TENANT-TWO-b4b5b6", "refreshtoken-TENANT-TWO-c7c8c9",
            "signingkey-TENANT-TWO-d0d1d2", "pkceverifier-TENANT-TWO-e3e4e5");
    private static final String CONTROL = "not-a-secret-CONTROL-8e8e8e";

    static final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    static Db db;
    static TenantKeyring keyring;

    @BeforeAll
    static void setUp() {
        db = new Db(database.dataSource());
        keyring = TenantKeyring.create(db, newMasterKey(), List.of(), Clock.systemUTC(), metrics);
    }

    @Test
    void databaseDump_containsNoPlaintextSecret_norItsBase64OrHex() {
        List<byte[]> ciphertexts = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            String tenant = t == 0 ? "tenant-one" : "tenant-two";
            List<String> mine = PLAINTEXTS.subList(t * 5, t * 5 + 5);
            UUID row = insertIntegration(db, tenant);
            byte[] clientSecret = keyring.seal(tenant, Purpose.CLIENT_SECRET, row, Secret.of(mine.get(0)));
            byte[] access = keyring.seal(tenant, Purpose.ACCESS_TOKEN, row, Secret.of(mine.get(1)));
            byte[] refresh = keyring.seal(tenant, Purpose.REFRESH_TOKEN, row, Secret.of(mine.get(2)));
            byte[] signing = keyring.seal(tenant, Purpose.SIGNING_KEY, row, Secret.of(mine.get(3)));
            db.dsl().update(CALENDLY_INTEGRATION)
                    .set(CALENDLY_INTEGRATION.CLIENT_SECRET_ENC, clientSecret)
                    .set(CALENDLY_INTEGRATION.ACCESS_TOKEN_ENC, access)
                    .set(CALENDLY_INTEGRATION.REFRESH_TOKEN_ENC, refresh)
                    .set(CALENDLY_INTEGRATION.SIGNING_KEY_ENC, signing)
                    .set(CALENDLY_INTEGRATION.CALENDLY_USER_NAME, CONTROL)
                    .where(CALENDLY_INTEGRATION.ID.eq(row)).execute();
            insertOauthState(db, keyring, tenant, row, mine.get(4));
            ciphertexts.addAll(List.of(clientSecret, access, refresh, signing));
        }
        keyring.rotation().rotateTenantKey("tenant-two"); // old and new generations both in play

        String dump = dumpEveryTable();

        assertTrue(dump.contains(CONTROL), "the dump does show what is stored in clear");
        assertTrue(dump.contains(HexFormat.of().formatHex(ciphertexts.get(0))), "the dump shows bytea columns (as hex)");
        assertTrue(dump.contains("calendly_tenant_key") && dump.contains("calendly_schema_history"), "every table was dumped");
        for (String secret : PLAINTEXTS) {
            for (String form : forms(secret)) {
                assertFalse(dump.contains(form), "a secret is readable in the dump (as " + form + ")");
            }
        }
    }

    @Test
    void logsAndMetrics_neverShowASecret() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        try {
            String tenant = "tenant-logged";
            UUID row = insertIntegration(db, tenant);
            byte[] sealed = keyring.seal(tenant, Purpose.ACCESS_TOKEN, row, Secret.of(PLAINTEXTS.get(1)));
            db.dsl().update(CALENDLY_INTEGRATION).set(CALENDLY_INTEGRATION.ACCESS_TOKEN_ENC, sealed)
                    .where(CALENDLY_INTEGRATION.ID.eq(row)).execute();
            keyring.accessTokens().put(tenant, row, keyring.open(tenant, Purpose.ACCESS_TOKEN, row, sealed), Instant.now().plus(Duration.ofHours(1)));
            keyring.accessTokens().get(row);
            var wrongRow = assertThrows(SecretUnavailableException.class,
                    () -> keyring.open(tenant, Purpose.ACCESS_TOKEN, UUID.randomUUID(), sealed));
            keyring.rotation().rotateTenantKey(tenant);
            keyring.rotation().rotateMasterKey(newMasterKey());
            keyring.forgetTenant(tenant);
            var shredded = assertThrows(SecretUnavailableException.class, () -> keyring.open(tenant, Purpose.ACCESS_TOKEN, row, sealed));

            String logs = captured.list.stream()
                    .map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())))
                    .collect(Collectors.joining("\n"))
                    + wrongRow.getMessage() + shredded.getMessage();
            String scrape = metrics.getMeters().stream().map(Meter::getId).map(Object::toString).collect(Collectors.joining("\n"));
            assertTrue(logs.contains("tenant-logged"), "the capture works");
            assertTrue(scrape.contains("calbridge.crypto.data_keys") && scrape.contains("calbridge.crypto.access_tokens"), scrape);
            assertEquals(1.0, metrics.get("cache.gets").tag("cache", "calbridge.crypto.access_tokens").tag("result", "hit")
                    .functionCounter().count());
            for (String form : forms(PLAINTEXTS.get(1))) {
                assertFalse(logs.contains(form), "a secret is in the logs");
                assertFalse(scrape.contains(form), "a secret is in the metrics");
            }
        } finally {
            root.detachAppender(captured);
        }
    }

    private static List<String> forms(String secret) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        return List.of(secret,
                Base64.getEncoder().encodeToString(bytes),
                Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
                HexFormat.of().formatHex(bytes));
    }

    /** Every table of the test schema, each row as JSON text (bytea shows as \x hex), like a plain-text dump. */
    private static String dumpEveryTable() {
        DSLContext plain = DSL.using(database.dataSource(), SQLDialect.POSTGRES); // renders schema names, unlike Db
        List<String> tables = plain
                .select(DSL.field(DSL.name("table_name"), String.class))
                .from(DSL.table(DSL.name("information_schema", "tables")))
                .where(DSL.field(DSL.name("table_schema"), String.class).eq(database.schema()))
                .fetch(0, String.class);
        assertTrue(tables.contains("calendly_integration") && tables.size() >= 10, "every plugin table: " + tables);
        StringBuilder dump = new StringBuilder();
        for (String table : tables) {
            dump.append("-- ").append(table).append('\n');
            plain.select(DSL.field("row_to_json({0})::text", String.class, DSL.name("t")))
                    .from(DSL.table(DSL.name(database.schema(), table)).as("t"))
                    .fetch(0, String.class)
                    .forEach(json -> dump.append(json).append('\n'));
        }
        return dump.toString();
    }
}
