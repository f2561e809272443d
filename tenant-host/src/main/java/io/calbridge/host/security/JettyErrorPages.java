package io.calbridge.host.security;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The error pages Jetty writes itself, before a request reaches the app: 400 for a URI it refuses
 * ({@code /app/%00}), 431 for headers over the limit, 414, 505... They bypass the app's before-handlers,
 * so without this they lacked the security headers every page of the host has (issue 13). They also
 * show no stack traces and no message taken from the request.
 */
final class JettyErrorPages extends ErrorHandler {
    private final SecurityHeaders headers;

    JettyErrorPages(SecurityHeaders headers) {
        this.headers = headers;
        setShowStacks(false);
        setShowMessageInTitle(false);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        headers.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        return super.handle(request, response, callback);
    }
}
