/**
 * The Calendly integration for Javalin 7 hosts.
 *
 * <p>The API is {@code io.calbridge.calendly} and {@code io.calbridge.calendly.spi}; nothing else is
 * exported, so a host on the module path that imports anything under
 * {@code io.calbridge.calendly.internal} or the plugin's generated jOOQ classes does not compile.
 * The {@code opens} below are qualified: they let Jackson bind the plugin's own JSON records and
 * jOOQ create its own record objects, and give the host nothing.
 */
module io.calbridge.calendly {
    exports io.calbridge.calendly;
    exports io.calbridge.calendly.spi;

    // Types of these appear in the API (Plugin, Context, DataSource, Connection, MeterRegistry, KmsClient).
    requires transitive io.javalin;
    requires transitive java.sql;
    requires transitive micrometer.core;
    requires transitive com.google.crypto.tink;

    requires java.net.http;
    requires java.management;
    requires org.jooq;
    requires flyway.core;
    requires org.postgresql.jdbc; // LISTEN/NOTIFY for cache invalidation across nodes
    requires com.fasterxml.jackson.annotation;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires com.github.benmanes.caffeine;
    requires io.calbridge.limits;
    requires org.slf4j;
    requires gg.jte.runtime; // the settings UI's templates, compiled into internal.ui.templates at build time
    requires static java.compiler; // @Generated on those templates (source retention)
    requires static com.zaxxer.hikari; // optional: a short checkout on the receive path with HikariCP pools

    opens io.calbridge.calendly.internal to com.fasterxml.jackson.databind;
    opens io.calbridge.calendly.internal.booking to com.fasterxml.jackson.databind;
    opens io.calbridge.calendly.internal.client to com.fasterxml.jackson.databind;
    opens io.calbridge.calendly.internal.common to com.fasterxml.jackson.databind;
    opens io.calbridge.calendly.internal.crypto to com.fasterxml.jackson.databind;
    opens io.calbridge.calendly.internal.oauth to com.fasterxml.jackson.databind;
    opens io.calbridge.calendly.internal.privacy to com.fasterxml.jackson.databind;
    opens io.calbridge.calendly.internal.settings to com.fasterxml.jackson.databind;
    opens io.calbridge.calendly.internal.sync to com.fasterxml.jackson.databind;
    opens io.calbridge.calendly.internal.webhook to com.fasterxml.jackson.databind;
    opens io.calbridge.calendly.internal.writeback to com.fasterxml.jackson.databind;
    opens io.calbridge.db.calendly.tables.records to org.jooq;
}
