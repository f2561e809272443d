package io.calbridge.host.web;

/** The entries of the navigation bar, in order. Admin-only entries are hidden from members. */
public enum Nav {
    CONTACTS("Contacts", "/app/contacts", false),
    LISTS("Lists", "/app/lists", false),
    TAGS("Tags", "/app/tags", false),
    TASKS("Tasks", "/app/tasks", false),
    CALENDLY("Calendly", "/app/calendly", true);

    final String label;
    final String path;
    final boolean adminOnly;

    Nav(String label, String path, boolean adminOnly) {
        this.label = label;
        this.path = path;
        this.adminOnly = adminOnly;
    }

    public String path() {
        return path;
    }
}
