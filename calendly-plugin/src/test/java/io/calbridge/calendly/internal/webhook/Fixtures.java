package io.calbridge.calendly.internal.webhook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The shared, byte-exact Calendly fixtures (see /work/shared/calendly-fixtures/README.md). */
final class Fixtures {
    private Fixtures() {
    }

    static Path sharedDir() {
        String property = System.getProperty("calbridge.shared.dir");
        if (property != null && Files.isDirectory(Path.of(property, "calendly-fixtures"))) {
            return Path.of(property);
        }
        return Path.of("/work/shared");
    }

    static Path webhooksDir() {
        return sharedDir().resolve("calendly-fixtures/webhooks");
    }

    static byte[] webhook(String name) {
        try {
            return Files.readAllBytes(webhooksDir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every delivery body in webhooks/ (the request-headers file is not a body). */
    static List<String> deliveryBodies() {
        try (Stream<Path> files = Files.list(webhooksDir())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json") && !n.startsWith("delivery.request-headers"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
