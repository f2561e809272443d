package io.calbridge.calendly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.calbridge.calendly.spi.Contacts;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.calendly.spi.MailingLists;
import io.calbridge.calendly.spi.Notifications;
import io.calbridge.calendly.spi.Tasks;
import io.calbridge.calendly.spi.TeamMembers;
import io.calbridge.calendly.spi.TenantDirectory;
import io.calbridge.testing.TestDatabase;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A host that forgets one of its services learns at registration which one and what to put there. */
class HostServicesRequiredTest {
    @RegisterExtension
    static final TestDatabase db = TestDatabase.empty();

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "contacts, 1, Contacts, finds or creates the tenant's contact",
            "mailingLists, 2, MailingLists, returns empty lists() and tags()",
            "tasks, 3, Tasks, follow-up task",
            "teamMembers, 4, TeamMembers, who can own contacts and tasks",
            "notifications, 5, Notifications, tells the tenant's admins",
            "tenants, 6, TenantDirectory, time zone",
    })
    void aMissingHostService_failsRegistration_namingItsArgumentAndWhatToPutThere(String part, int position,
            String type, String explanation) {
        HostServices complete = TestHost.services();
        Object[] parts = {complete.contacts(), complete.mailingLists(), complete.tasks(), complete.teamMembers(),
                complete.notifications(), complete.tenants()};
        parts[position - 1] = null;

        var e = assertThrows(IllegalArgumentException.class, () -> new CalendlyPlugin(c -> {
            c.publicBaseUrl = "https://app.example.com";
            c.dataSource = db.dataSource();
            c.masterKey = MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson());
            c.security = ctx -> Optional.empty();
            c.host = new HostServices((Contacts) parts[0], (MailingLists) parts[1], (Tasks) parts[2],
                    (TeamMembers) parts[3], (Notifications) parts[4], (TenantDirectory) parts[5]);
        }));

        String message = e.getMessage();
        assertTrue(message.startsWith(part + " is required: argument " + position + " of new HostServices(...) (c.host)"
                + " must be your " + type + " (io.calbridge.calendly.spi." + type + ")"), message);
        assertTrue(message.contains(explanation), message);
        assertTrue(message.contains("e.g. c.host = new HostServices("), message);
        assertTrue(message.contains("docs/host-interfaces.md"), message);
    }

    @Test
    void theExampleInTheMessagePutsTheMissingPartInItsOwnPlace() {
        var e = assertThrows(IllegalArgumentException.class, () -> new HostServices(TestHost.services().contacts(),
                null, null, null, null, null));

        assertEquals("mailingLists is required: argument 2 of new HostServices(...) (c.host) must be your MailingLists"
                + " (io.calbridge.calendly.spi.MailingLists), which subscribes contacts to the tenant's lists and tags"
                + " them; a host without lists or tags returns empty lists() and tags() and is never asked to subscribe"
                + " or tag, e.g. c.host = new HostServices(contacts, new YourMailingLists(dataSource), tasks, teamMembers,"
                + " notifications, tenants); what each part must guarantee:"
                + " https://github.com/calbridge/calbridge/blob/main/docs/host-interfaces.md", e.getMessage());
    }

    @Test
    void noHostServicesAtAll_failsRegistration_sayingWhatToSet() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CalendlyPlugin(c -> {
            c.publicBaseUrl = "https://app.example.com";
            c.dataSource = db.dataSource();
            c.masterKey = MasterKeys.fromKeysetJson(MasterKeys.newKeysetJson());
            c.security = ctx -> Optional.empty();
        }));

        assertTrue(e.getMessage().startsWith("host is required: the HostServices"), e.getMessage());
        assertTrue(e.getMessage().contains("c.host = new HostServices("), e.getMessage());
    }
}
