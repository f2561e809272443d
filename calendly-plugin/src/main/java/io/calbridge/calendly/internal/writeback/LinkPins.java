package io.calbridge.calendly.internal.writeback;

import io.calbridge.calendly.internal.booking.ContactPins;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;

/**
 * Attaches a booking made through a scheduling link to the contact the link was sent to: the
 * invitee's {@code tracking.utm_content} carries {@code calbridge-link.<token>}, the token finds the
 * link of the same tenant and integration, and the first invitee to use it claims it. A token that
 * is unknown, of another integration, or already claimed by another invitee pins nothing (the
 * booking then finds its contact by e-mail, as any other).
 */
final class LinkPins implements ContactPins {
    private final WriteBackStore store = new WriteBackStore();
    private final Clock clock;

    LinkPins(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Optional<String> contactFor(DSLContext dsl, String tenantId, UUID integrationId, String inviteeUri,
                                       String utmContent) {
        if (utmContent == null || !utmContent.startsWith(WriteBackService.TOKEN_PREFIX) || inviteeUri == null) {
            return Optional.empty();
        }
        String token = utmContent.substring(WriteBackService.TOKEN_PREFIX.length()).strip();
        if (token.isEmpty() || token.length() > 100) {
            return Optional.empty();
        }
        return store.claim(dsl, tenantId, integrationId, token, inviteeUri, clock.instant());
    }
}
