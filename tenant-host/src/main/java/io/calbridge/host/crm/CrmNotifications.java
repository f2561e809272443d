package io.calbridge.host.crm;

import static io.calbridge.db.host.Tables.ACTIVITY;

import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.Notification;
import io.calbridge.calendly.spi.Notifications;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * {@link Notifications} as tenant-level rows of the {@code activity} table (no contact), kind
 * {@code notification.<kind>}, where the host's admin pages show them. A repeated key adds nothing.
 */
record CrmNotifications(CrmTx tx) implements Notifications {
    @Override
    public void notify(HostCall call, Notification n) {
        UUID tenant = CrmTx.tenant(call);
        Map<String, Object> details = new LinkedHashMap<>(n.details());
        details.put("message", n.message());
        tx.run(call, dsl -> dsl.insertInto(ACTIVITY)
                .set(ACTIVITY.TENANT_ID, tenant)
                .set(ACTIVITY.KIND, "notification." + n.kind().name().toLowerCase(Locale.ROOT))
                .set(ACTIVITY.SUMMARY, n.title())
                .set(ACTIVITY.DETAILS, CrmTx.json(details))
                .set(ACTIVITY.IDEMPOTENCY_KEY, call.idempotencyKey())
                .onConflictDoNothing()
                .execute());
    }
}
