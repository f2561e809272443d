package io.calbridge.host.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.pac4j.core.context.CallContext;
import org.pac4j.core.context.Cookie;
import org.pac4j.core.context.WebContext;
import org.pac4j.core.exception.http.HttpAction;
import org.pac4j.core.util.HttpActionHelper;
import org.pac4j.jee.context.JEEContext;

/**
 * Remembers the page an anonymous visitor asked for, to return there after login. Unlike pac4j's
 * default it stores a path (not the absolute URL built from the request's Host header, wrong
 * behind a proxy), only for GET (pac4j would replay a POST through an inline auto-submitting
 * form, which our CSP forbids and which would lack a CSRF token anyway), and in a short-lived cookie
 * rather than the session, so that an anonymous visitor costs the server no session.
 */
final class RelativeSavedRequests implements org.pac4j.core.engine.savedrequest.SavedRequestHandler {
    static final String COOKIE = "calbridge_next";
    private static final int MAX_AGE_SECONDS = 600;
    private static final int MAX_PATH_LENGTH = 2048;

    private final boolean https;

    RelativeSavedRequests(boolean https) {
        this.https = https;
    }

    @Override
    public void save(CallContext cc) {
        WebContext web = cc.webContext();
        if (!"GET".equals(web.getRequestMethod()) || !(web instanceof JEEContext jee)) {
            return;
        }
        String uri = jee.getNativeRequest().getRequestURI();
        String query = jee.getNativeRequest().getQueryString();
        String path = query == null ? uri : uri + "?" + query;
        if (isLocalPath(path) && path.length() <= MAX_PATH_LENGTH) {
            web.addResponseCookie(cookie(Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(path.getBytes(StandardCharsets.UTF_8)), MAX_AGE_SECONDS));
        }
    }

    @Override
    public HttpAction restore(CallContext cc, String defaultUrl) {
        WebContext web = cc.webContext();
        String saved = web.getRequestCookies().stream().filter(c -> COOKIE.equals(c.getName())).findFirst()
                .map(c -> decode(c.getValue())).orElse("");
        web.addResponseCookie(cookie("", 0));
        return HttpActionHelper.buildRedirectUrlAction(web, isLocalPath(saved) ? saved : defaultUrl);
    }

    private Cookie cookie(String value, int maxAge) {
        Cookie cookie = new Cookie(COOKIE, value);
        cookie.setPath("/");
        cookie.setMaxAge(maxAge);
        cookie.setHttpOnly(true);
        cookie.setSecure(https);
        cookie.setSameSitePolicy("Lax");
        return cookie;
    }

    private static String decode(String value) {
        try {
            return new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** Only this site's paths: "//host" and "/\\host" are other sites to a browser. */
    static boolean isLocalPath(String path) {
        return path != null && path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\");
    }
}
