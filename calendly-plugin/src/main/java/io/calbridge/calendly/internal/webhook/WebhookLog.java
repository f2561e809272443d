package io.calbridge.calendly.internal.webhook;

import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_INBOX;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_REJECTION;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.internal.crypto.PersonalData;
import io.calbridge.calendly.internal.crypto.SecretUnavailableException;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Select;
import org.jooq.SelectField;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * A tenant's webhook log: verified deliveries (the inbox) and refused ones (the rejection log) in one
 * list, newest first, with bodies redacted unless the caller may see personal data.
 */
final class WebhookLog {
    private final WebhookInbox inbox;

    /** @param inbox opens sealed bodies and rejection details (a shredded tenant's show as unreadable) */
    WebhookLog(WebhookInbox inbox) {
        this.inbox = inbox;
    }

    WebhookLogPage page(DSLContext dsl, String tenantId, WebhookLogQuery query) {
        query.validate();
        boolean deliveries = !"REJECTED".equals(query.status());
        boolean rejections = (query.status() == null || "REJECTED".equals(query.status())) && query.event() == null;

        Select<Record> union = null;
        if (deliveries) {
            union = deliveries(tenantId, query);
        }
        if (rejections) {
            var r = rejections(tenantId, query);
            union = union == null ? r : union.unionAll(r);
        }
        var log = union.asTable("log");
        List<WebhookLogEntry> rows = dsl.selectFrom(log)
                .orderBy(log.field("received_at").desc(), log.field("kind").asc(), log.field("id").desc())
                .limit(query.limit() + 1)
                .offset(query.offset())
                .fetch(r -> entry(tenantId, r, query.revealPersonalData()));
        boolean hasMore = rows.size() > query.limit();
        List<WebhookLogEntry> items = hasMore ? rows.subList(0, query.limit()) : rows;
        if (query.includePayloads()) {
            items = withPayloads(dsl, tenantId, items, query.revealPersonalData());
        }
        return new WebhookLogPage(List.copyOf(items), query.offset(), query.limit(), hasMore);
    }

    private static Select<Record> deliveries(String tenantId, WebhookLogQuery query) {
        var i = CALENDLY_WEBHOOK_INBOX;
        Condition where = i.TENANT_ID.eq(tenantId);
        if (query.integrationId() != null) {
            where = where.and(i.INTEGRATION_ID.eq(query.integrationId()));
        }
        if (query.status() != null) {
            where = where.and(i.STATUS.eq(query.status()));
        }
        if (query.event() != null) {
            where = where.and(i.EVENT.eq(query.event()));
        }
        return DSL.select(new SelectField<?>[] {
                        DSL.inline(WebhookLogEntry.DELIVERY, SQLDataType.CLOB).as("kind"),
                        i.ID.as("id"),
                        i.INTEGRATION_ID.as("integration_id"),
                        i.EVENT.as("event"),
                        i.STATUS.as("status"),
                        DSL.castNull(SQLDataType.CLOB).as("reason"),
                        DSL.castNull(SQLDataType.CLOB).as("detail"),
                        DSL.castNull(SQLDataType.BLOB).as("detail_enc"),
                        i.ATTEMPTS.as("attempts"),
                        i.LAST_ERROR.as("last_error"),
                        i.RECEIVED_AT.as("received_at"),
                        i.SIGNATURE_TIMESTAMP.as("signed_at"),
                        i.PAYLOAD_CREATED_AT.as("event_created_at"),
                        i.NEXT_ATTEMPT_AT.as("next_attempt_at"),
                        i.PROCESSED_AT.as("processed_at"),
                        i.PROCESSING_MS.as("processing_ms"),
                        bodyBytes(i.RAW_BODY).as("body_bytes"),
                        DSL.castNull(SQLDataType.CLOB).as("remote_address")})
                .from(i)
                .where(where);
    }

    /** The size of the body Calendly sent: a sealed body (first byte 0x01) is {@link PersonalData#OVERHEAD} longer. */
    private static org.jooq.Field<Integer> bodyBytes(org.jooq.Field<byte[]> body) {
        var length = DSL.function("octet_length", SQLDataType.INTEGER, body);
        return DSL.when(DSL.function("get_byte", SQLDataType.INTEGER, body, DSL.inline(0)).eq(DSL.inline(1)),
                length.minus(DSL.inline(PersonalData.OVERHEAD))).otherwise(length);
    }

    private static Select<Record> rejections(String tenantId, WebhookLogQuery query) {
        var r = CALENDLY_WEBHOOK_REJECTION;
        Condition where = r.TENANT_ID.eq(tenantId);
        if (query.integrationId() != null) {
            where = where.and(r.INTEGRATION_ID.eq(query.integrationId()));
        }
        return DSL.select(new SelectField<?>[] {
                        DSL.inline(WebhookLogEntry.REJECTION, SQLDataType.CLOB).as("kind"),
                        r.ID.as("id"),
                        r.INTEGRATION_ID.as("integration_id"),
                        DSL.castNull(SQLDataType.CLOB).as("event"),
                        DSL.inline("REJECTED", SQLDataType.CLOB).as("status"),
                        r.REASON.as("reason"),
                        r.DETAIL.as("detail"),
                        r.DETAIL_ENC.as("detail_enc"),
                        DSL.inline(0).as("attempts"),
                        DSL.castNull(SQLDataType.CLOB).as("last_error"),
                        r.RECEIVED_AT.as("received_at"),
                        DSL.castNull(SQLDataType.TIMESTAMPWITHTIMEZONE).as("signed_at"),
                        DSL.castNull(SQLDataType.TIMESTAMPWITHTIMEZONE).as("event_created_at"),
                        DSL.castNull(SQLDataType.TIMESTAMPWITHTIMEZONE).as("next_attempt_at"),
                        DSL.castNull(SQLDataType.TIMESTAMPWITHTIMEZONE).as("processed_at"),
                        DSL.castNull(SQLDataType.INTEGER).as("processing_ms"),
                        r.BODY_BYTES.as("body_bytes"),
                        r.REMOTE_ADDRESS.as("remote_address")})
                .from(r)
                .where(where);
    }

    private WebhookLogEntry entry(String tenantId, Record r, boolean reveal) {
        String remote = r.get("remote_address", String.class);
        String detail = r.get("detail", String.class);
        byte[] sealedDetail = r.get("detail_enc", byte[].class);
        if (sealedDetail != null) {
            try {
                detail = inbox.openRejectionDetail(tenantId, r.get("integration_id", UUID.class),
                        r.get("received_at", OffsetDateTime.class).toInstant(), sealedDetail);
            } catch (SecretUnavailableException e) {
                detail = UNREADABLE;
            }
        }
        return new WebhookLogEntry(
                r.get("kind", String.class),
                r.get("id", Long.class),
                r.get("integration_id", UUID.class),
                r.get("event", String.class),
                r.get("status", String.class),
                r.get("reason", String.class),
                detail,
                r.get("attempts", Integer.class),
                r.get("last_error", String.class),
                instant(r.get("received_at", OffsetDateTime.class)),
                instant(r.get("signed_at", OffsetDateTime.class)),
                instant(r.get("event_created_at", OffsetDateTime.class)),
                instant(r.get("next_attempt_at", OffsetDateTime.class)),
                instant(r.get("processed_at", OffsetDateTime.class)),
                r.get("processing_ms", Integer.class),
                r.get("body_bytes", Integer.class),
                remote == null || reveal ? remote : PayloadRedactor.REDACTED,
                null);
    }

    private List<WebhookLogEntry> withPayloads(DSLContext dsl, String tenantId, List<WebhookLogEntry> items, boolean reveal) {
        List<Long> ids = items.stream().filter(e -> WebhookLogEntry.DELIVERY.equals(e.kind())).map(WebhookLogEntry::id).toList();
        if (ids.isEmpty()) {
            return items;
        }
        var i = CALENDLY_WEBHOOK_INBOX;
        Map<Long, byte[]> bodies = new HashMap<>();
        Map<Long, JsonNode> unreadable = new HashMap<>();
        dsl.select(i.ID, i.RAW_BODY, i.INTEGRATION_ID, i.DEDUPE_KEY).from(i)
                .where(i.ID.in(ids)).and(i.TENANT_ID.eq(tenantId))
                .fetch()
                .forEach(r -> {
                    try {
                        byte[] body = inbox.openBody(tenantId, r.value3(), r.value4(), r.value2());
                        if (body == null) {
                            unreadable.put(r.value1(), TextNode.valueOf(PURGED));
                        } else {
                            bodies.put(r.value1(), body);
                        }
                    } catch (SecretUnavailableException e) {
                        unreadable.put(r.value1(), TextNode.valueOf(e.reason() == SecretUnavailableException.Reason.TENANT_SHREDDED
                                ? SHREDDED : UNREADABLE));
                    }
                });
        List<WebhookLogEntry> out = new ArrayList<>(items.size());
        for (WebhookLogEntry e : items) {
            byte[] body = WebhookLogEntry.DELIVERY.equals(e.kind()) ? bodies.get(e.id()) : null;
            JsonNode gone = WebhookLogEntry.DELIVERY.equals(e.kind()) ? unreadable.get(e.id()) : null;
            out.add(body != null ? e.withPayload(payload(body, reveal)) : gone != null ? e.withPayload(gone) : e);
        }
        return out;
    }

    static final String PURGED = "[body purged after the retention period]";
    static final String SHREDDED = "[unreadable: the tenant's data key was destroyed]";
    static final String UNREADABLE = "[unreadable: the stored value does not open]";

    private static JsonNode payload(byte[] body, boolean reveal) {
        try {
            JsonNode tree = Json.mapper().readTree(body);
            return reveal ? tree : PayloadRedactor.redact(tree);
        } catch (IOException e) {
            return TextNode.valueOf("[body is not JSON]");
        }
    }

    private static java.time.Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
