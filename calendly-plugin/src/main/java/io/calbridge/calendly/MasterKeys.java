package io.calbridge.calendly;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a {@link MasterKey} comes from. Pick one and assign it to {@link CalendlyConfig#masterKey}:
 *
 * <pre>{@code
 * c.masterKey = MasterKeys.fromEnvironment();                        // CALBRIDGE_MASTER_KEY or CALBRIDGE_MASTER_KEY_FILE
 * c.masterKey = MasterKeys.fromKeysetFile(Path.of("/run/secrets/calbridge-kek.json"));
 * c.masterKey = MasterKeys.fromKms(new AwsKmsClient(), "aws-kms://arn:aws:kms:...");   // tink-awskms
 * c.masterKey = MasterKeys.development(Path.of("var/dev-master-key.json"));             // never in production
 * }</pre>
 *
 * <p>Keyset-based master keys are <b>cleartext</b> Tink JSON keysets: whoever reads the variable or
 * file holds the key to every tenant's secrets. Keep it out of the database and its backups (a secret
 * manager, a mounted secret file readable only by the service user), or prefer a KMS, where the key
 * never leaves the KMS. Create a keyset with Tinkey
 * ({@code tinkey create-keyset --key-template AES256_GCM --out-format json}) or {@link #newKeysetJson()}.
 *
 * <p>Every factory fails at once, with an {@link IllegalArgumentException} whose message says what to
 * set, when the key is missing or unusable; messages never contain key material.
 */
public final class MasterKeys {
    /** Environment variable holding a cleartext Tink JSON keyset (AEAD, e.g. AES256_GCM). */
    public static final String ENV_KEYSET = "CALBRIDGE_MASTER_KEY";
    /** Environment variable holding the path of a file with a cleartext Tink JSON keyset. */
    public static final String ENV_KEYSET_FILE = "CALBRIDGE_MASTER_KEY_FILE";

    private static final Logger log = LoggerFactory.getLogger(MasterKeys.class);
    private static final String HOW_TO_CREATE =
            "create one with `tinkey create-keyset --key-template AES256_GCM --out-format json` or MasterKeys.newKeysetJson()";

    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private MasterKeys() {
    }

    /**
     * The master key named by the process environment: {@value #ENV_KEYSET} (the keyset JSON itself)
     * or {@value #ENV_KEYSET_FILE} (a path to it). Setting both is refused, so nobody wonders which won.
     *
     * @return the master key
     * @throws IllegalArgumentException when neither is set or the keyset is not a valid AEAD keyset
     */
    public static MasterKey fromEnvironment() {
        return fromEnvironment(System::getenv);
    }

    /**
     * As {@link #fromEnvironment()}, reading {@value #ENV_KEYSET} / {@value #ENV_KEYSET_FILE} from the
     * given values instead (a host that merges a properties file with its environment).
     *
     * @param values configuration values by name; only the two names above are read
     * @return the master key
     * @throws IllegalArgumentException when neither is set or the keyset is not a valid AEAD keyset
     */
    public static MasterKey fromEnvironment(Map<String, String> values) {
        Objects.requireNonNull(values, "values");
        return fromEnvironment(values::get);
    }

    static MasterKey fromEnvironment(Function<String, String> env) {
        String json = env.apply(ENV_KEYSET);
        String file = env.apply(ENV_KEYSET_FILE);
        boolean hasJson = json != null && !json.isBlank();
        boolean hasFile = file != null && !file.isBlank();
        if (hasJson && hasFile) {
            throw new IllegalArgumentException("Both " + ENV_KEYSET + " and " + ENV_KEYSET_FILE
                    + " are set: set only one of them (the master key itself, or the path of the file that holds it)");
        }
        if (hasJson) {
            return keyset(json, "environment variable " + ENV_KEYSET);
        }
        if (hasFile) {
            return fromKeysetFile(Path.of(file.strip()));
        }
        throw new IllegalArgumentException("No master key: set the environment variable " + ENV_KEYSET
                + " to a Tink AEAD keyset in JSON (" + HOW_TO_CREATE + "), or " + ENV_KEYSET_FILE
                + " to the path of a file holding one, or configure masterKey = MasterKeys.fromKms(...)");
    }

    /**
     * The master key held by an environment variable (a cleartext Tink JSON keyset).
     *
     * @param name the variable's name
     * @return the master key
     * @throws IllegalArgumentException when the variable is unset or blank, or not a valid AEAD keyset
     */
    public static MasterKey fromEnvironmentVariable(String name) {
        Objects.requireNonNull(name, "name");
        String json = System.getenv(name);
        if (json == null || json.isBlank()) {
            throw new IllegalArgumentException("The environment variable " + name
                    + " is not set: set it to a Tink AEAD keyset in JSON (" + HOW_TO_CREATE + ")");
        }
        return keyset(json, "environment variable " + name);
    }

    /** Permissions that let someone other than the file's owner read or replace a master key. */
    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> NOT_OWNER_ONLY = java.util.EnumSet.of(
            java.nio.file.attribute.PosixFilePermission.GROUP_READ, java.nio.file.attribute.PosixFilePermission.GROUP_WRITE,
            java.nio.file.attribute.PosixFilePermission.OTHERS_READ, java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);

    /**
     * Refuses a key file its group or everyone may read or write: whoever can read the master key can
     * decrypt every tenant's secrets. Checked on POSIX file systems (through symbolic links, as
     * Kubernetes mounts secrets); elsewhere there is nothing to check.
     */
    private static void requireOwnerOnly(Path file) {
        java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException | IOException e) {
            return; // not POSIX, or not readable: the read reports the latter
        }
        java.util.Set<java.nio.file.attribute.PosixFilePermission> extra = java.util.EnumSet.noneOf(
                java.nio.file.attribute.PosixFilePermission.class);
        extra.addAll(permissions);
        extra.retainAll(NOT_OWNER_ONLY);
        if (!extra.isEmpty()) {
            throw new IllegalArgumentException("The master key file " + file.toAbsolutePath() + " may be read or written by "
                    + "others than its owner (" + java.nio.file.attribute.PosixFilePermissions.toString(permissions)
                    + "): anyone who can read it can decrypt every tenant's secrets. Make it readable by its owner only "
                    + "(chmod 600, or 400; in Kubernetes a secret volume with defaultMode: 0400), or set " + ENV_KEYSET
                    + " instead of " + ENV_KEYSET_FILE + ".");
        }
    }

    /**
     * The master key held by a file (a cleartext Tink JSON keyset). The file is read once, now.
     * A file its group or others may read or write is refused (chmod 600).
     *
     * @param file the keyset file; readable by this process, and by its owner only
     * @return the master key
     * @throws IllegalArgumentException when the file cannot be read, may be read by others than its
     *                                  owner, or is not a valid AEAD keyset
     */
    public static MasterKey fromKeysetFile(Path file) {
        Objects.requireNonNull(file, "file");
        requireOwnerOnly(file);
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the master key file " + file.toAbsolutePath()
                    + " (" + e.getClass().getSimpleName() + "): set " + ENV_KEYSET_FILE
                    + " or masterKey to a readable file holding a Tink AEAD keyset in JSON (" + HOW_TO_CREATE + ")");
        }
        return keyset(json, "file " + file.toAbsolutePath());
    }

    /**
     * A master key from a cleartext Tink JSON keyset the host obtained itself (from a secret manager,
     * say). The string is the key: do not log it.
     *
     * @param keysetJson a cleartext Tink AEAD keyset in JSON
     * @return the master key
     * @throws IllegalArgumentException when the string is not a valid AEAD keyset (the message never quotes it)
     */
    public static MasterKey fromKeysetJson(String keysetJson) {
        Objects.requireNonNull(keysetJson, "keysetJson");
        return keyset(keysetJson, "a keyset given in code");
    }

    /**
     * A master key that lives in a KMS, reached through a Tink {@link KmsClient}: for AWS KMS
     * {@code new AwsKmsClient().withDefaultCredentials()} (artifact {@code com.google.crypto.tink:tink-awskms}),
     * for Google Cloud KMS {@code new GcpKmsClient().withDefaultCredentials()} (artifact
     * {@code tink-gcpkms}), for HashiCorp Vault transit a small {@code KmsClient} of your own whose
     * {@code getAead} calls {@code transit/encrypt} and {@code transit/decrypt} passing the associated
     * data as {@code context}. The id is {@code kms:<keyUri>}, so keep using the same URI spelling.
     *
     * @param client a Tink KMS client for the KMS that holds the key, with credentials
     * @param keyUri the key's URI in that client's syntax, e.g. {@code aws-kms://arn:aws:kms:...}
     * @return the master key
     * @throws IllegalArgumentException when the client does not support the URI or cannot make an AEAD for it
     */
    public static MasterKey fromKms(KmsClient client, String keyUri) {
        Objects.requireNonNull(client, "client");
        if (keyUri == null || keyUri.isBlank()) {
            throw new IllegalArgumentException("keyUri is required: the URI of the KMS key, e.g. aws-kms://arn:aws:kms:...");
        }
        if (!client.doesSupport(keyUri)) {
            throw new IllegalArgumentException("The KMS client " + client.getClass().getName()
                    + " does not support the key URI " + keyUri + ": use the client for that KMS (its URI prefix)");
        }
        Aead aead;
        try {
            aead = client.getAead(keyUri);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("The KMS client cannot use the key " + keyUri + ": " + e.getMessage(), e);
        }
        String id = "kms:" + keyUri;
        if (id.length() > 200) {
            throw new IllegalArgumentException("The KMS key URI is longer than 196 characters: " + keyUri);
        }
        return new Simple(id, aead, Set.of(id), "KMS key " + keyUri);
    }

    /**
     * For local development only: the keyset in {@code file}, generated there (readable by the owner
     * only, where the file system allows) when the file does not exist yet. Logs a WARN every time it is
     * used, because the key that protects every tenant's secrets then sits in cleartext beside the app.
     *
     * @param file where the development keyset is kept; created with its parent directories if missing
     * @return the master key
     * @throws IllegalArgumentException when the file cannot be created or read
     */
    public static MasterKey development(Path file) {
        Objects.requireNonNull(file, "file");
        Path path = file.toAbsolutePath();
        if (!Files.exists(path)) {
            writeNewKeyset(path);
        }
        MasterKey key = fromKeysetFile(path);
        log.warn("\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
                + "!! DEVELOPMENT MASTER KEY IN USE ({}), read from {}\n"
                + "!! The key that protects every tenant's Calendly secrets is stored in cleartext\n"
                + "!! in that file. Never run production like this: set {} or {}, or use a KMS.\n"
                + "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
                key.id(), path, ENV_KEYSET, ENV_KEYSET_FILE);
        return key;
    }

    /**
     * A fresh AES256_GCM keyset as cleartext Tink JSON, suitable for {@value #ENV_KEYSET}.
     *
     * @return the keyset; it is a secret: store it like a password, never log it
     */
    public static String newKeysetJson() {
        try {
            KeysetHandle handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
            return TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink cannot generate an AES256_GCM keyset", e);
        }
    }

    private static void writeNewKeyset(Path path) {
        try {
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            byte[] json = newKeysetJson().getBytes(StandardCharsets.UTF_8);
            try {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(path);
            }
            Files.write(path, json, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (FileAlreadyExistsException raced) {
            // another process created it first: use theirs
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot create the development master key file " + path + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "): choose a writable path");
        }
    }

    private static MasterKey keyset(String json, String source) {
        KeysetHandle handle;
        try {
            handle = TinkJsonProtoKeysetFormat.parseKeyset(json.strip(), InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException | RuntimeException e) {
            // The parser's message may quote the input, which is key material: keep only its type.
            throw new IllegalArgumentException("The master key in " + source + " is not a valid Tink JSON keyset ("
                    + e.getClass().getSimpleName() + "); expected an AEAD keyset, " + HOW_TO_CREATE);
        }
        Aead aead;
        try {
            aead = handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("The master key in " + source + " is a Tink keyset but not an AEAD keyset ("
                    + handle.getPrimary().getKey().getParameters() + "); " + HOW_TO_CREATE);
        }
        String id = keyId(handle.getPrimary().getId());
        Set<String> readable = new LinkedHashSet<>();
        readable.add(id);
        for (int i = 0; i < handle.size(); i++) {
            if (handle.getAt(i).getStatus() == KeyStatus.ENABLED) {
                readable.add(keyId(handle.getAt(i).getId()));
            }
        }
        return new Simple(id, aead, Set.copyOf(readable), source);
    }

    private static String keyId(int tinkKeyId) {
        return "tink:" + Integer.toUnsignedString(tinkKeyId);
    }

    private record Simple(String id, Aead aead, Set<String> readableIds, String source) implements MasterKey {
        @Override
        public String toString() {
            return "MasterKey[" + id + " from " + source + "]";
        }
    }
}
