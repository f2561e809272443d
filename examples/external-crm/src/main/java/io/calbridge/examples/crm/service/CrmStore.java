package io.calbridge.examples.crm.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The CRM's data, in memory: accounts with their members, statuses, lists, tags, contacts, tasks and
 * notifications. It outlives the HTTP server ({@link CrmService} can stop and start again on it), as
 * a real CRM's database outlives its process. Callers hold the store's lock ({@code synchronized (store)})
 * for every read and change.
 */
public final class CrmStore {
    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private final AtomicLong ids = new AtomicLong(1000);

    /** A customer of the CRM: the host's tenant. */
    public static final class Account {
        final String id;
        final String timeZone;
        final Map<String, Member> members = new LinkedHashMap<>();
        final Map<String, String> statuses = new LinkedHashMap<>();
        final Map<String, String> lists = new LinkedHashMap<>();
        final Map<String, String> tags = new LinkedHashMap<>();
        final Map<String, Contact> contacts = new LinkedHashMap<>();
        final Map<String, Task> tasks = new LinkedHashMap<>();
        final List<Map<String, Object>> notifications = new ArrayList<>();

        Account(String id, String timeZone) {
            this.id = id;
            this.timeZone = timeZone;
        }
    }

    record Member(String id, String email, String name) {
    }

    static final class Contact {
        final String id;
        String email;
        String name;
        String phone;
        String status;
        String ownerId;
        final Map<String, String> fields = new LinkedHashMap<>();
        final Set<String> lists = new LinkedHashSet<>();
        final Set<String> tags = new LinkedHashSet<>();
        final List<Map<String, Object>> activities = new ArrayList<>();

        Contact(String id) {
            this.id = id;
        }
    }

    static final class Task {
        final String id;
        String contactId;
        String ownerId;
        String title;
        String description;
        Instant dueAt;
        String state = "open";

        Task(String id) {
            this.id = id;
        }
    }

    /** Creates an account with statuses {@code lead, customer}, and the given lists, tags and members. */
    public synchronized Account addAccount(String id, String timeZone, List<String> lists, List<String> tags) {
        Account a = new Account(id, timeZone);
        a.statuses.put("lead", "Lead");
        a.statuses.put("customer", "Customer");
        lists.forEach(l -> a.lists.put(newId("list"), l));
        tags.forEach(t -> a.tags.put(newId("tag"), t));
        accounts.put(id, a);
        return a;
    }

    /** Adds a team member; returns their id. */
    public synchronized String addMember(String accountId, String email, String name) {
        String id = newId("user");
        accounts.get(accountId).members.put(id, new Member(id, email, name));
        return id;
    }

    Account account(String id) {
        return accounts.get(id);
    }

    String newId(String prefix) {
        return prefix + "_" + ids.incrementAndGet();
    }

    static Contact byEmail(Account a, String email) {
        String wanted = email.toLowerCase(Locale.ROOT);
        return a.contacts.values().stream().filter(c -> c.email.toLowerCase(Locale.ROOT).equals(wanted))
                .findFirst().orElse(null);
    }

    // --- for tests and the demo page: what the CRM holds now ---

    /** Emails of the account's contacts, in creation order. */
    public synchronized List<String> contactEmails(String accountId) {
        return accounts.get(accountId).contacts.values().stream().map(c -> c.email).toList();
    }

    /** Titles and states of the account's tasks, in creation order ({@code "title [state]"}). */
    public synchronized List<String> tasks(String accountId) {
        return accounts.get(accountId).tasks.values().stream().map(t -> t.title + " [" + t.state + "]").toList();
    }

    /** Activity kinds on the contact with this email, in the order they were added. */
    public synchronized List<String> activityKinds(String accountId, String email) {
        Contact c = byEmail(accounts.get(accountId), email);
        return c == null ? List.of() : c.activities.stream().map(m -> (String) m.get("kind")).toList();
    }

    /** Tag names on the contact with this email. */
    public synchronized List<String> tagNames(String accountId, String email) {
        Account a = accounts.get(accountId);
        Contact c = byEmail(a, email);
        return c == null ? List.of() : c.tags.stream().map(a.tags::get).toList();
    }
}
