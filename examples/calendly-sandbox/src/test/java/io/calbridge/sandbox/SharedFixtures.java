package io.calbridge.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Finds /work/shared/calendly-fixtures via {@code calbridge.shared.dir}, falling back to /work/shared. */
final class SharedFixtures {
    private SharedFixtures() {
    }

    static Path dir() {
        String prop = System.getProperty("calbridge.shared.dir");
        if (prop != null && Files.isDirectory(Path.of(prop, "calendly-fixtures"))) {
            return Path.of(prop, "calendly-fixtures");
        }
        Path fallback = Path.of("/work/shared/calendly-fixtures");
        if (Files.isDirectory(fallback)) {
            return fallback;
        }
        throw new IllegalStateException("calendly-fixtures not found under " + prop + " nor /work/shared");
    }

    static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(dir().resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> webhookFixtures() {
        try (Stream<Path> s = Files.list(dir().resolve("webhooks"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .filter(p -> !p.getFileName().toString().startsWith("delivery.request-headers"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
