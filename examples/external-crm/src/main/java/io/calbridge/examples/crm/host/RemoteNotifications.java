package io.calbridge.examples.crm.host;

import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.Notification;
import io.calbridge.calendly.spi.Notifications;
import java.util.Map;

/** {@link Notifications}: posted to the CRM account, where its admins see them. */
record RemoteNotifications(CrmClient crm) implements Notifications {
    @Override
    public void notify(HostCall call, Notification n) {
        crm.post(call, "/notifications", Map.of("kind", n.kind().name(), "title", n.title(), "message", n.message(),
                "details", n.details()));
    }
}
