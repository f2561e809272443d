package io.calbridge.calendly.internal.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.CalendlySchema;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.TenantKeyring;
import io.calbridge.testing.TestClock;
import io.calbridge.testing.TestDatabase;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How long the receive path's integration lookup keeps what it read: long while this node hears
 * invalidations (a tenant of 10,000 gets a delivery minutes apart), short when it does not, and each
 * announced change evicts only its own integration or tenant.
 */
class IntegrationDirectoryTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(CalendlySchema::migrate);
    static final Duration UNHEARD = Duration.ofSeconds(10);

    final TestClock clock = TestClock.atNow();
    final AtomicBoolean heard = new AtomicBoolean(true);
    Db direct;
    TestIntegrations integrations;
    IntegrationDirectory directory;

    @BeforeEach
    void setUp() {
        direct = new Db(db.dataSource());
        TenantKeyring keyring = WebhookHarness.keyring(direct, clock);
        integrations = new TestIntegrations(direct, keyring);
        directory = new IntegrationDirectory(direct, keyring, clock, UNHEARD, heard::get);
    }

    @Test
    void whileInvalidationsAreHeard_aLiveIntegrationIsReadOnceAnHour_notEveryTenSeconds() {
        var a = integrations.create("tenant-" + UUID.randomUUID(), Secret.of("key-a"));
        directory.byToken(hash(a.token()));

        integrations.setStatus(a, IntegrationDirectory.DISCONNECTED); // unannounced: only the lifetime ends it
        clock.advance(Duration.ofMinutes(30));
        assertTrue(directory.byToken(hash(a.token())).integration().isPresent(), "kept for 30 minutes");
        clock.advance(Duration.ofMinutes(31));
        assertTrue(directory.byToken(hash(a.token())).integration().isEmpty(), "read again after an hour");
        assertEquals(new IntegrationDirectory.Lookups(1, 2), directory.lookups());
    }

    @Test
    void whenInvalidationsAreNotHeard_anEntryLastsTheShortLifetime() {
        heard.set(false);
        var a = integrations.create("tenant-" + UUID.randomUUID(), Secret.of("key-a"));
        directory.byToken(hash(a.token()));

        integrations.setStatus(a, IntegrationDirectory.DISCONNECTED);
        clock.advance(UNHEARD.minusSeconds(1));
        assertTrue(directory.byToken(hash(a.token())).integration().isPresent());
        clock.advance(Duration.ofSeconds(2));
        assertTrue(directory.byToken(hash(a.token())).integration().isEmpty(), "read again after the short lifetime");
    }

    @Test
    void anEntryReadWhileInvalidationsWereNotHeard_isNotKeptLongOnceTheyAre() {
        heard.set(false);
        var a = integrations.create("tenant-" + UUID.randomUUID(), Secret.of("key-a"));
        directory.byToken(hash(a.token()));
        heard.set(true);

        integrations.setStatus(a, IntegrationDirectory.DISCONNECTED);
        clock.advance(UNHEARD.plusSeconds(1));
        assertTrue(directory.byToken(hash(a.token())).integration().isEmpty());
    }

    @Test
    void anUnknownToken_isAskedForAgainAfterTheShortLifetime() {
        String token = WebhookPathTokens.newToken();
        assertTrue(directory.byToken(hash(token)).integration().isEmpty());
        clock.advance(UNHEARD.plusSeconds(1));
        directory.byToken(hash(token));
        assertEquals(new IntegrationDirectory.Lookups(0, 2), directory.lookups());
    }

    @Test
    void anAnnouncedChange_evictsOnlyItsIntegrationOrTenant() {
        String tenant = "tenant-" + UUID.randomUUID();
        var a = integrations.create(tenant, Secret.of("key-a"));
        var b = integrations.create(tenant, Secret.of("key-b"));
        var other = integrations.create("tenant-" + UUID.randomUUID(), Secret.of("key-c"));
        directory.byToken(hash(a.token()));
        directory.byToken(hash(b.token()));
        directory.byToken(hash(other.token()));

        integrations.setStatus(a, IntegrationDirectory.DISCONNECTED);
        directory.forgetIntegration(a.id());
        assertTrue(directory.byToken(hash(a.token())).integration().isEmpty(), "the disconnect is seen at once");
        assertTrue(directory.byToken(hash(b.token())).integration().isPresent());
        assertTrue(directory.byToken(hash(other.token())).integration().isPresent());
        assertEquals(new IntegrationDirectory.Lookups(2, 4), directory.lookups(), "the others were not read again");

        directory.forgetIntegration(a.id()); // a disconnected integration's entry is found by its id too
        directory.byToken(hash(a.token()));
        assertEquals(new IntegrationDirectory.Lookups(2, 5), directory.lookups());

        integrations.setStatus(b, IntegrationDirectory.DISCONNECTED);
        directory.forgetTenant(tenant);
        assertTrue(directory.byToken(hash(b.token())).integration().isEmpty());
        assertTrue(directory.byToken(hash(other.token())).integration().isPresent());
        assertEquals(new IntegrationDirectory.Lookups(3, 6), directory.lookups());
    }

    private static PathTokenHash hash(String token) {
        return PathTokenHash.of(token).orElseThrow();
    }
}
