package io.calbridge.host.security;

import org.pac4j.core.context.CallContext;
import org.pac4j.core.context.WebContext;
import org.pac4j.core.exception.http.HttpAction;
import org.pac4j.core.util.HttpActionHelper;
import org.pac4j.jee.context.JEEContext;

/**
 * Remembers the page an anonymous visitor asked for, to return there after login. Unlike pac4j's
 * default it stores a path (not the absolute URL built from the request's Host header, wrong
 * behind a proxy) and only for GET (pac4j would replay a POST through an inline auto-submitting
 * form, which our CSP forbids and which would lack a CSRF token anyway).
 */
final class RelativeSavedRequests implements org.pac4j.core.engine.savedrequest.SavedRequestHandler {
    static final String KEY = "pac4jRequestedUrl";

    @Override
    public void save(CallContext cc) {
        WebContext web = cc.webContext();
        if (!"GET".equals(web.getRequestMethod()) || !(web instanceof JEEContext jee)) {
            return;
        }
        String uri = jee.getNativeRequest().getRequestURI();
        String query = jee.getNativeRequest().getQueryString();
        String path = query == null ? uri : uri + "?" + query;
        if (isLocalPath(path)) {
            cc.sessionStore().set(web, KEY, path);
        }
    }

    @Override
    public HttpAction restore(CallContext cc, String defaultUrl) {
        WebContext web = cc.webContext();
        String saved = cc.sessionStore().get(web, KEY).map(Object::toString).orElse("");
        cc.sessionStore().set(web, KEY, "");
        return HttpActionHelper.buildRedirectUrlAction(web, isLocalPath(saved) ? saved : defaultUrl);
    }

    /** Only this site's paths: "//host" and "/\host" are other sites to a browser. */
    static boolean isLocalPath(String path) {
        return path != null && path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\");
    }
}
