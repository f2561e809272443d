package io.calbridge.testing;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds where a module reaches past the plugin's API ({@code io.calbridge.calendly} and
 * {@code io.calbridge.calendly.spi}) into its internals or its generated jOOQ classes.
 *
 * <p>The plugin is a named module that exports only its API, so a host on the module path cannot
 * compile against anything else; but tenant-host and the examples run on the class path, where
 * every public class is reachable. This check closes that gap in the build: it reads the constant
 * pool of every compiled class (every class, field and method a class refers to is named there,
 * also through generics, lambdas and constants) and the imports of every source file.
 */
public final class PluginApiBoundary {
    /**
     * What is not API, as it appears in class files. Joined at run time, so that this class's own
     * constant pool does not name them.
     */
    private static final List<String> NOT_API = List.of(String.join("/", "io", "calbridge", "calendly", "internal", ""),
            String.join("/", "io", "calbridge", "db", "calendly", ""));

    private PluginApiBoundary() {
    }

    /**
     * Every class file and source file under {@code roots} that refers to a type of the plugin that
     * is not API, each with the first reference found.
     */
    public static List<String> violations(Path... roots) throws IOException {
        List<String> found = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    String name = file.getFileName().toString();
                    String reference = name.endsWith(".class") ? inClass(file) : name.endsWith(".java") ? inSource(file) : null;
                    if (reference != null) {
                        found.add(root.relativize(file) + " -> " + reference);
                    }
                }
            }
        }
        return found;
    }

    /**
     * The first import of a non-API type in the source, or null. Imports only: a qualified name in
     * code shows in the class file, and a logger or route name in a string is no dependency.
     */
    private static String inSource(Path file) throws IOException {
        for (String line : Files.readAllLines(file)) {
            String code = line.strip();
            if (!code.startsWith("import ")) {
                continue;
            }
            for (String prefix : NOT_API) {
                if (code.contains(" " + prefix.replace('/', '.'))) {
                    return code.substring(code.lastIndexOf(' ') + 1).replace(";", "");
                }
            }
        }
        return null;
    }

    /** The first non-API name among the class file's constant-pool strings (JVMS 4.4), or null. */
    static String inClass(Path file) throws IOException {
        try (var in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != 0xCAFEBABE) {
                throw new IOException("not a class file: " + file);
            }
            in.readUnsignedShort(); // minor version
            in.readUnsignedShort(); // major version
            int count = in.readUnsignedShort();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> {
                        String utf8 = in.readUTF();
                        for (String prefix : NOT_API) {
                            if (utf8.contains(prefix)) {
                                return utf8.replace('/', '.');
                            }
                        }
                    }
                    case 3, 4 -> in.skipNBytes(4);
                    case 5, 6 -> {
                        in.skipNBytes(8);
                        i++; // takes two entries
                    }
                    case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
                    case 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                    case 15 -> in.skipNBytes(3);
                    default -> throw new IOException("unknown constant-pool tag " + tag + " in " + file);
                }
            }
            return null;
        }
    }
}
