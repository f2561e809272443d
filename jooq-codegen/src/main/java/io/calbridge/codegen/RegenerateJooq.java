package io.calbridge.codegen;

import io.calbridge.testing.PostgresServer;
import io.calbridge.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
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
 * Applies the Flyway migrations of each module that owns tables to a fresh schema on a real
 * PostgreSQL and generates that module's jOOQ classes from what Flyway produced: the plugin's
 * {@code calendly_*} tables into calendly-plugin, tenant-host's tables into tenant-host.
 *
 * <p>Run it with {@code mvn -q -pl jooq-codegen -am -Djooq.regenerate process-classes}; the
 * PostgreSQL comes from the same place as the tests' (see {@link PostgresServer}). The migrations
 * are read from the modules' source folders, so regenerating never needs the modules to compile.
 */
public final class RegenerateJooq {
    /** The one documented command, printed by the drift test when the classes are stale. */
    public static final String COMMAND = "mvn -q -pl jooq-codegen -am -Djooq.regenerate process-classes";

    /**
     * One module's tables: its migrations (in the order the modules are listed, so a later module
     * may refer to an earlier one's tables), the generated package and the tables that go into it.
     */
    public record Target_(String module, String migrations, String historyTable, String packageName, String includes) {
        /** The module's Java source root below the project root. */
        public Path sourceRoot(Path projectRoot) {
            return projectRoot.resolve(module).resolve("src/main/java");
        }
    }

    public static final List<Target_> TARGETS = List.of(
            new Target_("calendly-plugin", "db/calendly-plugin", "calendly_schema_history", "io.calbridge.db.calendly",
                    "calendly_(?!schema_history).*"),
            new Target_("tenant-host", "db/host", "host_schema_history", "io.calbridge.db.host",
                    "tenant|app_user|tenant_member|contact_status|contact|mailing_list|list_member|tag|contact_tag|task|activity|host_idempotency|host_session|host_login_failure"));

    private RegenerateJooq() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        generate(root, root);
        for (Target_ target : TARGETS) {
            System.out.println("jOOQ classes regenerated into " + target.sourceRoot(root));
        }
    }

    /**
     * Migrates a fresh schema with the migrations under {@code projectRoot} and generates every
     * package of {@link #TARGETS} into {@code module/src/main/java} below {@code outputRoot},
     * replacing what is there.
     */
    public static void generate(Path projectRoot, Path outputRoot) throws Exception {
        String schema = TestDatabase.createFreshSchema("codegen");
        try {
            PostgresServer server = PostgresServer.get();
            for (Target_ target : TARGETS) {
                Path scripts = projectRoot.resolve(target.module()).resolve("src/main/resources").resolve(target.migrations());
                Flyway.configure()
                        .dataSource(server.jdbcUrl(), server.user(), server.password())
                        .locations("filesystem:" + scripts)
                        .table(target.historyTable())
                        .schemas(schema).defaultSchema(schema)
                        .baselineOnMigrate(true).baselineVersion("0")
                        .load()
                        .migrate();
            }
            for (Target_ target : TARGETS) {
                Path sourceRoot = target.sourceRoot(outputRoot);
                deleteRecursively(sourceRoot.resolve(target.packageName().replace('.', '/')));
                GenerationTool.generate(configuration(server, schema, target, sourceRoot));
            }
        } finally {
            TestDatabase.dropSchema(schema);
        }
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
