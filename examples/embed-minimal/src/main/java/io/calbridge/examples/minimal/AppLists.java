package io.calbridge.examples.minimal;

import io.calbridge.calendly.spi.Choice;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostTransactions;
import io.calbridge.calendly.spi.MailingLists;
import io.calbridge.calendly.spi.UnknownReferenceException;
import io.calbridge.calendly.spi.UnknownReferenceException.Kind;
import java.sql.PreparedStatement;
import java.util.Collection;
import java.util.List;

/**
 * {@link MailingLists} for an app that has tags (a text array on each contact, from a fixed
 * vocabulary) and no mailing lists: {@link #lists} is empty, so tenants cannot pick one and the plugin
 * never subscribes anybody.
 */
record AppLists(HostTransactions tx) implements MailingLists {
    static final List<Choice> TAGS = List.of(new Choice("calendly", "calendly"), new Choice("booked", "booked"),
            new Choice("no-show", "no-show"), new Choice("vip", "vip"));

    @Override
    public void subscribe(HostCall call, String contactId, Collection<String> listIds) {
        throw new UnknownReferenceException(Kind.MAILING_LIST, listIds.iterator().next());
    }

    @Override
    public void tag(HostCall call, String contactId, Collection<String> tagIds) {
        // Naturally idempotent: adding a tag the contact has changes nothing.
        change(call, contactId, tagIds, false, """
                update contacts set tags = array(select distinct t from unnest(tags || ?::text[]) t order by t)
                where id = ? and workspace_id = ?""");
    }

    @Override
    public void untag(HostCall call, String contactId, Collection<String> tagIds) {
        // Claims the key: a retried untag must not remove a tag applied again since.
        change(call, contactId, tagIds, true, """
                update contacts set tags = array(select t from unnest(tags) t where t <> all(?::text[]) order by t)
                where id = ? and workspace_id = ?""");
    }

    @Override
    public List<Choice> lists(HostCall call) {
        return List.of();
    }

    @Override
    public List<Choice> tags(HostCall call) {
        return TAGS;
    }

    private void change(HostCall call, String contactId, Collection<String> tagIds, boolean claim, String sql) {
        for (String tag : tagIds) {
            if (TAGS.stream().noneMatch(t -> t.id().equals(tag))) {
                throw new UnknownReferenceException(Kind.TAG, tag);
            }
        }
        long contact = HostCalls.id(contactId, Kind.CONTACT);
        tx.run(call, c -> {
            if (claim && HostCalls.claim(c, call).isPresent()) {
                return null;
            }
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setArray(1, c.createArrayOf("text", tagIds.toArray()));
                s.setLong(2, contact);
                s.setLong(3, HostCalls.workspace(call));
                if (s.executeUpdate() == 0) {
                    throw new UnknownReferenceException(Kind.CONTACT, contactId);
                }
            }
            return null;
        });
    }
}
