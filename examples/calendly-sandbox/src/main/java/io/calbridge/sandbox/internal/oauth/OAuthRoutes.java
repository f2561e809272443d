package io.calbridge.sandbox.internal.oauth;

import static io.calbridge.sandbox.internal.json.Renderer.escapeHtml;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calbridge.sandbox.internal.http.Http;
import io.calbridge.sandbox.internal.http.OAuthError;
import io.calbridge.sandbox.internal.http.PageStyle;
import io.calbridge.sandbox.internal.http.RateLimiter;
import io.calbridge.sandbox.internal.json.CalendlyJson;
import io.calbridge.sandbox.internal.state.Model.App;
import io.calbridge.sandbox.internal.state.Model.User;
import io.calbridge.sandbox.internal.state.Settings;
import io.calbridge.sandbox.internal.state.Store;
import io.calbridge.sandbox.internal.state.Uris;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/** auth.calendly.com: the consent page and the token, revoke and introspect endpoints. */
public record OAuthRoutes(Store store, OAuthService oauth, Settings settings, Uris uris) {
    public static final String USER_COOKIE = "calendly_sandbox_user";
    private static final List<String> AUTHORIZE_FIELDS = List.of("client_id", "redirect_uri", "response_type", "state",
            "scope", "code_challenge", "code_challenge_method");

    public void register(RoutesConfig r) {
        r.get("/oauth/authorize", this::authorizePage);
        r.post("/oauth/authorize", this::authorizeDecision);
        r.post("/oauth/token", this::token);
        r.post("/oauth/revoke", this::revoke);
        r.post("/oauth/introspect", this::introspect);
        r.get("/.well-known/oauth-authorization-server", this::metadata);
    }

    private record AuthorizeRequest(App app, Map<String, String> params, Set<String> scopes) {
        String state() {
            return params.get("state");
        }

        String redirectUri() {
            return params.get("redirect_uri");
        }
    }

    /** Validates an authorize request; answers the error itself (page or redirect) and returns null on failure. */
    private AuthorizeRequest validate(Context ctx, Map<String, String> params) {
        App app;
        try {
            app = oauth.appForAuthorize(params.get("client_id"), params.get("redirect_uri"));
        } catch (OAuthError e) {
            // Never redirect to an unverified URI: show the error instead, as Calendly does.
            errorPage(ctx, 400, e.error(), e.getMessage());
            return null;
        }
        String state = params.get("state");
        String redirect = params.get("redirect_uri");
        if (!"code".equals(params.get("response_type"))) {
            redirectError(ctx, redirect, "unsupported_response_type",
                    "The authorization server does not support this response type.", state);
            return null;
        }
        Set<String> scopes;
        try {
            scopes = Scopes.parse(params.get("scope"));
        } catch (IllegalArgumentException e) {
            redirectError(ctx, redirect, "invalid_scope", "The requested scope is invalid, unknown, or malformed: "
                    + e.getMessage(), state);
            return null;
        }
        String challenge = params.get("code_challenge");
        if (challenge != null && !challenge.isEmpty() && !"S256".equals(params.get("code_challenge_method"))) {
            redirectError(ctx, redirect, "invalid_request", "code_challenge_method must be S256.", state);
            return null;
        }
        if (app.nativeClient() && (challenge == null || challenge.isEmpty())) {
            redirectError(ctx, redirect, "invalid_request", "PKCE is required for native applications.", state);
            return null;
        }
        return new AuthorizeRequest(app, params, scopes);
    }

    private void authorizePage(Context ctx) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String f : AUTHORIZE_FIELDS) {
            String v = ctx.queryParam(f);
            if (v != null) {
                params.put(f, v);
            }
        }
        AuthorizeRequest req = validate(ctx, params);
        if (req == null) {
            return;
        }
        User user = pickUser(ctx.queryParam("login_as"), ctx.cookie(USER_COOKIE), req.app());
        if (user == null) {
            errorPage(ctx, 400, "no_user", "The sandbox has no user who could sign in (login_as="
                    + ctx.queryParam("login_as") + "). Create one first.");
            return;
        }
        if (settings.autoApprove) {
            approve(ctx, req, user);
            return;
        }
        ctx.status(200).html(consentPage(req, user));
    }

    private void authorizeDecision(Context ctx) {
        Map<String, String> form = Http.formOrJson(ctx);
        Map<String, String> params = new LinkedHashMap<>();
        for (String f : AUTHORIZE_FIELDS) {
            if (form.get(f) != null && !form.get(f).isEmpty()) {
                params.put(f, form.get(f));
            }
        }
        AuthorizeRequest req = validate(ctx, params);
        if (req == null) {
            return;
        }
        if (!"approve".equalsIgnoreCase(form.getOrDefault("decision", ""))) {
            redirectError(ctx, req.redirectUri(), "access_denied", null, req.state());
            return;
        }
        User user = pickUser(form.get("login_as"), ctx.cookie(USER_COOKIE), req.app());
        if (user == null) {
            errorPage(ctx, 400, "no_user", "Unknown user " + form.get("login_as"));
            return;
        }
        approve(ctx, req, user);
    }

    private void approve(Context ctx, AuthorizeRequest req, User user) {
        String challenge = req.params().get("code_challenge");
        String code = oauth.issueCode(req.app(), user.uuid, req.redirectUri(), req.scopes(),
                challenge == null || challenge.isEmpty() ? null : challenge);
        ctx.cookie(USER_COOKIE, user.uuid);
        StringBuilder q = new StringBuilder("code=").append(enc(code));
        if (req.state() != null) {
            q.append("&state=").append(enc(req.state()));
        }
        ctx.redirect(append(req.redirectUri(), q.toString()), HttpStatus.FOUND);
    }

    private User pickUser(String loginAs, String cookie, App app) {
        synchronized (store) {
            if (loginAs != null && !loginAs.isBlank()) {
                return find(loginAs);
            }
            if (cookie != null && store.users.containsKey(cookie)) {
                return store.users.get(cookie);
            }
            if (app.defaultUserUuid() != null && store.users.containsKey(app.defaultUserUuid())) {
                return store.users.get(app.defaultUserUuid());
            }
            return store.users.values().stream().findFirst().orElse(null);
        }
    }

    private User find(String ref) {
        if (ref.contains("@") && !ref.contains("/")) {
            return store.userByEmail(ref).orElse(null);
        }
        return Uris.idIn(ref, "users").map(store.users::get).orElse(null);
    }

    private String consentPage(AuthorizeRequest req, User user) {
        StringBuilder users = new StringBuilder();
        synchronized (store) {
            for (User u : store.users.values()) {
                users.append("<option value=\"").append(escapeHtml(u.uuid)).append('"')
                        .append(u.uuid.equals(user.uuid) ? " selected" : "").append('>')
                        .append(escapeHtml(u.name)).append(" &lt;").append(escapeHtml(u.email)).append("&gt; (")
                        .append(escapeHtml(store.orgs.get(u.orgUuid).name)).append(", ").append(u.role.apiName())
                        .append(")</option>");
            }
        }
        StringBuilder hidden = new StringBuilder();
        req.params().forEach((k, v) -> hidden.append("<input type=\"hidden\" name=\"").append(escapeHtml(k))
                .append("\" value=\"").append(escapeHtml(v)).append("\">"));
        String scope = req.scopes() != null ? String.join(", ", req.scopes())
                : req.app().legacy() ? "default (full access: legacy app)" : "none requested (no API access)";
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Authorize " + escapeHtml(req.app().name())
                + " - Calendly sandbox</title>" + PageStyle.HEAD + "</head><body style=\"max-width:40em\">"
                + "<h1>Calendly sandbox</h1>"
                + "<p><strong>" + escapeHtml(req.app().name()) + "</strong> wants to access your Calendly account.</p>"
                + "<p>Signed in as <strong id=\"current-user\">" + escapeHtml(user.name) + " &lt;" + escapeHtml(user.email)
                + "&gt;</strong></p><p>Scopes: <code>" + escapeHtml(scope) + "</code></p>"
                + "<form method=\"post\" action=\"/oauth/authorize\">" + hidden
                + "<label>Consent as <select name=\"login_as\">" + users + "</select></label><p>"
                + "<button type=\"submit\" name=\"decision\" value=\"approve\" id=\"approve\">Approve</button> "
                + "<button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Deny</button></p></form>"
                + "</body></html>";
    }

    private void token(Context ctx) {
        Map<String, String> params = Http.formOrJson(ctx);
        AtomicReference<RateLimiter.Verdict> verdict = new AtomicReference<>();
        ctx.header("Cache-Control", "no-store");
        try {
            ObjectNode body = oauth.token(params, client(ctx, params), verdict::set);
            headers(ctx, verdict.get());
            Http.json(ctx, 200, body, CalendlyJson.Style.AS_BUILT);
        } catch (OAuthError e) {
            headers(ctx, verdict.get());
            if (e.status() == 401) {
                ctx.header("WWW-Authenticate", "Basic realm=\"Calendly\"");
            }
            Http.json(ctx, e.status(), e.body(), CalendlyJson.Style.AS_BUILT);
        }
    }

    private void headers(Context ctx, RateLimiter.Verdict v) {
        Http.rateLimitHeaders(ctx, v != null ? v
                : new RateLimiter.Verdict(true, settings.tokenRequestsPerUserPerMinute,
                settings.tokenRequestsPerUserPerMinute, 60));
    }

    private void revoke(Context ctx) {
        Map<String, String> params = Http.formOrJson(ctx);
        headers(ctx, null);
        try {
            Http.json(ctx, 200, oauth.revoke(params.get("token"), client(ctx, params)), CalendlyJson.Style.AS_BUILT);
        } catch (OAuthError e) {
            Http.json(ctx, e.status(), e.body(), CalendlyJson.Style.AS_BUILT);
        }
    }

    private void introspect(Context ctx) {
        Map<String, String> params = Http.formOrJson(ctx);
        headers(ctx, null);
        try {
            Http.json(ctx, 200, oauth.introspect(params.get("token"), client(ctx, params)),
                    CalendlyJson.Style.AS_BUILT);
        } catch (OAuthError e) {
            Http.json(ctx, e.status(), e.body(), CalendlyJson.Style.AS_BUILT);
        }
    }

    private void metadata(Context ctx) {
        String base = uris.base();
        ObjectNode o = CalendlyJson.object();
        o.put("issuer", base);
        o.put("authorization_endpoint", base + "/oauth/authorize");
        o.put("token_endpoint", base + "/oauth/token");
        o.put("revocation_endpoint", base + "/oauth/revoke");
        o.put("introspection_endpoint", base + "/oauth/introspect");
        o.set("response_types_supported", CalendlyJson.array().add("code"));
        o.set("grant_types_supported", CalendlyJson.array().add("authorization_code").add("refresh_token"));
        o.set("code_challenge_methods_supported", CalendlyJson.array().add("S256"));
        o.set("token_endpoint_auth_methods_supported",
                CalendlyJson.array().add("client_secret_basic").add("client_secret_post").add("none"));
        ArrayNode scopes = o.putArray("scopes_supported");
        Scopes.CATALOGUE.forEach(scopes::add);
        Http.json(ctx, 200, o, CalendlyJson.Style.AS_BUILT);
    }

    /** HTTP Basic credentials win over body fields (RFC 6749 §2.3.1: both are URL-encoded). */
    private static OAuthService.Client client(Context ctx, Map<String, String> params) {
        String auth = ctx.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw OAuthError.invalidClient();
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw OAuthError.invalidClient();
            }
            return new OAuthService.Client(URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                    URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8));
        }
        String secret = params.get("client_secret");
        return new OAuthService.Client(params.get("client_id"), secret == null || secret.isEmpty() ? null : secret);
    }

    private static void redirectError(Context ctx, String redirectUri, String error, String description, String state) {
        List<String> q = new ArrayList<>();
        q.add("error=" + enc(error));
        if (description != null) {
            q.add("error_description=" + enc(description));
        }
        if (state != null) {
            q.add("state=" + enc(state));
        }
        ctx.redirect(append(redirectUri, String.join("&", q)), HttpStatus.FOUND);
    }

    private static void errorPage(Context ctx, int status, String error, String description) {
        ctx.status(status).html("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Authorization error</title>"
                + PageStyle.HEAD + "</head><body><h1>Authorization error</h1><p><code id=\"error\">" + escapeHtml(error) + "</code></p><p>"
                + escapeHtml(description) + "</p></body></html>");
    }

    private static String append(String uri, String query) {
        return uri + (uri.contains("?") ? "&" : "?") + query;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
