package io.calbridge.calendly;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Every compile dependency of calendly-plugin ends up on each host's classpath, so each must be one
 * the plugin's main code uses (HikariCP is optional: the short checkout uses it when the host's pool is one). Tests keep theirs in test scope.
 */
class MainDependenciesTest {
    @Test
    void everyCompileDependency_isUsedByTheMainCode() throws Exception {
        Element project = parse(Path.of("pom.xml"));
        String mainCode = mainSources();
        List<String> unused = new ArrayList<>();
        int checked = 0;
        for (Element dependency : children(children(project, "dependencies").get(0), "dependency")) {
            String groupId = text(dependency, "groupId");
            String artifactId = text(dependency, "artifactId");
            if (text(dependency, "scope") != null && !"compile".equals(text(dependency, "scope"))) {
                continue; // test, runtime, provided: not what the main code compiles against
            }
            Set<String> packages = packagesOf(groupId, artifactId);
            assertFalse(packages.isEmpty(), "found no classes of " + groupId + ":" + artifactId + " on the classpath");
            checked++;
            if (packages.stream().noneMatch(p -> mainCode.contains(p + "."))) {
                unused.add(groupId + ":" + artifactId + " (packages " + packages + ")");
            }
        }

        assertTrue(checked >= 8, "compile dependencies checked: " + checked);
        assertTrue(unused.isEmpty(), "compile dependencies the main code never uses (make them test-scoped or drop them): "
                + unused);
    }

    private static Element parse(Path pom) {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + pom, e);
        }
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0).getTextContent().strip();
    }

    private static String mainSources() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                all.append(Files.readString(f)).append('\n');
            }
        }
        return all.toString();
    }

    /** The packages with classes in the dependency's classpath entry (a jar, or a reactor module's classes). */
    private static Set<String> packagesOf(String groupId, String artifactId) throws IOException {
        // The plugin's tests run on the module path (its dependencies there), test-only jars on the class path.
        String classpath = System.getProperty("jdk.module.path", "") + File.pathSeparator
                + System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String repositoryPath = File.separator + groupId.replace('.', File.separatorChar) + File.separator + artifactId
                + File.separator;
        Set<String> packages = new TreeSet<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path path = Path.of(entry);
            boolean jarOfIt = entry.endsWith(".jar") && (entry.contains(repositoryPath)
                    || path.getFileName().toString().startsWith(artifactId + "-"));
            Path modulePom = path.resolve("../../pom.xml").normalize();
            boolean classesOfIt = Files.isDirectory(path) && path.endsWith(Path.of("target", "classes"))
                    && Files.isRegularFile(modulePom) && artifactId.equals(text(parse(modulePom), "artifactId"));
            if (jarOfIt) {
                try (JarFile jar = new JarFile(entry)) {
                    jar.stream().map(e -> e.getName())
                            .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/") && n.contains("/"))
                            .forEach(n -> packages.add(n.substring(0, n.lastIndexOf('/')).replace('/', '.')));
                }
            } else if (classesOfIt) {
                try (Stream<Path> files = Files.walk(path)) {
                    files.filter(f -> f.toString().endsWith(".class")).forEach(f -> packages.add(
                            path.relativize(f.getParent()).toString().replace(File.separatorChar, '.')));
                }
            }
        }
        return packages;
    }
}
