package io.calbridge.calendly.internal.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds {@code /work/shared/calendly-fixtures} from the surefire property, with the documented fallback. */
final class SharedFixtures {
    private SharedFixtures() {
    }

    static Path dir() {
        String prop = System.getProperty("calbridge.shared.dir");
        if (prop != null && Files.isDirectory(Path.of(prop, "calendly-fixtures"))) {
            return Path.of(prop, "calendly-fixtures");
        }
        return Path.of("/work/shared/calendly-fixtures");
    }

    static byte[] api(String name) {
        try {
            return Files.readAllBytes(dir().resolve("api").resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
