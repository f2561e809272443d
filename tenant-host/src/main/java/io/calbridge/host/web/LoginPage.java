package io.calbridge.host.web;

import io.calbridge.host.security.CsrfGuard;
import io.calbridge.host.security.CurrentUsers;
import io.calbridge.host.security.SecurityConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Map;

/** {@code GET /login}: the form pac4j's FormClient sends anonymous browsers to. */
record LoginPage(CurrentUsers users, CsrfGuard csrf) {
    /** pac4j puts the failing authenticator's exception class name into {@code ?error=}. */
    private static final Map<String, String> ERRORS = Map.of(
            "BadCredentials", "Wrong email or password.",
            "NoTenant", "This account does not belong to any tenant yet.",
            "Throttled", "Too many failed sign-in attempts. Wait a few minutes and try again.",
            "missing_field", "Enter your email and password.");

    void show(Context ctx) {
        if (users.find(ctx).isPresent()) {
            ctx.redirect(SecurityConfig.APP_PATH, HttpStatus.SEE_OTHER);
            return;
        }
        String error = ctx.queryParam("error");
        Html notice = error != null
                ? Html.of("<p class=\"notice error\" role=\"alert\">{}</p>", ERRORS.getOrDefault(error, "Sign-in failed. Try again."))
                : ctx.queryParam("logged_out") != null ? Html.raw("<p class=\"notice\">You are signed out.</p>") : Html.EMPTY;
        String token = csrf.loginFormToken(ctx); // the login form is CSRF-checked too, without a session
        String email = ctx.queryParam("username");
        ctx.html(Layout.bare("Sign in", token, Html.of("""
                <h1>Sign in</h1>
                {}
                <form method="post" action="{}" class="stack">
                <input type="hidden" name="{}" value="{}">
                <label>Email <input type="email" name="username" value="{}" autocomplete="username" required autofocus></label>
                <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
                <button type="submit">Sign in</button>
                </form>
                """, notice, SecurityConfig.CALLBACK_PATH, CsrfGuard.FIELD, token, email)).toString());
    }
}
