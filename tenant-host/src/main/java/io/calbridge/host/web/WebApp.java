package io.calbridge.host.web;

import io.calbridge.host.security.SecurityConfig;
import io.calbridge.host.security.UserDirectory;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import org.jooq.DSLContext;

/**
 * tenant-host's browser UI: server-rendered pages under {@code /app} (login required, see
 * {@link SecurityConfig}), the login form, error pages and {@code /static/} (CSS, JS).
 *
 * <p>To add a page: write a handler that starts with {@code users.require(ctx)} (or
 * {@code requireAdmin}), renders its content with {@link Html} and wraps it with
 * {@link Layout#page}; register it in {@link #install}; add a {@link Nav} entry if it belongs in
 * the navigation.
 */
public final class WebApp {
    private final Layout layout;
    private final LoginPage login;
    private final CrmPages crm;
    private final CalendlyFrame calendly;

    public WebApp(SecurityConfig security, UserDirectory directory, DSLContext dsl) {
        this.layout = new Layout(directory, security.csrf());
        this.login = new LoginPage(security.users(), security.csrf());
        this.crm = new CrmPages(security.users(), new CrmReads(dsl), layout);
        this.calendly = new CalendlyFrame(security.users(), layout);
    }

    public void install(JavalinConfig config) {
        config.staticFiles.add(files -> {
            files.hostedPath = "/static";
            files.directory = "/web/static";
            files.location = Location.CLASSPATH;
        });
        RoutesConfig routes = config.routes;
        ErrorPages.register(routes);
        routes.get(SecurityConfig.LOGIN_PATH, login::show);
        routes.get(SecurityConfig.APP_PATH, ctx -> ctx.redirect(Nav.CONTACTS.path(), HttpStatus.SEE_OTHER));
        routes.get("/app/contacts", crm::contacts);
        routes.get("/app/contacts/{id}", crm::contact);
        routes.get("/app/lists", crm::lists);
        routes.get("/app/lists/{id}", crm::list);
        routes.get("/app/tags", crm::tags);
        routes.get("/app/tags/{id}", crm::tag);
        routes.get("/app/tasks", crm::tasks);
    }

    /** The Calendly page: the plugin's settings UI at {@link CalendlyFrame#PATH}, in this app's layout. */
    public io.calbridge.calendly.SettingsUi calendlyUi() {
        return io.calbridge.calendly.SettingsUi.at(CalendlyFrame.PATH).frame(calendly);
    }

    /** The page chrome, for pages added elsewhere. */
    public Layout layout() {
        return layout;
    }
}
