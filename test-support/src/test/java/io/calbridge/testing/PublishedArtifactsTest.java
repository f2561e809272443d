package io.calbridge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * What a host gets from the published artifacts: calendly-bom pins every published artifact and the
 * libraries they bring, at the versions the build uses; every published pom says what it is, under
 * which license, where it lives; every published jar names its module and ships sources and Javadoc.
 *
 * <p>Published: every jar module of the build that does not set {@code maven.deploy.skip}, their
 * parent poms, and the BOM. The BOM has no parent, so it repeats the root pom's versions and
 * metadata; these tests fail when a repeated value drifts.
 */
class PublishedArtifactsTest {
    private static final String OUR_GROUP = "io.calbridge";
    private static Path root;
    private static Pom rootPom;
    private static Pom bom;
    private static List<Pom> publishedJars;

    @BeforeAll
    static void readPoms() throws Exception {
        root = Path.of(System.getProperty("calbridge.project.dir", "..")).toAbsolutePath().normalize();
        rootPom = Pom.read(root.resolve("pom.xml"));
        bom = Pom.read(root.resolve("bom/pom.xml"));
        publishedJars = new ArrayList<>();
        try (Stream<Path> poms = Files.walk(root, 4)) {
            for (Path path : poms.filter(p -> p.getFileName().toString().equals("pom.xml"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/")).sorted().toList()) {
                Pom pom = Pom.read(path);
                String packaging = pom.text("packaging");
                if ((packaging == null || packaging.equals("jar")) && !"true".equals(pom.property("maven.deploy.skip"))) {
                    publishedJars.add(pom);
                }
            }
        }
    }

    @Test
    void theBomListsExactlyTheJarModulesThatAreDeployed() {
        Set<String> published = new TreeSet<>();
        publishedJars.forEach(p -> published.add(p.text("artifactId")));
        Set<String> inBom = new TreeSet<>();
        bom.managed().stream().filter(d -> d.groupId().equals(OUR_GROUP)).forEach(d -> inBom.add(d.artifactId()));

        assertTrue(published.contains("calendly-plugin"), published.toString());
        assertEquals(published, inBom, "modules deployed (jar, no maven.deploy.skip) vs. calendly-bom");
    }

    /**
     * A host that imports the BOM gets, for every library a published artifact puts on its classpath,
     * the version we build and test with (directly, or through the same imported BOM as the root pom).
     */
    @Test
    void theBomPinsEveryLibraryThePublishedJarsBring_atTheVersionTheBuildUses() {
        Map<String, String> expected = new TreeMap<>();
        for (Pom module : publishedJars) {
            for (Dependency d : module.dependencies()) {
                boolean onHostClasspath = d.scope() == null || d.scope().equals("compile") || d.scope().equals("runtime");
                if (!onHostClasspath || d.optional() || d.groupId().equals(OUR_GROUP)) {
                    continue;
                }
                Dependency managedByRoot = rootPom.managementOf(d.groupId(), d.artifactId());
                assertNotNull(managedByRoot, module.text("artifactId") + " uses " + d.key()
                        + ", which the root pom's dependencyManagement does not pin (every version lives there)");
                expected.put(managedByRoot.key(), managedByRoot.version());
            }
        }
        Map<String, String> inBom = new TreeMap<>();
        for (Dependency d : bom.managed()) {
            if (expected.containsKey(d.key())) {
                inBom.put(d.key(), d.version());
            }
        }

        assertTrue(expected.keySet().containsAll(List.of("io.javalin:javalin", "com.fasterxml.jackson:jackson-bom",
                "org.jooq:jooq", "org.flywaydb:flyway-core", "com.google.crypto.tink:tink",
                "com.github.ben-manes.caffeine:caffeine", "io.micrometer:micrometer-bom")), expected.toString());
        assertEquals(expected, inBom, "libraries the published jars bring, at the root pom's versions vs. calendly-bom");
    }

    @Test
    void everyThirdPartyVersionInTheBom_isTheRootPomsVersion() {
        List<String> disagreements = new ArrayList<>();
        for (Dependency d : bom.managed()) {
            if (d.groupId().equals(OUR_GROUP)) {
                continue;
            }
            Dependency inRoot = rootPom.managementOf(d.groupId(), d.artifactId());
            if (inRoot == null || !inRoot.key().equals(d.key()) || !inRoot.version().equals(d.version())) {
                disagreements.add(d.key() + ":" + d.version() + " in calendly-bom, "
                        + (inRoot == null ? "not managed" : inRoot.key() + ":" + inRoot.version()) + " in the root pom");
            }
        }
        assertTrue(disagreements.isEmpty(), String.join("\n", disagreements));
        assertEquals(rootPom.property("project.build.outputTimestamp"), bom.property("project.build.outputTimestamp"));
    }

    @Test
    void everyPublishedPomSaysWhatItIs_underTheProjectsOneUrlAndLicense() throws Exception {
        assertEquals("https://github.com/calbridge/calbridge", rootPom.text("url"));
        for (String element : List.of("url", "licenses", "developers", "scm", "issueManagement", "inceptionYear")) {
            assertNotNull(rootPom.child(element), "root pom: " + element);
            assertEquals(rootPom.normalized(element), bom.normalized(element), "calendly-bom repeats the root pom's " + element);
        }
        assertTrue(Files.readString(root.resolve("LICENSE")).contains("Apache License\n                           Version 2.0"));
        assertEquals("Apache-2.0", rootPom.child("licenses").getElementsByTagName("name").item(0).getTextContent());

        Map<String, Pom> publishedPoms = new LinkedHashMap<>();
        publishedPoms.put("calendly-bom", bom);
        for (Pom jar : publishedJars) {
            for (Pom p = jar; p != null; p = p.parentInTree()) {
                publishedPoms.put(p.text("artifactId"), p);
            }
        }
        assertEquals(Set.of("calendly-bom", "calbridge-parent", "examples", "calendly-plugin", "calendly-limits",
                "calendly-sandbox"), publishedPoms.keySet());
        for (var e : publishedPoms.entrySet()) {
            String description = e.getValue().text("description");
            assertTrue(description != null && description.length() > 40, e.getKey() + " needs a <description>");
            if (!e.getValue().file().equals(rootPom.file()) && !e.getValue().file().equals(bom.file())) {
                for (String inherited : List.of("url", "licenses", "developers", "scm")) {
                    assertFalse(e.getValue().child(inherited) != null,
                            e.getKey() + " must inherit <" + inherited + "> from the root pom, not declare its own");
                }
            }
        }
    }

    @Test
    void everyPublishedJarNamesItsModule_andShipsSourcesAndJavadoc() {
        Map<String, String> moduleNames = new TreeMap<>();
        for (Pom jar : publishedJars) {
            String artifactId = jar.text("artifactId");
            Element plugins = jar.path("build", "plugins");
            assertNotNull(plugins, artifactId + " has no <build><plugins>");
            Map<String, Element> byArtifact = new HashMap<>();
            for (Element plugin : Pom.children(plugins, "plugin")) {
                byArtifact.put(Pom.childText(plugin, "artifactId"), plugin);
            }
            assertTrue(byArtifact.containsKey("maven-source-plugin"), artifactId + " must build a -sources jar");
            assertTrue(byArtifact.containsKey("maven-javadoc-plugin"), artifactId + " must build a -javadoc jar");
            String name = declaredModuleName(jar);
            if (name == null) {
                Element jarPlugin = byArtifact.get("maven-jar-plugin");
                assertNotNull(jarPlugin, artifactId + " needs a module-info.java or an Automatic-Module-Name in maven-jar-plugin");
                Element entries = Pom.path(jarPlugin, "configuration", "archive", "manifestEntries");
                name = entries == null ? null : Pom.childText(entries, "Automatic-Module-Name");
            }
            assertTrue(name != null && name.matches("io\\.calbridge(\\.[a-z]+)+"), artifactId + ": " + name);
            moduleNames.put(artifactId, name);
        }
        assertEquals(Map.of("calendly-plugin", "io.calbridge.calendly", "calendly-limits", "io.calbridge.limits",
                "calendly-sandbox", "io.calbridge.sandbox"), moduleNames);
    }

    /** The name a module-info.java declares, or null when the module has none. */
    private static String declaredModuleName(Pom jar) {
        Path descriptor = jar.file().resolveSibling("src/main/java/module-info.java");
        if (!Files.exists(descriptor)) {
            return null;
        }
        try {
            Matcher m = Pattern.compile("(?m)^\\s*module\\s+([\\w.]+)\\s*\\{").matcher(Files.readString(descriptor));
            return m.find() ? m.group(1) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Dependency(String groupId, String artifactId, String version, String type, String scope, boolean optional) {
        String key() {
            return groupId + ":" + artifactId;
        }
    }

    /** Just enough of a pom: elements, properties with ${...} resolved, dependencies. */
    record Pom(Path file, Element project) {
        private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

        static Pom read(Path file) throws Exception {
            try {
                var factory = DocumentBuilderFactory.newInstance();
                return new Pom(file, factory.newDocumentBuilder().parse(file.toFile()).getDocumentElement());
            } catch (IOException e) {
                throw new IOException("cannot read " + file, e);
            }
        }

        Element child(String name) {
            return childElement(project, name);
        }

        String text(String name) {
            Element e = child(name);
            return e == null ? null : resolve(e.getTextContent().strip());
        }

        Element path(String... names) {
            return path(project, names);
        }

        /** The element's text with properties resolved and whitespace collapsed, for comparisons. */
        String normalized(String name) {
            Element e = child(name);
            return e == null ? null : resolve(e.getTextContent()).replaceAll("\\s+", " ").strip();
        }

        String property(String name) {
            if (name.equals("project.version")) {
                return text("version");
            }
            if (name.equals("project.url")) {
                return text("url");
            }
            Element properties = child("properties");
            Element e = properties == null ? null : childElement(properties, name);
            return e == null ? null : resolve(e.getTextContent().strip());
        }

        String resolve(String value) {
            Matcher m = PROPERTY.matcher(value);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String resolved = property(m.group(1));
                m.appendReplacement(out, Matcher.quoteReplacement(resolved == null ? m.group() : resolved));
            }
            return m.appendTail(out).toString();
        }

        List<Dependency> dependencies() {
            return dependencies(child("dependencies"));
        }

        List<Dependency> managed() {
            return dependencies(path("dependencyManagement", "dependencies"));
        }

        /** This pom's management of the artifact: its own entry, or the imported BOM of its group family. */
        Dependency managementOf(String groupId, String artifactId) {
            Dependency imported = null;
            for (Dependency d : managed()) {
                if (d.groupId().equals(groupId) && d.artifactId().equals(artifactId)) {
                    return d;
                }
                if ("import".equals(d.scope()) && groupId.startsWith(d.groupId())) {
                    imported = d;
                }
            }
            return imported;
        }

        /** The parent pom when it is part of this source tree (relativePath, default ../pom.xml). */
        Pom parentInTree() {
            Element parent = child("parent");
            if (parent == null) {
                return null;
            }
            String relative = childText(parent, "relativePath");
            Path file = file().getParent().resolve(relative == null ? "../pom.xml" : relative).normalize();
            try {
                return Files.isRegularFile(file) ? read(file) : null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private List<Dependency> dependencies(Element dependencies) {
            List<Dependency> out = new ArrayList<>();
            for (Element d : children(dependencies, "dependency")) {
                String version = childText(d, "version");
                out.add(new Dependency(childText(d, "groupId"), childText(d, "artifactId"),
                        version == null ? null : resolve(version), childText(d, "type"), childText(d, "scope"),
                        "true".equals(childText(d, "optional"))));
            }
            return out;
        }

        static Element path(Element from, String... names) {
            Element e = from;
            for (String name : names) {
                e = e == null ? null : childElement(e, name);
            }
            return e;
        }

        static List<Element> children(Element parent, String name) {
            List<Element> out = new ArrayList<>();
            if (parent != null) {
                for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
                    if (n instanceof Element e && e.getTagName().equals(name)) {
                        out.add(e);
                    }
                }
            }
            return out;
        }

        static Element childElement(Element parent, String name) {
            List<Element> found = children(parent, name);
            return found.isEmpty() ? null : found.get(0);
        }

        static String childText(Element parent, String name) {
            Element e = childElement(parent, name);
            return e == null ? null : e.getTextContent().strip();
        }
    }
}
