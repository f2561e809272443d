package io.calbridge.examples.minimal;

import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostTransactions;
import io.calbridge.calendly.spi.TaskDraft;
import io.calbridge.calendly.spi.Tasks;
import io.calbridge.calendly.spi.UnknownReferenceException;
import io.calbridge.calendly.spi.UnknownReferenceException.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Optional;

/**
 * {@link Tasks} on the app's {@code tasks} table. A create remembers the new task's id under its
 * idempotency key, so a retried create returns the same task instead of adding a second one.
 */
record AppTasks(HostTransactions tx) implements Tasks {
    @Override
    public String create(HostCall call, TaskDraft d) {
        Long contact = d.contactId() == null ? null : HostCalls.id(d.contactId(), Kind.CONTACT);
        Long owner = d.ownerId() == null ? null : HostCalls.id(d.ownerId(), Kind.TEAM_MEMBER);
        return tx.run(call, c -> {
            Optional<HostCalls.Applied> before = HostCalls.claim(c, call);
            if (before.isPresent()) {
                return before.get().result();
            }
            requireRefs(c, call, d, contact, owner);
            try (PreparedStatement s = c.prepareStatement("""
                    insert into tasks (workspace_id, contact_id, owner_id, title, body, due_at)
                    values (?, ?, ?, ?, ?, ?) returning id""")) {
                s.setLong(1, HostCalls.workspace(call));
                s.setObject(2, contact, Types.BIGINT);
                s.setObject(3, owner, Types.BIGINT);
                s.setString(4, d.title());
                s.setString(5, d.description() == null ? "" : d.description());
                s.setTimestamp(6, Timestamp.from(d.dueAt()));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    String id = rs.getString(1);
                    HostCalls.remember(c, call, id);
                    return id;
                }
            }
        });
    }

    @Override
    public void reschedule(HostCall call, String taskId, TaskDraft d) {
        Long owner = d.ownerId() == null ? null : HostCalls.id(d.ownerId(), Kind.TEAM_MEMBER);
        change(call, taskId, (c, id) -> {
            requireRefs(c, call, d, null, owner);
            try (PreparedStatement s = c.prepareStatement("""
                    update tasks set due_at = ?, title = ?, body = ?, owner_id = ?
                    where id = ? and workspace_id = ?""")) {
                s.setTimestamp(1, Timestamp.from(d.dueAt()));
                s.setString(2, d.title());
                s.setString(3, d.description() == null ? "" : d.description());
                s.setObject(4, owner, Types.BIGINT);
                s.setLong(5, id);
                s.setLong(6, HostCalls.workspace(call));
                s.executeUpdate();
            }
        });
    }

    @Override
    public void cancel(HostCall call, String taskId) {
        setState(call, taskId, "update tasks set state = 'canceled' where id = ? and workspace_id = ?");
    }

    @Override
    public void complete(HostCall call, String taskId) {
        setState(call, taskId, "update tasks set state = 'done' where id = ? and workspace_id = ? and state = 'open'");
    }

    @Override
    public void reopen(HostCall call, String taskId) {
        setState(call, taskId, "update tasks set state = 'open' where id = ? and workspace_id = ? and state = 'done'");
    }

    /** Runs one state change (task id, workspace id); a task in another state than it expects stays. */
    private void setState(HostCall call, String taskId, String sql) {
        change(call, taskId, (c, id) -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setLong(1, id);
                s.setLong(2, HostCalls.workspace(call));
                s.executeUpdate();
            }
        });
    }

    private interface Change {
        void apply(Connection c, long taskId) throws SQLException;
    }

    /** Checks that the task is the workspace's, claims the key, applies the change once. */
    private void change(HostCall call, String taskId, Change change) {
        long id = HostCalls.id(taskId, Kind.TASK);
        tx.run(call, c -> {
            try (PreparedStatement s = c.prepareStatement("select 1 from tasks where id = ? and workspace_id = ?")) {
                s.setLong(1, id);
                s.setLong(2, HostCalls.workspace(call));
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new UnknownReferenceException(Kind.TASK, taskId);
                    }
                }
            }
            if (HostCalls.claim(c, call).isEmpty()) {
                change.apply(c, id);
            }
            return null;
        });
    }

    private static void requireRefs(Connection c, HostCall call, TaskDraft d, Long contact, Long owner) throws SQLException {
        if (owner != null && !HostCalls.isMember(c, call, owner)) {
            throw new UnknownReferenceException(Kind.TEAM_MEMBER, d.ownerId());
        }
        if (contact != null) {
            try (PreparedStatement s = c.prepareStatement("select 1 from contacts where id = ? and workspace_id = ?")) {
                s.setLong(1, contact);
                s.setLong(2, HostCalls.workspace(call));
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new UnknownReferenceException(Kind.CONTACT, d.contactId());
                    }
                }
            }
        }
    }
}
