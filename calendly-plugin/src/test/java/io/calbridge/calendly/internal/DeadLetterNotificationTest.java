package io.calbridge.calendly.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.TestHost;
import io.calbridge.calendly.internal.webhook.StoredDelivery;
import io.calbridge.calendly.spi.Notification;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DeadLetterNotificationTest {

    @Test
    void aDeadLetteredDeliveryBecomesANotificationForTheTenantsAdmins() {
        TestHost host = new TestHost();
        UUID integration = UUID.randomUUID();
        StoredDelivery delivery = new StoredDelivery(42L, "tenant-7", integration, "invitee.created",
                "{}".getBytes(StandardCharsets.UTF_8), 1, Instant.parse("2026-11-24T10:15:30Z"));

        Wiring.notifyHost(host.asServices().notifications())
                .deadLettered(delivery, "the mapping points at a deleted list; pick another list");

        assertEquals(1, host.notifications.size());
        Notification n = host.notifications.get(0);
        assertEquals(Notification.Kind.DELIVERY_DEAD_LETTERED, n.kind());
        assertTrue(n.message().contains("the mapping points at a deleted list; pick another list"), n.message());
        assertTrue(n.message().contains("replay"), n.message());
        assertEquals(integration.toString(), n.details().get("integration_id"));
        // Regression (issue 13): an error ending in a period read "...list.. Fix the cause".
        Wiring.notifyHost(host.asServices().notifications()).deadLettered(delivery, "the list was deleted.");
        String second = host.notifications.get(1).message();
        assertTrue(second.contains("the list was deleted. Fix the cause"), second);
        assertFalse(second.contains(".."), second);
        assertEquals(42L, n.details().get("inbox_id"));
    }
}
