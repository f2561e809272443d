package io.calbridge.calendly.internal.oauth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.calendly.internal.common.ApiErrors;
import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.internal.common.Secret;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The connect, callback and disconnect routes: parse, call {@link ConnectionService}, answer.
 * Browsers get redirects (to Calendly, then to the host's settings page with
 * {@code ?calendly=connected|error|disconnected&reason=...}); API clients that send
 * {@code Accept: application/json} get JSON. Without a settings page, the callback answers a
 * small HTML page (or JSON) explaining the outcome.
 */
record ConnectionRoutes(ConnectionService service, CurrentUser currentUser, URI settingsPage) {
    static final String CONNECT = "/settings/calendly/connect";
    static final String CALLBACK = "/settings/calendly/callback";
    static final String DISCONNECT = "/settings/calendly/{id}/disconnect";
    /** The fields {@code POST /connect} reads, as JSON members or form fields; the OpenAPI document lists the same. */
    static final List<String> CONNECT_FIELDS = List.of("mode", "client_id", "client_secret", "personal_token",
            "webhook_signing_key");

    void register(RoutesConfig routes, String prefix) {
        routes.post(prefix + CONNECT, this::connect);
        routes.get(prefix + CALLBACK, this::callback);
        routes.post(prefix + DISCONNECT, this::disconnect);
    }

    void connect(Context ctx) {
        answer(ctx, (json, caller) -> {
            ConnectionService.ConnectStart start = service.connect(caller.tenantId(), caller.userId(), parseConnect(ctx));
            if (start instanceof ConnectionService.AuthorizationRedirect r) {
                if (json) {
                    writeJson(ctx, 200, ordered("authorize_url", r.authorizeUrl().toString(),
                            "integration_id", r.integrationId().toString(), "expires_at", r.expiresAt().toString()));
                } else {
                    ctx.redirect(r.authorizeUrl().toString(), HttpStatus.SEE_OTHER);
                }
            } else if (start instanceof ConnectionService.Connected c) {
                connected(ctx, json, c.result());
            }
        });
    }

    void callback(Context ctx) {
        answer(ctx, (json, caller) -> {
            ConnectionService.ConnectResult result = service.callback(caller.tenantId(), caller.userId(),
                    new ConnectionService.CallbackRequest(ctx.queryParam("state"), ctx.queryParam("code"),
                            ctx.queryParam("error"), ctx.queryParam("error_description")));
            connected(ctx, json, result);
        });
    }

    void disconnect(Context ctx) {
        answer(ctx, (json, caller) -> {
            UUID id;
            try {
                id = UUID.fromString(ctx.pathParam("id"));
            } catch (IllegalArgumentException e) {
                throw ApiException.notFound("Calendly integration");
            }
            ConnectionService.DisconnectResult r = service.disconnect(caller.tenantId(), id);
            if (!json && settingsPage != null) {
                ctx.redirect(settingsPage(query("calendly", "disconnected", "integration", id.toString(),
                        "reason", r.problems().isEmpty() ? "" : "calendly_cleanup_incomplete")), HttpStatus.SEE_OTHER);
                return;
            }
            writeJson(ctx, 200, ordered("integration_id", id.toString(), "status", r.status().name(),
                    "subscriptions_deleted", r.subscriptionsDeleted(), "tokens_revoked", r.tokensRevoked(),
                    "problems", r.problems(), "notes", r.notes()));
        });
    }

    private void connected(Context ctx, boolean json, ConnectionService.ConnectResult r) {
        if (!json && settingsPage != null) {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("calendly", "connected");
            q.put("integration", r.integrationId().toString());
            if (!r.warnings().isEmpty()) {
                q.put("warning", String.join(",", r.warnings()));
            }
            if (r.subscription() != null && r.subscription().error() != null) {
                q.put("webhooks", "error");
            }
            ctx.redirect(settingsPage(q), HttpStatus.SEE_OTHER);
            return;
        }
        Map<String, Object> body = ordered(
                "status", "connected",
                "integration_id", r.integrationId().toString(),
                "mode", r.mode().name(),
                "calendly_user", r.calendlyUserUri(),
                "calendly_organization", r.calendlyOrganizationUri(),
                "calendly_user_name", r.calendlyUserName(),
                "calendly_user_email", r.calendlyUserEmail(),
                "calendly_role", r.calendlyRole(),
                "reconnected", r.reconnected(),
                "warnings", r.warnings(),
                "warning_messages", r.warningMessages(),
                "webhooks", r.subscription() == null ? null : ordered(
                        "state", r.subscription().state(),
                        "scope", r.subscription().scope(),
                        "error", r.subscription().error()));
        if (json) {
            writeJson(ctx, 200, body);
        } else {
            String webhooks = r.subscription() == null || r.subscription().error() == null ? ""
                    : "<p>Webhooks are not working yet: " + html(r.subscription().error()) + "</p>";
            String warnings = String.join("", r.warningMessages().stream().map(m -> "<p>" + html(m) + "</p>").toList());
            page(ctx, 200, "Calendly connected", "<p>Connected Calendly account "
                    + html(r.calendlyUserName() == null ? r.calendlyUserUri() : r.calendlyUserName())
                    + (r.calendlyUserEmail() == null ? "" : " (" + html(r.calendlyUserEmail()) + ")") + ".</p>"
                    + warnings + webhooks);
        }
    }

    private void failed(Context ctx, boolean json, ApiException e) {
        if (!json && settingsPage != null && e.status() != 401) {
            ctx.redirect(settingsPage(query("calendly", "error", "reason", e.code())), HttpStatus.SEE_OTHER);
            return;
        }
        if (json) {
            // The same body as every other settings route (no "field" when there is none).
            ApiErrors.headers(e, ctx);
            ctx.status(e.status()).contentType("application/json").result(ApiErrors.body(e));
        } else {
            page(ctx, e.status(), "Calendly was not connected", "<p>" + html(e.getMessage()) + "</p><p>Reason: <code>"
                    + html(e.code()) + "</code></p>");
        }
    }

    private interface Handler {
        void handle(boolean json, CurrentUser.Caller caller);
    }

    /** Runs a route for the signed-in caller; its refusal is answered in the format the client asked for. */
    private void answer(Context ctx, Handler handler) {
        boolean json = wantsJson(ctx);
        try {
            handler.handle(json, caller(ctx));
        } catch (ApiException e) {
            failed(ctx, json, e);
        }
    }

    private CurrentUser.Caller caller(Context ctx) {
        return currentUser.resolve(ctx).orElseThrow(() ->
                new ApiException(401, "unauthenticated", "Sign in to manage the Calendly connection."));
    }

    /** Accepts JSON ({@code {"mode": ..., "client_id": ..., ...}}) or a form post with the same names. */
    private static ConnectionService.ConnectRequest parseConnect(Context ctx) {
        String contentType = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase();
        String mode;
        String clientId;
        String clientSecret;
        String personalToken;
        String webhookSigningKey;
        if (contentType.startsWith("application/json")) {
            JsonNode body;
            try {
                body = Json.mapper().readTree(ctx.body());
            } catch (JsonProcessingException e) {
                throw ApiException.badRequest("invalid_json", "The request body is not valid JSON", null);
            }
            if (body == null || !body.isObject()) {
                throw ApiException.badRequest("invalid_json", "The request body must be a JSON object", null);
            }
            mode = text(body, CONNECT_FIELDS.get(0));
            clientId = text(body, CONNECT_FIELDS.get(1));
            clientSecret = text(body, CONNECT_FIELDS.get(2));
            personalToken = text(body, CONNECT_FIELDS.get(3));
            webhookSigningKey = text(body, CONNECT_FIELDS.get(4));
        } else {
            mode = ctx.formParam(CONNECT_FIELDS.get(0));
            clientId = ctx.formParam(CONNECT_FIELDS.get(1));
            clientSecret = ctx.formParam(CONNECT_FIELDS.get(2));
            personalToken = ctx.formParam(CONNECT_FIELDS.get(3));
            webhookSigningKey = ctx.formParam(CONNECT_FIELDS.get(4));
        }
        ConnectionMode parsed = ConnectionMode.parse(mode);
        if (parsed == null) {
            throw ApiException.badRequest("invalid_mode", mode == null || mode.isBlank()
                    ? "mode is required: tenant_app, platform_app or personal_token"
                    : "mode must be tenant_app, platform_app or personal_token", "mode");
        }
        return new ConnectionService.ConnectRequest(parsed, clientId,
                clientSecret == null ? null : Secret.of(clientSecret),
                personalToken == null ? null : Secret.of(personalToken),
                webhookSigningKey == null ? null : Secret.of(webhookSigningKey));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static boolean wantsJson(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && accept.toLowerCase().contains("application/json");
    }

    private String settingsPage(Map<String, String> params) {
        StringBuilder s = new StringBuilder(settingsPage.toString());
        char sep = settingsPage.getRawQuery() == null ? '?' : '&';
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (e.getValue() == null || e.getValue().isEmpty()) {
                continue;
            }
            s.append(sep).append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        return s.toString();
    }

    private static void writeJson(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(Json.mapper().writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void page(Context ctx, int status, String title, String bodyHtml) {
        ctx.status(status).html("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + html(title)
                + "</title></head><body><h1>" + html(title) + "</h1>" + bodyHtml + "</body></html>");
    }

    private static Map<String, String> query(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static String html(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
