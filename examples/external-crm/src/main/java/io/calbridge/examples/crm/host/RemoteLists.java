package io.calbridge.examples.crm.host;

import io.calbridge.calendly.spi.Choice;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.MailingLists;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** {@link MailingLists}: the CRM's lists and tags. */
record RemoteLists(CrmClient crm) implements MailingLists {
    @Override
    public void subscribe(HostCall call, String contactId, Collection<String> listIds) {
        crm.post(call, "/contacts/" + CrmClient.segment(contactId) + "/lists", Map.of("ids", List.copyOf(listIds)));
    }

    @Override
    public void tag(HostCall call, String contactId, Collection<String> tagIds) {
        crm.post(call, "/contacts/" + CrmClient.segment(contactId) + "/tags", Map.of("ids", List.copyOf(tagIds)));
    }

    @Override
    public void untag(HostCall call, String contactId, Collection<String> tagIds) {
        crm.post(call, "/contacts/" + CrmClient.segment(contactId) + "/tags/remove", Map.of("ids", List.copyOf(tagIds)));
    }

    @Override
    public List<Choice> lists(HostCall call) {
        return RemoteContacts.choices(crm.get(call, "/lists"));
    }

    @Override
    public List<Choice> tags(HostCall call) {
        return RemoteContacts.choices(crm.get(call, "/tags"));
    }
}
