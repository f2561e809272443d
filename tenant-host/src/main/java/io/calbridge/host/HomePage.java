package io.calbridge.host;

/**
 * The page at {@code /}: what is running and where to go next. Versions are for operators only
 * ({@code /health} with the operator token), so this public page shows none.
 */
final class HomePage {
    private HomePage() {
    }

    static String render(Health.Report ready) {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>tenant-host</title>
                <link rel="stylesheet" href="/static/app.css"></head>
                <body><main class="narrow">
                <h1>tenant-host</h1>
                <p>The reference multi-tenant host for the Calbridge Calendly plugin.</p>
                <ul>
                <li>Status: <strong>%s</strong>%s (<a href="/health">/health</a>)</li>
                </ul>
                <p><a href="/app">Open the app</a> (sign in required)</p>
                </main></body></html>
                """.formatted(ready.up() ? "UP" : "DOWN", ready.up() ? "" : ": " + escape(ready.reason()));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
