package io.calbridge.calendly.internal.writeback;

import io.calbridge.calendly.ActionResult;
import io.calbridge.calendly.CalendlyActionException;
import io.calbridge.calendly.CalendlyActions;
import io.calbridge.calendly.Meetings;
import io.calbridge.calendly.SchedulingLink;
import io.calbridge.calendly.SchedulingLinkRequest;
import io.calbridge.calendly.internal.booking.ContactPins;
import io.calbridge.calendly.internal.client.CalendlyClient;
import io.calbridge.calendly.internal.common.ApiException;
import io.calbridge.calendly.internal.common.Db;
import io.calbridge.calendly.internal.oauth.TokenSource;
import io.calbridge.calendly.internal.settings.Access;
import io.calbridge.calendly.spi.Contacts;
import io.calbridge.calendly.spi.HostSecurity;
import io.calbridge.calendly.spi.HostSecurity.Caller;
import io.javalin.config.RoutesConfig;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Front door of the write-back feature (acting on Calendly from the CRM), for {@code Wiring}:
 *
 * <pre>{@code
 * ContactPins pins = WriteBack.pins(clock);            // before Bookings: links attach bookings to contacts
 * var writeBack = WriteBack.create(db, calendly, tokens, security, access, host.contacts(), sync::importMeetingsOf, clock);
 * writeBack.registerRoutes(routes, prefix);            // before the settings routes
 * writeBack.actions();                                 // the public CalendlyActions
 * }</pre>
 */
public final class WriteBack {
    private final WriteBackService service;
    private final WriteBackRoutes routes;

    private WriteBack(WriteBackService service, Access access) {
        this.service = service;
        this.routes = new WriteBackRoutes(access, service);
    }

    /**
     * A person's meetings the plugin never received, brought in from Calendly's API by e-mail through
     * one integration (the sync feature's import path); answers how many were applied.
     */
    @FunctionalInterface
    public interface MissingMeetings {
        int importFor(UUID integrationId, String email);
    }

    public static WriteBack create(Db db, CalendlyClient calendly, TokenSource tokens, HostSecurity security, Access access,
                                   Contacts contacts, MissingMeetings missing, Clock clock) {
        return new WriteBack(new WriteBackService(db, calendly, tokens, security, contacts, missing, clock), access);
    }

    /** The booking hook: a booking made through a link sent to a contact attaches to that contact. */
    public static ContactPins pins(Clock clock) {
        return new LinkPins(clock);
    }

    /** The operations with the settings API's errors ({@code ApiException}), for the drop-in UI. */
    public WriteBackService service() {
        return service;
    }

    public void registerRoutes(RoutesConfig routesConfig, String prefix) {
        routes.register(routesConfig, prefix);
    }

    /** The same operations for host code; errors as {@link CalendlyActionException}. */
    public CalendlyActions actions() {
        return new CalendlyActions() {
            @Override
            public Meetings meetings(Caller caller, String contactId, boolean refresh) {
                return call(caller, () -> service.meetings(caller, contactId, refresh));
            }

            @Override
            public ActionResult cancelMeeting(Caller caller, String meetingId, String reason) {
                return call(caller, () -> service.cancel(caller, meetingId, reason));
            }

            @Override
            public ActionResult markNoShow(Caller caller, String meetingId) {
                return call(caller, () -> service.markNoShow(caller, meetingId));
            }

            @Override
            public ActionResult unmarkNoShow(Caller caller, String meetingId) {
                return call(caller, () -> service.unmarkNoShow(caller, meetingId));
            }

            @Override
            public SchedulingLink createSchedulingLink(Caller caller, SchedulingLinkRequest request) {
                Objects.requireNonNull(request, "request");
                return call(caller, () -> service.createLink(caller, request));
            }
        };
    }

    private static <T> T call(Caller caller, Supplier<T> work) {
        Objects.requireNonNull(caller, "caller");
        if (caller.tenantId() == null || caller.tenantId().isBlank()) {
            throw new IllegalArgumentException("caller.tenantId() is required");
        }
        try {
            return work.get();
        } catch (ApiException e) {
            throw new CalendlyActionException(e.status(), e.code(), e.getMessage(), e.field());
        }
    }
}
