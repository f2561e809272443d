package io.calbridge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * calendly-bom must pin every published artifact: every jar module of the build that does not set
 * {@code maven.deploy.skip}, and nothing else.
 */
class PublishedArtifactsTest {

    @Test
    void theBomListsExactlyTheJarModulesThatAreDeployed() throws Exception {
        Path root = Path.of(System.getProperty("calbridge.project.dir", "..")).toAbsolutePath().normalize();
        Set<String> published = new TreeSet<>();
        try (Stream<Path> poms = Files.walk(root, 4)) {
            for (Path pom : poms.filter(p -> p.getFileName().toString().equals("pom.xml"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/")).toList()) {
                Element project = parse(pom).getDocumentElement();
                String packaging = childText(project, "packaging");
                Element properties = child(project, "properties");
                boolean skipped = properties != null && "true".equals(childText(properties, "maven.deploy.skip"));
                if ((packaging == null || packaging.equals("jar")) && !skipped) {
                    published.add(childText(project, "artifactId"));
                }
            }
        }

        Set<String> inBom = new TreeSet<>();
        NodeList deps = parse(root.resolve("bom/pom.xml")).getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            inBom.add(childText((Element) deps.item(i), "artifactId"));
        }

        assertTrue(published.contains("calendly-plugin"), published.toString());
        assertEquals(published, inBom, "modules deployed (jar, no maven.deploy.skip) vs. calendly-bom");
    }

    private static Document parse(Path pom) throws Exception {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        } catch (IOException e) {
            throw new IOException("cannot read " + pom, e);
        }
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static String childText(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().strip();
    }
}
