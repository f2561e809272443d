package io.calbridge.examples.crm.host;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.calendly.spi.ActivityEntry;
import io.calbridge.calendly.spi.Choice;
import io.calbridge.calendly.spi.ContactDraft;
import io.calbridge.calendly.spi.ContactRef;
import io.calbridge.calendly.spi.Contacts;
import io.calbridge.calendly.spi.HostCall;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link Contacts} in the CRM service. The plugin's transaction is ignored: the CRM is another system. */
record RemoteContacts(CrmClient crm) implements Contacts {
    @Override
    public ContactRef findOrCreate(HostCall call, ContactDraft d) {
        return ref(crm.post(call, "/contacts",
                new NewContact(d.email(), d.fullName(), d.phone(), d.status(), d.ownerId(), d.fields())));
    }

    /** The CRM's {@code POST /contacts} body; a null is sent as {@code null}, and the CRM keeps what it has. */
    private record NewContact(String email, String name, String phone, String status,
                              @JsonProperty("owner_id") String ownerId, Map<String, String> fields) {
    }

    @Override
    public Optional<ContactRef> findByEmail(HostCall call, String email) {
        JsonNode found = crm.get(call, "/contacts?email=" + CrmClient.segment(email));
        return found.isEmpty() ? Optional.empty() : Optional.of(ref(found.get(0)));
    }

    @Override
    public void updateStatus(HostCall call, String contactId, String statusCode) {
        crm.patch(call, "/contacts/" + CrmClient.segment(contactId), Map.of("status", statusCode));
    }

    @Override
    public void updateOwner(HostCall call, String contactId, String ownerId) {
        Map<String, Object> body = new HashMap<>();
        body.put("owner_id", ownerId); // null clears
        crm.patch(call, "/contacts/" + CrmClient.segment(contactId), body);
    }

    @Override
    public void updateFields(HostCall call, String contactId, Map<String, String> fields) {
        crm.patch(call, "/contacts/" + CrmClient.segment(contactId), Map.of("fields", fields));
    }

    @Override
    public void addActivity(HostCall call, String contactId, ActivityEntry entry) {
        crm.post(call, "/contacts/" + CrmClient.segment(contactId) + "/activities", Map.of("kind", entry.kind(),
                "summary", entry.summary(), "details", entry.details(), "occurred_at", entry.occurredAt().toString()));
    }

    @Override
    public List<Choice> statuses(HostCall call) {
        return choices(crm.get(call, "/statuses"));
    }

    static List<Choice> choices(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false)
                .map(n -> new Choice(n.get("id").asText(), n.get("label").asText())).toList();
    }

    private static ContactRef ref(JsonNode n) {
        return new ContactRef(n.get("id").asText(), n.path("created").asBoolean(false), n.path("status").asText(null),
                n.path("owner_id").isNull() ? null : n.path("owner_id").asText(null));
    }
}
