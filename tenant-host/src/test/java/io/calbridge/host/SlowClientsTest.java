package io.calbridge.host;

import static io.calbridge.db.calendly.Tables.CALENDLY_INTEGRATION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.common.Secret;
import io.calbridge.calendly.internal.crypto.Purpose;
import io.calbridge.calendly.internal.crypto.TenantKeyring;
import io.calbridge.calendly.internal.webhook.WebhookPathTokens;
import io.calbridge.fixtures.CalendlyFixtures;
import io.calbridge.testing.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: about 260 connections that POST to a webhook URL with {@code Content-Length: 10000} and
 * then send one byte every 25 s took every server thread; a real signed delivery, {@code /health} and
 * {@code /login} timed out. Here 300 such connections (half to a connected integration's URL, half to
 * unknown tokens) are opened while the real requests must each answer within 1 s (or, on a machine so
 * loaded that they take longer even without the slow clients, three times that baseline).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SlowClientsTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.migratedBy(HostSchema::migrateAll);

    private static final int SLOW_CLIENTS = 300;
    private static final Duration BODY_TIMEOUT = Duration.ofSeconds(20);
    private static final String KEY = "slow-clients-signing-key";

    @Test
    void threeHundredTricklingBodies_leaveDeliveriesHealthAndLoginAnsweringWithinASecond() throws Exception {
        DemoTenants demo = new DemoTenants(db.dataSource());
        String token = connectedIntegration(demo.acme);
        HostApp app = new HostApp(db.dataSource(), DemoTenants.settings("http://localhost:7070"), TestKeys.MASTER, "test",
                plugin -> plugin.webhookBodyTimeout = BODY_TIMEOUT, (c, s) -> {
                }).start(0);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        List<Socket> slow = new ArrayList<>();
        try {
            // Warm up (class loading, first Flyway read), then the same calls without slow clients: the baseline.
            Call delivery = () -> http.send(signed(app.port(), token), HttpResponse.BodyHandlers.ofString());
            Call health = () -> http.send(get(app.port(), "/health"), HttpResponse.BodyHandlers.ofString());
            Call login = () -> http.send(get(app.port(), "/login"), HttpResponse.BodyHandlers.ofString());
            for (Call call : List.of(delivery, health, login)) {
                call.send();
            }
            long[] baseline = {fastest(delivery, Long.MAX_VALUE), fastest(health, Long.MAX_VALUE), fastest(login, Long.MAX_VALUE)};

            for (int i = 0; i < SLOW_CLIENTS; i++) {
                String target = i % 2 == 0 ? token : "unknown-" + UUID.randomUUID().toString().replace("-", "");
                slow.add(trickle(app.port(), target));
            }
            // Kept as a sleep: the slow clients holding their connections for a while is what is under test
            // (the server takes them all in: 404 for the unknown, reading the others), not a condition to poll.
            Thread.sleep(3000);

            String[] names = {"signed delivery", "/health", "/login"};
            Call[] calls = {delivery, health, login};
            for (int i = 0; i < calls.length; i++) {
                long bound = Math.max(1000, 3 * baseline[i]);
                long took = fastest(calls[i], bound);
                System.out.printf("%s with %d slow clients: %d ms (without: %d ms, bound %d ms)%n", names[i], SLOW_CLIENTS, took,
                        baseline[i], bound);
                assertTrue(took < bound, names[i] + " took " + took + " ms with slow clients (without: " + baseline[i] + " ms)");
            }
            for (int i = 0; i < SLOW_CLIENTS; i++) {
                String status = statusLine(slow.get(i), BODY_TIMEOUT.plusSeconds(5));
                // Unknown tokens: 404 before the body. The others: 408 from the deadline or Jetty's minimum
                // rate, or a closed connection when Jetty's idle timeout ends them first; never left open.
                boolean ended = i % 2 == 0 ? status.isEmpty() || status.startsWith("HTTP/1.1 408") : status.startsWith("HTTP/1.1 404");
                assertTrue(ended, "slow client " + i + " got: " + status);
            }
        } finally {
            for (Socket s : slow) {
                s.close();
            }
            app.stop();
        }
    }

    /** Headers announcing 10,000 bytes, then one byte of body; the rest would come a byte every 25 s. */
    private static Socket trickle(int port, String token) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /api/webhooks/calendly/" + token + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: 10000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    /** The response's status line; empty when the server closed the connection without one. */
    private static String statusLine(Socket socket, Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        int c;
        try {
            while ((c = in.read()) != -1 && c != '\r') {
                line.append((char) c);
            }
        } catch (java.net.SocketException reset) {
            return line.toString(); // closed by the server
        } catch (java.net.SocketTimeoutException stillOpen) {
            return "still open after " + wait.toSeconds() + " s";
        }
        return line.toString();
    }

    interface Call {
        HttpResponse<String> send() throws Exception;
    }

    /**
     * The fastest of three tries of a call that must answer 200, in ms; a try that has no answer within
     * {@code limitMillis} counts as that long. Three tries, and a bound of 1 s or three times the
     * baseline, because other builds share this machine's two cores (load averages over 30 were seen,
     * when even the baseline took over a second); with every server thread taken, no try answers.
     */
    private static long fastest(Call call, long limitMillis) throws Exception {
        long best = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 3; attempt++) {
            long start = System.nanoTime();
            var pending = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return call.send();
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            try {
                HttpResponse<String> response = pending.get(Math.min(limitMillis, 30_000), TimeUnit.MILLISECONDS);
                assertEquals(200, response.statusCode(), response.body());
                best = Math.min(best, (System.nanoTime() - start) / 1_000_000);
            } catch (java.util.concurrent.TimeoutException e) {
                pending.cancel(true);
                best = Math.min(best, limitMillis);
            }
        }
        return best;
    }

    private static HttpRequest get(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build();
    }

    private static HttpRequest signed(int port, String token) throws Exception {
        byte[] body = CalendlyFixtures.webhook("invitee.created.basic.json");
        long t = System.currentTimeMillis() / 1000;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/webhooks/calendly/" + token))
                .header("Content-Type", "application/json")
                .header("Calendly-Webhook-Signature", "t=" + t + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    /** A connected integration of the tenant with a known signing key, as the connect flow leaves it. */
    private static String connectedIntegration(UUID tenant) {
        Db pluginDb = new Db(db.dataSource());
        TenantKeyring keyring = TenantKeyring.create(pluginDb, TestKeys.MASTER, List.of(), Clock.systemUTC(), null);
        UUID id = UUID.randomUUID();
        String token = UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
        pluginDb.dsl().insertInto(CALENDLY_INTEGRATION)
                .set(CALENDLY_INTEGRATION.ID, id)
                .set(CALENDLY_INTEGRATION.TENANT_ID, tenant.toString())
                .set(CALENDLY_INTEGRATION.CONNECTION_MODE, "PERSONAL_TOKEN")
                .set(CALENDLY_INTEGRATION.STATUS, "CONNECTED")
                .set(WebhookPathTokens.columns(token, null))
                .set(CALENDLY_INTEGRATION.CONNECTED_AT, OffsetDateTime.now())
                .set(CALENDLY_INTEGRATION.SIGNING_KEY_ENC, keyring.seal(tenant.toString(), Purpose.SIGNING_KEY, id, Secret.of(KEY)))
                .execute();
        return token;
    }
}
