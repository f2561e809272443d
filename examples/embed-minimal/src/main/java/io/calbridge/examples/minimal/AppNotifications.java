package io.calbridge.examples.minimal;

import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostTransactions;
import io.calbridge.calendly.spi.Notification;
import io.calbridge.calendly.spi.Notifications;
import java.sql.PreparedStatement;
import java.util.Locale;

/** {@link Notifications} as workspace-level notes (no contact), shown to admins on the home page. */
record AppNotifications(HostTransactions tx) implements Notifications {
    @Override
    public void notify(HostCall call, Notification n) {
        tx.run(call, c -> {
            if (HostCalls.claim(c, call).isPresent()) {
                return null;
            }
            try (PreparedStatement s = c.prepareStatement(
                    "insert into notes (workspace_id, kind, body, details) values (?, ?, ?, ?::jsonb)")) {
                s.setLong(1, HostCalls.workspace(call));
                s.setString(2, "calendly." + n.kind().name().toLowerCase(Locale.ROOT));
                s.setString(3, n.title() + ": " + n.message());
                s.setString(4, HostCalls.json(n.details()));
                s.executeUpdate();
            }
            return null;
        });
    }
}
