package io.calbridge.host;

import io.javalin.Javalin;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What answers on tenant-host's port while it starts (database, migrations, the plugin's start-up
 * checks), before the application can: {@code /health/live} 200, {@code /health/ready} and
 * {@code /health} 503 with what is going on, everything else 503 with {@code Retry-After}. It hands
 * the port over to the application when that is ready to serve.
 */
final class StartupServer implements AutoCloseable {
    private final Javalin javalin;
    private volatile String phase;

    private StartupServer(String phase) {
        this.phase = phase;
        this.javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.get("/health/live", ctx -> ctx.header("Cache-Control", "no-store").json(Map.of("status", "UP")));
            config.routes.get("/health/ready", ctx -> starting(ctx.header("Cache-Control", "no-store")));
            config.routes.get("/health", ctx -> starting(ctx.header("Cache-Control", "no-store")));
            config.routes.error(404, ctx -> starting(ctx.header("Retry-After", "5")));
        });
    }

    static StartupServer start(int port, String phase) {
        StartupServer server = new StartupServer(phase);
        server.javalin.start(port);
        return server;
    }

    /** What the node is doing now, shown as the reason of {@code /health/ready}. */
    void phase(String phase) {
        this.phase = phase;
    }

    int port() {
        return javalin.port();
    }

    private void starting(io.javalin.http.Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "DOWN");
        body.put("reason", "starting: " + phase);
        ctx.status(503).json(body);
    }

    @Override
    public void close() {
        javalin.stop();
    }
}
