package io.calbridge.calendly;

import io.calbridge.calendly.internal.Wiring;
import io.javalin.config.JavalinState;
import io.javalin.config.Key;
import io.javalin.plugin.Plugin;
import java.util.function.Consumer;

/**
 * The Calendly integration as one Javalin 7 plugin.
 *
 * <pre>{@code
 * Javalin.create(config -> config.registerPlugin(new CalendlyPlugin(c -> {
 *     c.publicBaseUrl = "https://app.example.com";
 *     c.dataSource = dataSource;
 *     // host interfaces, master key, ... see CalendlyConfig
 * })));
 * }</pre>
 *
 * <p>The configuration is checked when the plugin is constructed; a missing or impossible setting
 * throws {@link IllegalArgumentException} naming the setting and what to put there. Once Javalin
 * starts, the plugin applies its own migrations (unless disabled), registers its routes, starts the
 * webhook worker, and stops everything when the server stops. It also sets the host's Jetty idle
 * timeout and minimum request data rate ({@link CalendlyConfig#httpIdleTimeout},
 * {@link CalendlyConfig#httpMinRequestDataRate}) so that slow clients cannot hold server threads.
 */
public final class CalendlyPlugin extends Plugin<CalendlyConfig> {
    /** The plugin's runtime operations, for the host: {@code app.unsafe.appDataManager.get(OPERATIONS)}. */
    public static final Key<CalendlyOperations> OPERATIONS = new Key<>("calbridge.calendly.operations");

    /** Acting on Calendly from the CRM (cancel, no-show, scheduling links, meetings): {@code ctx.appData(ACTIONS)}. */
    public static final Key<CalendlyActions> ACTIONS = new Key<>("calbridge.calendly.actions");

    /** The drop-in UI's meetings of one contact, for the host's contact page: {@code ctx.appData(CONTACT_MEETINGS_UI)}. */
    public static final Key<ContactMeetingsUi> CONTACT_MEETINGS_UI = new Key<>("calbridge.calendly.contact-meetings-ui");

    private final Wiring.Settings settings;
    private Wiring wiring;

    /**
     * Applies {@code userConfig} to a fresh {@link CalendlyConfig}, checks it and freezes a copy.
     * Nothing connects to the database or the network yet; that happens when Javalin starts.
     *
     * @param userConfig sets the fields of {@link CalendlyConfig}; called once, on this thread
     * @throws IllegalArgumentException when a required setting is missing or a value is impossible;
     *                                  the message names the setting and what to put there
     */
    public CalendlyPlugin(Consumer<CalendlyConfig> userConfig) {
        super(userConfig, new CalendlyConfig());
        this.settings = Wiring.Settings.validate(pluginConfig);
    }

    @Override
    public void onInitialize(JavalinState state) {
        wiring = new Wiring(settings);
        state.appData(OPERATIONS, wiring.operations());
        state.appData(ACTIONS, wiring.actions());
        state.appData(CONTACT_MEETINGS_UI, wiring.contactMeetingsUi());
        // Slow clients must not hold server threads: bound how long and how slowly a request may stall.
        state.jetty.modifyHttpConfiguration(http -> {
            if (settings.httpIdleTimeout() != null) {
                http.setIdleTimeout(settings.httpIdleTimeout().toMillis());
            }
            if (settings.httpMinRequestDataRate() > 0) {
                http.setMinRequestDataRate(settings.httpMinRequestDataRate());
            }
        });
    }

    @Override
    public void onStart(JavalinState state) {
        wiring.registerRoutes(state.routes);
        state.events.serverStarted(wiring::start);
        state.events.serverStopping(wiring::stop);
    }

    /** This plugin's object graph once Javalin initialised it (null before); for the plugin's own tests. */
    Wiring wiring() {
        return wiring;
    }

    @Override
    public String name() {
        return "calendly";
    }
}
