package io.calbridge.host.crm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The shared, byte-exact Calendly fixtures. */
final class Fixtures {
    private Fixtures() {
    }

    static Path webhooks() {
        String configured = System.getProperty("calbridge.shared.dir");
        Path dir = configured == null ? null : Path.of(configured, "calendly-fixtures", "webhooks");
        if (dir == null || !Files.isDirectory(dir)) {
            dir = Path.of("/work/shared/calendly-fixtures/webhooks");
        }
        return dir;
    }

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(webhooks().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every fixture that is a webhook delivery body (not the recorded request headers). */
    static List<String> deliveries() {
        try (Stream<Path> files = Files.list(webhooks())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json") && !n.startsWith("delivery."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
