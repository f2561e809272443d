package io.calbridge.host.crm;

import io.calbridge.calendly.spi.HostServices;
import io.calbridge.calendly.spi.PersonErasure;
import javax.sql.DataSource;

/**
 * tenant-host's implementation of the Calendly plugin's host interfaces, on its own tables
 * (contacts, statuses, mailing lists, tags, tasks, activity, team). When the plugin hands over its
 * transaction (host and plugin share this database) every statement runs in it; otherwise each call
 * runs in its own transaction on {@code dataSource}. Idempotency keys are honoured through unique
 * columns and {@code host_idempotency}.
 *
 * <pre>{@code
 * HostServices host = Crm.hostServices(dataSource);
 * }</pre>
 */
public final class Crm {
    private Crm() {
    }

    public static HostServices hostServices(DataSource dataSource) {
        CrmTx tx = new CrmTx(dataSource);
        return new HostServices(new CrmContacts(tx), new CrmMailingLists(tx), new CrmTasks(tx),
                new CrmTeamMembers(tx), new CrmNotifications(tx), new CrmTenantDirectory(tx));
    }

    /** Erases one person's contact, tasks and activity of one tenant (issue 17; the plugin's optional SPI). */
    public static PersonErasure personErasure(DataSource dataSource) {
        return new CrmPersonErasure(new CrmTx(dataSource));
    }
}
