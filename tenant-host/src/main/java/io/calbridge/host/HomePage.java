package io.calbridge.host;

/** The page at {@code /}: what is running and where to go next. */
final class HomePage {
    private HomePage() {
    }

    static String render(String version, Health.Report health) {
        Object db = ((java.util.Map<?, ?>) health.body().get("database")).get("server");
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>tenant-host</title>
                <link rel="stylesheet" href="/static/app.css"></head>
                <body><main class="narrow">
                <h1>tenant-host</h1>
                <p>The reference multi-tenant host for the Calbridge Calendly plugin, version <code>%s</code>.</p>
                <ul>
                <li>Status: <strong>%s</strong> (<a href="/health">/health</a>)</li>
                <li>Database: PostgreSQL %s</li>
                </ul>
                <p><a href="/app">Open the app</a> (sign in required)</p>
                </main></body></html>
                """.formatted(escape(version), health.up() ? "UP" : "DOWN", escape(String.valueOf(db)));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
