package io.calbridge.host.security;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.http.HttpSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * CSRF protection for browser requests: a random token kept in the session (synchronizer token),
 * put into every form ({@value #FIELD}) and every {@code fetch} ({@value #HEADER}), checked on every
 * state-changing request (POST, PUT, PATCH, DELETE) that could carry the session's authority.
 *
 * <p>Not checked: requests with an {@code Authorization} header (bearer API calls; such requests
 * are never authenticated from the session, see {@link CurrentUsers}), exempt paths (the webhook
 * endpoint and the token endpoint, which use no session), and requests without a session, which
 * carry no authority to abuse. The login form is always checked (login CSRF), with a token bound to a
 * cookie rather than a session ({@link LoginFormTokens}), so that showing it creates no session.
 *
 * <p>Why not pac4j's CSRF token generator and authorizer: pac4j rotates the token on every
 * request, which breaks a page that sends several {@code fetch} calls or is open in two tabs, and
 * its authorizer runs only inside pac4j's security filter, which the plugin's routes do not pass.
 */
public final class CsrfGuard {
    /** Form field that carries the token. */
    public static final String FIELD = "_csrf";
    /** Request header that carries the token (for {@code fetch}). */
    public static final String HEADER = "X-CSRF-Token";
    static final String SESSION_KEY = "calbridge.csrf";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private final SecureRandom random = new SecureRandom();
    private final LoginFormTokens loginForms;
    private final Set<String> alwaysChecked;
    private final Set<String> exemptPaths;
    private final List<String> exemptPrefixes;

    /**
     * @param loginForms     the session-free tokens of the login form
     * @param alwaysChecked  paths checked even without a session, with a login-form token (the login form's target)
     * @param exemptPaths    exact paths never checked
     * @param exemptPrefixes path prefixes never checked
     */
    CsrfGuard(LoginFormTokens loginForms, Set<String> alwaysChecked, Set<String> exemptPaths, List<String> exemptPrefixes) {
        this.loginForms = loginForms;
        this.alwaysChecked = Set.copyOf(alwaysChecked);
        this.exemptPaths = Set.copyOf(exemptPaths);
        this.exemptPrefixes = List.copyOf(exemptPrefixes);
    }

    /**
     * The login form's token, bound to a cookie instead of a session: an anonymous page creates no
     * server session. See {@link LoginFormTokens}.
     */
    public String loginFormToken(Context ctx) {
        return loginForms.token(ctx);
    }

    /** The session's token, created (with the session) on first use. Put it in forms and fetch headers. */
    public String token(Context ctx) {
        HttpSession session = ctx.req().getSession(true);
        Object token = session.getAttribute(SESSION_KEY);
        if (token instanceof String s) {
            return s;
        }
        return rotate(ctx);
    }

    /** A new token for the session: after login, like the session id. */
    String rotate(Context ctx) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        ctx.req().getSession(true).setAttribute(SESSION_KEY, token);
        return token;
    }

    /** Before-handler: throws 403 {@code csrf_token_invalid} when a request needs a token and lacks the right one. */
    void check(Context ctx) {
        if (SAFE_METHODS.contains(ctx.method().name()) || ctx.header("Authorization") != null) {
            return;
        }
        String path = ctx.path();
        if (exemptPaths.contains(path) || exemptPrefixes.stream().anyMatch(path::startsWith)) {
            return;
        }
        if (alwaysChecked.contains(path)) {
            if (!loginForms.matches(ctx, presented(ctx))) {
                throw invalid();
            }
            return;
        }
        HttpSession session = ctx.req().getSession(false);
        if (session == null) {
            return;
        }
        Object expected = session.getAttribute(SESSION_KEY);
        String presented = presented(ctx);
        if (!(expected instanceof String e) || presented == null
                || !MessageDigest.isEqual(e.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8))) {
            throw invalid();
        }
    }

    private static HttpResponseException invalid() {
        return new HttpResponseException(403,
                "This form has expired or did not come from this site. Reload the page and try again.",
                Map.of("code", "csrf_token_invalid"));
    }

    private static String presented(Context ctx) {
        String header = ctx.header(HEADER);
        if (header != null) {
            return header;
        }
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        // Only form bodies are parsed: reading a JSON or webhook body as a form would consume it for nothing.
        if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
            return ctx.formParam(FIELD);
        }
        return null;
    }
}
