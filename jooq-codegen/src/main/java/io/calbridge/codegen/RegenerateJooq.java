package io.calbridge.codegen;

import io.calbridge.db.Migrations;
import io.calbridge.testing.PostgresServer;
import io.calbridge.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Jdbc;
import org.jooq.meta.jaxb.Logging;
import org.jooq.meta.jaxb.SchemaMappingType;
import org.jooq.meta.jaxb.Target;

/**
 * Applies the Flyway migrations to a fresh schema on a real PostgreSQL and generates the jOOQ
 * classes of db from what Flyway produced: one package per migration set.
 *
 * <p>Run it with {@code mvn -q -pl jooq-codegen -am -Djooq.regenerate process-classes}; the
 * PostgreSQL comes from the same place as the tests' (see {@link PostgresServer}).
 */
public final class RegenerateJooq {
    /** The one documented command, printed by the drift test when the classes are stale. */
    public static final String COMMAND = "mvn -q -pl jooq-codegen -am -Djooq.regenerate process-classes";

    /** A generated package and the tables that go into it. */
    public record Target_(String packageName, String includes) {
    }

    public static final List<Target_> TARGETS = List.of(
            new Target_("io.calbridge.db.calendly", "calendly_(?!schema_history).*"),
            new Target_("io.calbridge.db.host",
                    "tenant|app_user|tenant_member|contact_status|contact|mailing_list|list_member|tag|contact_tag|task|activity|host_idempotency"));

    private RegenerateJooq() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "db/src/main/java").toAbsolutePath().normalize();
        generate(out);
        System.out.println("jOOQ classes regenerated into " + out);
    }

    /** Generates every package of {@link #TARGETS} below {@code sourceRoot}, replacing what is there. */
    public static void generate(Path sourceRoot) throws Exception {
        String schema = TestDatabase.createFreshSchema("codegen");
        try {
            PostgresServer server = PostgresServer.get();
            var dataSource = dataSource(server, schema);
            Migrations.migrateAll(dataSource, schema);
            for (Target_ target : TARGETS) {
                Path packageDir = sourceRoot.resolve(target.packageName().replace('.', '/'));
                deleteRecursively(packageDir);
                GenerationTool.generate(configuration(server, schema, target, sourceRoot));
            }
        } finally {
            TestDatabase.dropSchema(schema);
        }
    }

    private static javax.sql.DataSource dataSource(PostgresServer server, String schema) {
        var ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setURL(server.jdbcUrl());
        if (server.user() != null) {
            ds.setUser(server.user());
        }
        if (server.password() != null) {
            ds.setPassword(server.password());
        }
        ds.setCurrentSchema(schema);
        return ds;
    }

    private static Configuration configuration(PostgresServer server, String schema, Target_ target, Path sourceRoot) {
        return new Configuration()
                .withLogging(Logging.WARN)
                .withJdbc(new Jdbc()
                        .withDriver("org.postgresql.Driver")
                        .withUrl(server.jdbcUrl())
                        .withUser(server.user())
                        .withPassword(server.password()))
                .withGenerator(new Generator()
                        .withDatabase(new Database()
                                .withName("org.jooq.meta.postgres.PostgresDatabase")
                                .withSchemata(new SchemaMappingType()
                                        .withInputSchema(schema)
                                        .withOutputSchemaToDefault(true))
                                .withIncludes(target.includes())
                                .withExcludes("")
                                .withIncludeRoutines(false)
                                .withIncludeSequences(false))
                        .withGenerate(new Generate()
                                .withGeneratedAnnotation(false)
                                .withJavaTimeTypes(true)
                                .withRecords(true)
                                .withPojos(false)
                                .withDaos(false)
                                .withComments(true)
                                .withFluentSetters(true))
                        .withTarget(new Target()
                                .withPackageName(target.packageName())
                                .withDirectory(sourceRoot.toString())
                                .withClean(true)));
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
