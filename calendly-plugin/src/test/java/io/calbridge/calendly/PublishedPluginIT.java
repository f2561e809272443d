package io.calbridge.calendly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin as it is published: its jar (after {@code package}) and its runtime dependencies.
 *
 * <ul>
 *   <li>They carry nothing of tenant-host (classes, generated jOOQ classes, migrations) nor of the
 *       project's test modules.</li>
 *   <li>The jar is a named module that exports only the API.</li>
 *   <li>A host that imports an internal type does not compile against it, whether the host is a
 *       module or plain class-path code, while the same host using only the API does.</li>
 * </ul>
 */
class PublishedPluginIT {
    /** Entry prefixes of tenant-host and of the project's test modules. */
    private static final List<String> FOREIGN = List.of("io/calbridge/host/", "io/calbridge/db/host/", "db/host/",
            "io/calbridge/sandbox/", "io/calbridge/testing/", "io/calbridge/fixtures/", "io/calbridge/codegen/");

    private static Path pluginJar() {
        Path jar = Path.of(System.getProperty("calbridge.plugin.jar"));
        assertTrue(Files.isRegularFile(jar), "the packaged plugin jar: " + jar);
        return jar;
    }

    private static List<Path> runtimeDependencies() throws IOException {
        String classpath = Files.readString(Path.of(System.getProperty("calbridge.runtime.classpath"))).strip();
        return Arrays.stream(classpath.split(File.pathSeparator)).filter(s -> !s.isBlank()).map(Path::of).toList();
    }

    @Test
    void theJarHoldsThePluginAndItsOwnMigrationsOnly() throws IOException {
        Set<String> entries = entries(pluginJar());

        assertTrue(entries.contains("module-info.class"), "a named module");
        assertTrue(entries.contains("io/calbridge/calendly/CalendlyPlugin.class"));
        assertTrue(entries.contains("io/calbridge/db/calendly/Tables.class"), "the plugin's jOOQ classes");
        assertTrue(entries.stream().anyMatch(e -> e.matches("db/calendly-plugin/V1__.*\\.sql")), "the plugin's migrations");
        assertEquals(List.of(), foreign(entries), "entries of tenant-host or of test modules in the plugin jar");
        assertEquals(Set.of(), entries.stream().filter(e -> e.endsWith(".sql") && !e.startsWith("db/calendly-plugin/"))
                .collect(Collectors.toSet()), "migrations other than the plugin's");
    }

    @Test
    void itsRuntimeDependenciesCarryNothingOfCalbridgeButThePublishedLimiter() throws IOException {
        List<Path> dependencies = runtimeDependencies();
        assertTrue(dependencies.stream().anyMatch(p -> p.getFileName().toString().startsWith("javalin-")), dependencies.toString());

        List<String> found = new ArrayList<>();
        for (Path dependency : dependencies) {
            boolean publishedLimiter = dependency.getFileName().toString().startsWith("calendly-limits-");
            for (String entry : entries(dependency)) {
                boolean limiterClass = publishedLimiter && entry.startsWith("io/calbridge/limits/");
                if (!limiterClass && (entry.startsWith("io/calbridge/") || entry.startsWith("db/host/") || entry.startsWith("db/calendly"))) {
                    found.add(dependency.getFileName() + "!/" + entry);
                }
            }
        }

        assertEquals(List.of(), found, "Calbridge classes or migrations in the plugin's runtime dependencies");
    }

    @Test
    void theSettingsUisTemplatesArePrecompiled_andNeedOnlyJtesRuntime() throws IOException {
        Set<String> entries = entries(pluginJar());
        assertTrue(entries.contains("io/calbridge/calendly/internal/ui/templates/JteconnectionGenerated.class"),
                "the templates are compiled into the module");
        assertTrue(entries.contains("io/calbridge/calendly/internal/ui/messages_de.properties"));
        assertEquals(List.of(), entries.stream().filter(e -> e.endsWith(".jte")).toList(), "no template sources to compile at runtime");
        List<String> jte = runtimeDependencies().stream().map(p -> p.getFileName().toString())
                .filter(n -> n.startsWith("jte")).toList();
        assertEquals(1, jte.size(), jte.toString());
        assertTrue(jte.get(0).startsWith("jte-runtime-"), "jte's runtime only, not its compiler: " + jte);
        assertTrue(ModuleFinder.of(pluginJar()).findAll().iterator().next().descriptor().requires().stream()
                .anyMatch(r -> r.name().equals("gg.jte.runtime")), "the module reads jte's runtime");
    }

    @Test
    void theModuleExportsOnlyTheApi() {
        ModuleDescriptor module = ModuleFinder.of(pluginJar()).findAll().iterator().next().descriptor();

        assertEquals("io.calbridge.calendly", module.name());
        assertEquals(Set.of("io.calbridge.calendly", "io.calbridge.calendly.spi"),
                module.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
        assertTrue(module.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified));
        assertTrue(module.opens().stream().allMatch(ModuleDescriptor.Opens::isQualified), "opens only to Jackson and jOOQ");
    }

    @Test
    void aHostModuleThatImportsAnInternalType_doesNotCompile(@TempDir Path dir) throws Exception {
        writeHost(dir, true, "io.calbridge.calendly.internal.common.Json", "Json.mapper()");

        Compilation result = compileHostModule(dir);

        assertFalse(result.ok(), result.output());
        assertTrue(result.output().contains("package io.calbridge.calendly.internal.common is not visible"), result.output());
        assertTrue(result.output().contains("does not export it"), result.output());
    }

    @Test
    void aHostModuleThatImportsThePluginsJooqClasses_doesNotCompile(@TempDir Path dir) throws Exception {
        writeHost(dir, true, "io.calbridge.db.calendly.Tables", "Tables.CALENDLY_INTEGRATION");

        Compilation result = compileHostModule(dir);

        assertFalse(result.ok(), result.output());
        assertTrue(result.output().contains("package io.calbridge.db.calendly is not visible"), result.output());
    }

    @Test
    void classPathCodeThatImportsAnInternalType_doesNotCompileAgainstThePluginModule(@TempDir Path dir) throws Exception {
        writeHost(dir, false, "io.calbridge.calendly.internal.common.Json", "Json.mapper()");

        Compilation result = javac(dir, "--module-path", modulePath(), "--add-modules", "io.calbridge.calendly",
                dir.resolve("src/example.host/example/host/Host.java").toString());

        assertFalse(result.ok(), result.output());
        assertTrue(result.output().contains("does not export it"), result.output());
    }

    @Test
    void theSameHostUsingOnlyTheApi_compiles(@TempDir Path dir) throws Exception {
        writeHost(dir, true, "io.calbridge.calendly.spi.HostTransactions", "HostTransactions.class");

        Compilation result = compileHostModule(dir);

        assertTrue(result.ok(), result.output());
    }

    /** A tiny host: registers the plugin and touches {@code use} of {@code type}. */
    private static void writeHost(Path dir, boolean asModule, String type, String use) throws IOException {
        Path module = dir.resolve("src/example.host");
        Files.createDirectories(module.resolve("example/host"));
        if (asModule) {
            Files.writeString(module.resolve("module-info.java"), "module example.host { requires io.calbridge.calendly; }\n");
        }
        Files.writeString(module.resolve("example/host/Host.java"), """
                package example.host;

                import io.calbridge.calendly.CalendlyPlugin;
                import %s;

                public final class Host {
                    public static Object[] parts() {
                        return new Object[] {CalendlyPlugin.OPERATIONS, %s};
                    }
                }
                """.formatted(type, use));
    }

    private static Compilation compileHostModule(Path dir) throws Exception {
        return javac(dir, "--module-path", modulePath(), "--module-source-path", dir.resolve("src").toString(),
                "--module", "example.host");
    }

    /** The built plugin jar and what it requires, as this test runs with them. */
    private static String modulePath() {
        String modulePath = System.getProperty("jdk.module.path", "");
        assertTrue(Arrays.stream(modulePath.split(File.pathSeparator)).anyMatch(p -> p.equals(pluginJar().toString())),
                "the packaged jar is on the module path: " + modulePath);
        return modulePath;
    }

    private record Compilation(boolean ok, String output) {
    }

    private static Compilation javac(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "-d", dir.resolve("out").toString()));
        command.addAll(List.of(args));
        Process javac = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(javac.getInputStream().readAllBytes());
        assertTrue(javac.waitFor(2, TimeUnit.MINUTES), "javac finished");
        return new Compilation(javac.exitValue() == 0, output);
    }

    private static Set<String> entries(Path jar) throws IOException {
        if (Files.isDirectory(jar)) {
            try (var paths = Files.walk(jar)) {
                return paths.filter(Files::isRegularFile).map(p -> jar.relativize(p).toString().replace(File.separatorChar, '/'))
                        .collect(Collectors.toCollection(TreeSet::new));
            }
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(e -> e.getName()).filter(n -> !n.endsWith("/")).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static List<String> foreign(Set<String> entries) {
        return entries.stream().filter(e -> FOREIGN.stream().anyMatch(e::startsWith)).toList();
    }
}
