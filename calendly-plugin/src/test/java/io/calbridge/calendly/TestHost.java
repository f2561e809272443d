package io.calbridge.calendly;

import io.calbridge.calendly.spi.ActivityEntry;
import io.calbridge.calendly.spi.Choice;
import io.calbridge.calendly.spi.ContactDraft;
import io.calbridge.calendly.spi.ContactRef;
import io.calbridge.calendly.spi.Contacts;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostServices;
import io.calbridge.calendly.spi.MailingLists;
import io.calbridge.calendly.spi.Notification;
import io.calbridge.calendly.spi.Notifications;
import io.calbridge.calendly.spi.TaskDraft;
import io.calbridge.calendly.spi.Tasks;
import io.calbridge.calendly.spi.TeamMember;
import io.calbridge.calendly.spi.TeamMembers;
import io.calbridge.calendly.spi.TenantDirectory;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory host for plugin tests that register the whole plugin but are not about booking
 * effects (those are tested against tenant-host's real tables). Contacts are keyed by email;
 * notifications are recorded.
 */
public class TestHost implements Contacts, MailingLists, Tasks, Notifications, TenantDirectory {
    public final Map<String, ContactRef> contactsByEmail = new ConcurrentHashMap<>();
    public final List<Notification> notifications = new CopyOnWriteArrayList<>();
    /** The tenant's mailing lists and tags (every tenant has the same); tests may add to them. */
    public final List<Choice> lists = new CopyOnWriteArrayList<>();
    public final List<Choice> tags = new CopyOnWriteArrayList<>();

    public static HostServices services() {
        return new TestHost().asServices();
    }

    public HostServices asServices() {
        return new HostServices(this, this, this, new TeamMembers() {
            @Override
            public List<TeamMember> list(HostCall call) {
                return List.of();
            }

            @Override
            public Optional<TeamMember> findByEmail(HostCall call, String email) {
                return Optional.empty();
            }
        }, this, this);
    }

    @Override
    public ContactRef findOrCreate(HostCall call, ContactDraft draft) {
        return contactsByEmail.computeIfAbsent(call.tenantId() + "|" + draft.email().toLowerCase(java.util.Locale.ROOT),
                k -> new ContactRef(UUID.randomUUID().toString(), true, "lead", null));
    }

    @Override
    public Optional<ContactRef> findByEmail(HostCall call, String email) {
        return Optional.ofNullable(contactsByEmail.get(call.tenantId() + "|" + email.toLowerCase(java.util.Locale.ROOT)));
    }

    @Override
    public Optional<String> email(HostCall call, String contactId) {
        String prefix = call.tenantId() + "|";
        return contactsByEmail.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix) && e.getValue().id().equals(contactId))
                .map(e -> e.getKey().substring(prefix.length())).findFirst();
    }

    @Override
    public void updateStatus(HostCall call, String contactId, String statusCode) {
    }

    @Override
    public void updateOwner(HostCall call, String contactId, String ownerId) {
    }

    @Override
    public void updateFields(HostCall call, String contactId, Map<String, String> fields) {
    }

    @Override
    public void addActivity(HostCall call, String contactId, ActivityEntry entry) {
    }

    @Override
    public List<Choice> statuses(HostCall call) {
        return List.of(new Choice("lead", "Lead"), new Choice("customer", "Customer"));
    }

    @Override
    public void subscribe(HostCall call, String contactId, Collection<String> listIds) {
    }

    @Override
    public void tag(HostCall call, String contactId, Collection<String> tagIds) {
    }

    @Override
    public void untag(HostCall call, String contactId, Collection<String> tagIds) {
    }

    @Override
    public List<Choice> lists(HostCall call) {
        return List.copyOf(lists);
    }

    @Override
    public List<Choice> tags(HostCall call) {
        return List.copyOf(tags);
    }

    @Override
    public String create(HostCall call, TaskDraft draft) {
        return UUID.randomUUID().toString();
    }

    @Override
    public void reschedule(HostCall call, String taskId, TaskDraft draft) {
    }

    @Override
    public void cancel(HostCall call, String taskId) {
    }

    @Override
    public void complete(HostCall call, String taskId) {
    }

    @Override
    public void reopen(HostCall call, String taskId) {
    }

    @Override
    public void notify(HostCall call, Notification notification) {
        notifications.add(notification);
    }

    @Override
    public ZoneId timeZone(HostCall call) {
        return ZoneOffset.UTC;
    }
}
