package io.calbridge.calendly.internal.privacy;

import io.calbridge.calendly.PersonErased;
import io.calbridge.calendly.internal.common.Background;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.crypto.PersonalData;
import io.calbridge.calendly.internal.settings.Access;
import io.calbridge.calendly.internal.webhook.DeliveryProcessor;
import io.calbridge.calendly.internal.webhook.StoredDelivery;
import io.calbridge.calendly.spi.PersonErasure;
import io.javalin.config.RoutesConfig;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Front door of the privacy feature (docs/privacy.md): the retention purge, run periodically by one
 * node at a time; the erasure of one person (Java API, settings route) and what later deliveries of an
 * erased person do.
 *
 * <pre>{@code
 * var privacy = Privacy.create(db, personal, settings, clock, access, hostErasure, calendlyDeletion);
 * webhooks get privacy.guard(bookings.processor());
 * privacy.registerRoutes(routes, prefix);   // before the settings API's /{id} routes
 * }</pre>
 */
public final class Privacy {
    private static final Logger log = LoggerFactory.getLogger(Privacy.class);

    private final Db db;
    private final PrivacySettings settings;
    private final Retention retention;
    private final Erasure erasure;
    private final AuditTrail audit;
    private final PrivacyRoutes routes;
    private final Clock clock;
    private final Background background = new Background("calbridge-retention");

    private Privacy(Db db, PersonalData personal, PrivacySettings settings, Clock clock, Access access, String routePrefix,
                    PersonErasure host, Erasure.CalendlyDeletion calendly) {
        this.db = db;
        this.settings = settings;
        this.clock = clock;
        this.retention = new Retention(db, settings, clock, nodeId());
        this.audit = new AuditTrail(db, access, clock, routePrefix + "/settings/calendly");
        this.erasure = new Erasure(db, personal, host, calendly, clock, audit, new ErasedPeople(db, personal));
        this.routes = new PrivacyRoutes(access, erasure, audit);
    }

    /**
     * @param host     the host's optional person erasure, or null
     * @param calendly asks Calendly to delete an invitee's data through an integration
     */
    public static Privacy create(Db db, PersonalData personal, PrivacySettings settings, Clock clock, Access access,
                                 String routePrefix, PersonErasure host, Erasure.CalendlyDeletion calendly) {
        return new Privacy(Objects.requireNonNull(db, "db"), Objects.requireNonNull(personal, "personal"),
                Objects.requireNonNull(settings, "settings"), Objects.requireNonNull(clock, "clock"),
                Objects.requireNonNull(access, "access"), Objects.requireNonNull(routePrefix, "routePrefix"), host,
                Objects.requireNonNull(calendly, "calendly"));
    }

    /** The processor that handles deliveries of erased people as their tenant chose, then {@code next}. */
    public DeliveryProcessor guard(DeliveryProcessor next) {
        return new ErasureFilter(next, erasure, db, clock);
    }

    /**
     * For bookings read from Calendly's API (imports, backfills, sweeps), which have no inbox row: false
     * for a person the tenant erased and chose to ignore, so a sweep does not bring them back.
     */
    public Predicate<StoredDelivery> admitsImport() {
        return delivery -> !ErasureFilter.ignores(erasure, delivery);
    }

    /** {@code GET|PUT {prefix}/settings/calendly/privacy}, {@code POST .../privacy/erasures}. */
    public void registerRoutes(RoutesConfig config, String prefix) {
        routes.register(config, prefix);
    }

    /** Erases one person of one tenant (through the Java API: the actor is "operator"); see {@link Erasure}. */
    public PersonErased erasePerson(String tenantId, String email) {
        return erasure.erase(tenantId, email, "operator");
    }

    /** The tenant's audit trail. */
    public AuditTrail audit() {
        return audit;
    }

    /** Schedules the purge every {@code purgeInterval} (first run after a random part of it, so nodes spread out). */
    public void start() {
        if (settings.purgeInterval().isZero()) {
            return;
        }
        long period = settings.purgeInterval().toMillis();
        background.start(1, scheduler -> scheduler.scheduleWithFixedDelay(this::purgeQuietly,
                ThreadLocalRandom.current().nextLong(period / 2, period + 1), period, TimeUnit.MILLISECONDS));
    }

    public void stop() {
        background.stop();
    }

    /** The retention purge; {@link Retention#runOnce} runs it now (tests, operators). */
    public Retention retention() {
        return retention;
    }

    private void purgeQuietly() {
        try {
            retention.runOnce();
        } catch (RuntimeException e) {
            log.warn("Retention purge failed; it runs again in {}: {}", settings.purgeInterval(), e.toString());
        }
    }

    private static String nodeId() {
        return ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }
}
