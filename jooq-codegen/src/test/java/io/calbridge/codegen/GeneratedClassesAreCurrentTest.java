package io.calbridge.codegen;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fails when the committed jOOQ classes of calendly-plugin or tenant-host differ from what their
 * migrations produce on a real PostgreSQL, and says how to regenerate them.
 */
class GeneratedClassesAreCurrentTest {

    @Test
    void committedClassesMatchTheMigrations(@TempDir Path fresh) throws Exception {
        Path projectRoot = Path.of(System.getProperty("calbridge.project.dir", "..")).toAbsolutePath().normalize();
        RegenerateJooq.generate(projectRoot, fresh);

        List<String> drift = new ArrayList<>();
        for (RegenerateJooq.Target_ target : RegenerateJooq.TARGETS) {
            String pkg = target.module() + "/src/main/java/" + target.packageName().replace('.', '/');
            Map<String, String> expected = read(fresh.resolve(pkg));
            Map<String, String> actual = read(projectRoot.resolve(pkg));
            for (var e : expected.entrySet()) {
                String committed = actual.get(e.getKey());
                if (committed == null) {
                    drift.add("missing: " + pkg + "/" + e.getKey());
                } else if (!committed.equals(e.getValue())) {
                    drift.add("differs: " + pkg + "/" + e.getKey());
                }
            }
            for (String name : actual.keySet()) {
                if (!expected.containsKey(name)) {
                    drift.add("not generated any more: " + pkg + "/" + name);
                }
            }
        }
        if (!drift.isEmpty()) {
            fail("The committed jOOQ classes are stale: the migrations changed without regenerating them.\n"
                    + "Regenerate with:\n    " + RegenerateJooq.COMMAND + "\n"
                    + String.join("\n", drift.subList(0, Math.min(drift.size(), 20))));
        }
    }

    private static Map<String, String> read(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p).toString(), Files.readString(p));
            }
        }
        return files;
    }
}
