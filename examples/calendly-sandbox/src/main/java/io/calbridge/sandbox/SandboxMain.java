package io.calbridge.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a sandbox standalone until killed.
 *
 * <pre>
 * java -jar calendly-sandbox-&lt;version&gt;-standalone.jar [--port 8089] [--host 127.0.0.1]
 *      [--public-base-url URL] [--auto-approve] [--time-scale N] [--no-seed]
 *      [--redirect-uri URI]... [--credentials-dir DIR]
 * </pre>
 *
 * Unless {@code --no-seed} is given it creates a demo organization with an owner and a member, an
 * OAuth app, a personal access token and two event types, and prints their credentials. With
 * {@code --credentials-dir} it also writes them there, one file each ({@code client_id},
 * {@code client_secret}, {@code webhook_signing_key}, {@code personal_access_token}, readable by
 * the owner only), for processes that read secrets from files (tenant-host's {@code *_FILE} keys).
 */
public final class SandboxMain {
    private SandboxMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Set before the first logger exists; an embedding application's own logback.xml is never overridden.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "calendly-sandbox-logback.xml");
        }
        CalendlySandbox sb = run(args, System.out);
        if (sb == null) {
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(sb::close, "sandbox-shutdown"));
        new CountDownLatch(1).await();
    }

    /** Starts (and seeds) a sandbox as {@code main} would, without blocking; null after {@code --help}. */
    static CalendlySandbox run(String[] args, java.io.PrintStream out) {
        SandboxOptions o = SandboxOptions.defaults().port(8089);
        boolean seed = true;
        Path credentialsDir = null;
        List<String> redirectUris = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> o.port(Integer.parseInt(value(args, ++i, "--port")));
                case "--host" -> o.host(value(args, ++i, "--host"));
                case "--public-base-url" -> o.publicBaseUrl(value(args, ++i, "--public-base-url"));
                case "--auto-approve" -> o.autoApprove(true);
                case "--time-scale" -> o.timeScale(Double.parseDouble(value(args, ++i, "--time-scale")));
                case "--no-seed" -> seed = false;
                case "--redirect-uri" -> redirectUris.add(value(args, ++i, "--redirect-uri"));
                case "--credentials-dir" -> credentialsDir = Path.of(value(args, ++i, "--credentials-dir"));
                case "--help", "-h" -> {
                    out.println("usage: SandboxMain [--port 8089] [--host 127.0.0.1] [--public-base-url URL]"
                            + " [--auto-approve] [--time-scale N] [--no-seed] [--redirect-uri URI]... [--credentials-dir DIR]");
                    return null;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (try --help)");
            }
        }
        if (credentialsDir != null && !seed) {
            throw new IllegalArgumentException("--credentials-dir writes the seeded credentials: it cannot go with --no-seed");
        }
        if (credentialsDir != null) {
            // Files of an earlier run must not pass for this run's (a reader waiting for them would take stale ones).
            Credentials.clear(credentialsDir);
        }
        CalendlySandbox sb = CalendlySandbox.start(o);
        out.println("Calendly sandbox listening on " + sb.baseUrl() + "  (dashboard: " + sb.baseUrl() + "/_sandbox)");
        if (seed) {
            try {
                Credentials seeded = seed(sb,
                        redirectUris.isEmpty() ? List.of("http://localhost:7070/settings/calendly/callback") : redirectUris, out);
                if (credentialsDir != null) {
                    seeded.write(credentialsDir);
                    out.println("Credentials written to " + credentialsDir.toAbsolutePath());
                }
            } catch (RuntimeException e) {
                sb.close();
                throw e;
            }
        }
        return sb;
    }

    /** The seeded credentials, as files for processes that read secrets from files. */
    record Credentials(String clientId, String clientSecret, String signingKey, String personalAccessToken) {
        static final List<String> FILES = List.of("client_id", "client_secret", "webhook_signing_key", "personal_access_token");

        static void clear(Path dir) {
            try {
                for (String name : FILES) {
                    Files.deleteIfExists(dir.resolve(name));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot clear " + dir + ": " + e.getMessage(), e);
            }
        }

        /** One file each, owner-only; the signing key last, so a reader that waits for it finds all four. */
        void write(Path dir) {
            try {
                Files.createDirectories(dir);
                write(dir, "client_id", clientId);
                write(dir, "client_secret", clientSecret);
                write(dir, "personal_access_token", personalAccessToken);
                write(dir, "webhook_signing_key", signingKey);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the credentials to " + dir + ": " + e.getMessage(), e);
            }
        }

        private static void write(Path dir, String name, String value) throws IOException {
            Path tmp = dir.resolve("." + name + ".tmp");
            Files.deleteIfExists(tmp);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(tmp, value + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static Credentials seed(CalendlySandbox sb, List<String> redirectUris, java.io.PrintStream out) {
        SandboxOrganization org = sb.createOrganization("Acme Demo", Plan.STANDARD);
        SandboxUser owner = sb.createUser(org, "Ada Host", "ada@example.com", Role.OWNER, "Europe/Warsaw");
        SandboxUser member = sb.createUser(org, "Bob Member", "bob@example.com", Role.USER, "America/New_York");
        SandboxApp app = sb.createOAuthApp(OAuthAppSpec.of("Demo CRM", redirectUris).defaultUser(owner));
        String pat = sb.createPersonalAccessToken(owner);
        SandboxEventType intro = sb.createEventType(owner, "Intro call", EventKind.SOLO, Duration.ofMinutes(30));
        sb.createEventType(EventTypeSpec.of(member, "Group demo", EventKind.group(5), Duration.ofMinutes(60))
                .location(LocationKind.ZOOM));
        Instant start = sb.clock().instant().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.HOURS);
        sb.book(BookingRequest.of(intro, "Jane Doe", "jane@example.com", start).timezone("America/New_York")
                .answer("Company?", "Acme"));
        out.println("Seeded:");
        out.println("  organization  " + org.uri());
        out.println("  owner         " + owner.uri() + " (" + owner.email() + ")");
        out.println("  member        " + member.uri() + " (" + member.email() + ")");
        out.println("  OAuth app     client_id=" + app.clientId());
        out.println("                client_secret=" + app.clientSecret());
        out.println("                webhook signing key=" + app.signingKey());
        out.println("                redirect URIs " + app.redirectUris());
        out.println("  owner PAT     " + pat);
        out.println("  event type    " + intro.uri());
        return new Credentials(app.clientId(), app.clientSecret(), app.signingKey(), pat);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }
}
