package io.calbridge.examples.crm.host;

import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.TaskDraft;
import io.calbridge.calendly.spi.Tasks;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link Tasks} in the CRM service. {@link #create} is the call that most needs the key: without it,
 * a create whose reply was lost would be sent again and leave two tasks for one booking.
 */
record RemoteTasks(CrmClient crm) implements Tasks {
    @Override
    public String create(HostCall call, TaskDraft d) {
        Map<String, Object> body = fields(d);
        body.put("contact_id", d.contactId());
        return crm.post(call, "/tasks", body).get("id").asText();
    }

    @Override
    public void reschedule(HostCall call, String taskId, TaskDraft d) {
        crm.patch(call, "/tasks/" + CrmClient.segment(taskId), fields(d));
    }

    @Override
    public void cancel(HostCall call, String taskId) {
        crm.patch(call, "/tasks/" + CrmClient.segment(taskId), Map.of("state", "canceled"));
    }

    @Override
    public void complete(HostCall call, String taskId) {
        crm.patch(call, "/tasks/" + CrmClient.segment(taskId), Map.of("state", "done"));
    }

    @Override
    public void reopen(HostCall call, String taskId) {
        crm.patch(call, "/tasks/" + CrmClient.segment(taskId), Map.of("state", "open"));
    }

    private static Map<String, Object> fields(TaskDraft d) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", d.title());
        body.put("description", d.description());
        body.put("due_at", d.dueAt().toString());
        body.put("owner_id", d.ownerId());
        return body;
    }
}
