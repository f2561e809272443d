package io.calbridge.examples.minimal;

import io.calbridge.calendly.spi.ActivityEntry;
import io.calbridge.calendly.spi.Choice;
import io.calbridge.calendly.spi.ContactDraft;
import io.calbridge.calendly.spi.ContactRef;
import io.calbridge.calendly.spi.Contacts;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostTransactions;
import io.calbridge.calendly.spi.UnknownReferenceException;
import io.calbridge.calendly.spi.UnknownReferenceException.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link Contacts} on the app's {@code contacts} table (its {@code stage} is the plugin's status) and
 * {@code notes} (the timeline). One contact per workspace and email is the app's own unique index,
 * so racing bookings meet in one row.
 */
record AppContacts(HostTransactions tx) implements Contacts {
    static final List<Choice> STAGES = List.of(
            new Choice("lead", "Lead"), new Choice("customer", "Customer"), new Choice("lost", "Lost"));

    @Override
    public ContactRef findOrCreate(HostCall call, ContactDraft d) {
        requireStage(d.status());
        Long owner = d.ownerId() == null ? null : HostCalls.id(d.ownerId(), Kind.TEAM_MEMBER);
        Map<String, Object> extra = new LinkedHashMap<>(d.fields());
        if (d.timeZone() != null) {
            extra.put("time_zone", d.timeZone());
        }
        return tx.run(call, c -> {
            if (owner != null && !HostCalls.isMember(c, call, owner)) {
                throw new UnknownReferenceException(Kind.TEAM_MEMBER, d.ownerId());
            }
            // Naturally idempotent: a retry finds the contact the first call created.
            try (PreparedStatement s = c.prepareStatement("""
                    insert into contacts (workspace_id, email, name, phone, stage, owner_id, extra)
                    values (?, ?, ?, ?, coalesce(?, 'lead'), ?, ?::jsonb)
                    on conflict (workspace_id, lower(email)) do update set
                        name = coalesce(excluded.name, contacts.name),
                        phone = coalesce(excluded.phone, contacts.phone),
                        stage = coalesce(?, contacts.stage),
                        owner_id = coalesce(contacts.owner_id, excluded.owner_id),
                        extra = contacts.extra || excluded.extra
                    returning id, stage, owner_id, xmax = 0 as created""")) {
                s.setLong(1, HostCalls.workspace(call));
                s.setString(2, d.email());
                s.setString(3, d.fullName());
                s.setString(4, d.phone());
                s.setString(5, d.status());
                s.setObject(6, owner, Types.BIGINT);
                s.setString(7, HostCalls.json(extra));
                s.setString(8, d.status());
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return new ContactRef(rs.getString("id"), rs.getBoolean("created"), rs.getString("stage"),
                            rs.getString("owner_id"));
                }
            }
        });
    }

    @Override
    public Optional<ContactRef> findByEmail(HostCall call, String email) {
        return tx.run(call, c -> HostCalls.findByEmail(c, call,
                "select id, stage, owner_id from contacts where workspace_id = ? and lower(email) = lower(?)", email,
                rs -> new ContactRef(rs.getString(1), false, rs.getString(2), rs.getString(3))));
    }

    @Override
    public Optional<String> email(HostCall call, String contactId) {
        return tx.run(call, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "select email from contacts where workspace_id = ? and id::text = ?")) {
                s.setLong(1, HostCalls.workspace(call));
                s.setString(2, contactId);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void updateStatus(HostCall call, String contactId, String statusCode) {
        requireStage(statusCode);
        update(call, contactId, "update contacts set stage = ? where id = ? and workspace_id = ?", statusCode, null);
    }

    @Override
    public void updateOwner(HostCall call, String contactId, String ownerId) {
        Long owner = ownerId == null ? null : HostCalls.id(ownerId, Kind.TEAM_MEMBER);
        update(call, contactId, "update contacts set owner_id = ?::bigint where id = ? and workspace_id = ?",
                owner == null ? null : owner.toString(), owner);
    }

    @Override
    public void updateFields(HostCall call, String contactId, Map<String, String> fields) {
        update(call, contactId, "update contacts set extra = extra || ?::jsonb where id = ? and workspace_id = ?",
                HostCalls.json(fields), null);
    }

    @Override
    public void addActivity(HostCall call, String contactId, ActivityEntry entry) {
        long contact = HostCalls.id(contactId, Kind.CONTACT);
        tx.run(call, c -> {
            if (HostCalls.claim(c, call).isPresent()) {
                return null;
            }
            try (PreparedStatement s = c.prepareStatement("""
                    insert into notes (workspace_id, contact_id, kind, body, details, occurred_at)
                    select workspace_id, id, ?, ?, ?::jsonb, ? from contacts where id = ? and workspace_id = ?""")) {
                s.setString(1, entry.kind());
                s.setString(2, entry.summary());
                s.setString(3, HostCalls.json(entry.details()));
                s.setTimestamp(4, Timestamp.from(entry.occurredAt()));
                s.setLong(5, contact);
                s.setLong(6, HostCalls.workspace(call));
                if (s.executeUpdate() == 0) {
                    throw new UnknownReferenceException(Kind.CONTACT, contactId);
                }
            }
            return null;
        });
    }

    @Override
    public List<Choice> statuses(HostCall call) {
        return STAGES;
    }

    /**
     * Claims the key, then runs {@code sql} with (value, contact id, workspace id); {@code member}, when
     * given, must be a user of the workspace.
     */
    private void update(HostCall call, String contactId, String sql, String value, Long member) {
        long contact = HostCalls.id(contactId, Kind.CONTACT);
        tx.run(call, c -> {
            if (member != null && !HostCalls.isMember(c, call, member)) {
                throw new UnknownReferenceException(Kind.TEAM_MEMBER, value);
            }
            if (HostCalls.claim(c, call).isPresent()) {
                return null;
            }
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, value);
                s.setLong(2, contact);
                s.setLong(3, HostCalls.workspace(call));
                if (s.executeUpdate() == 0) {
                    throw new UnknownReferenceException(Kind.CONTACT, contactId);
                }
            }
            return null;
        });
    }

    private static void requireStage(String code) {
        if (code != null && STAGES.stream().noneMatch(s -> s.id().equals(code))) {
            throw new UnknownReferenceException(Kind.CONTACT_STATUS, code);
        }
    }
}
