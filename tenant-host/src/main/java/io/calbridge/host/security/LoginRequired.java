package io.calbridge.host.security;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import org.pac4j.core.adapter.FrameworkAdapter;
import org.pac4j.core.config.Config;
import org.pac4j.javalin.JavalinFrameworkParameters;

/**
 * Before-handler that lets only logged-in browsers through and sends the others to the login
 * form (AJAX calls get 401). It replaces javalin-pac4j 7.0.0's {@code SecurityHandler}, which was
 * compiled against Javalin 5: when access is refused it calls
 * {@code io.javalin.http.servlet.Task.getSkipIfExceptionOccurred()}, which Javalin 7 no longer has
 * (NoSuchMethodError, so a 500 instead of the redirect). Here the refusal uses Javalin 7's
 * {@link Context#skipRemainingHandlers()}; the decision is still pac4j's security logic. The rest of
 * javalin-pac4j works on Javalin 7 and is used as is: {@code CallbackHandler} (login), the web
 * context, session store and action adapter (see the login tests).
 */
record LoginRequired(Config config, String clients) implements Handler {
    private static final Object GRANTED = new Object();

    @Override
    public void handle(Context ctx) {
        FrameworkAdapter.INSTANCE.applyDefaultSettingsIfUndefined(config);
        // Authorizers and matchers "none": CSRF and headers are CsrfGuard's and SecurityHeaders' job.
        Object result = config.getSecurityLogic().perform(config, (web, session, profiles) -> GRANTED,
                clients, "none", "none", new JavalinFrameworkParameters(ctx));
        if (result != GRANTED) {
            ctx.skipRemainingHandlers();
        }
    }
}
