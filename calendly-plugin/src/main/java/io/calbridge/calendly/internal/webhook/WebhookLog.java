package io.calbridge.calendly.internal.webhook;

import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_INBOX;
import static io.calbridge.db.calendly.Tables.CALENDLY_WEBHOOK_REJECTION;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.calbridge.calendly.internal.common.Json;
import io.calbridge.calendly.internal.crypto.PersonalData;
import io.calbridge.calendly.internal.crypto.SecretUnavailableException;
import io.calbridge.db.calendly.tables.CalendlyWebhookInbox;
import io.calbridge.db.calendly.tables.CalendlyWebhookRejection;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.DataType;
import org.jooq.Field;
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

    /**
     * One entry of one of the tenant's integrations, as {@link #page} shows it with payloads, in one
     * query by id, tenant and integration. Deliveries and rejections number their ids apart (two
     * tables), so {@code kind} says which one is meant.
     *
     * @param kind {@link WebhookLogEntry#DELIVERY} or {@link WebhookLogEntry#REJECTION}
     * @return empty when that integration of that tenant has no such entry
     */
    Optional<WebhookLogEntry> find(DSLContext dsl, String tenantId, UUID integrationId, String kind, long id,
                                   boolean reveal) {
        if (WebhookLogEntry.REJECTION.equals(kind)) {
            return dsl.select(selected(Column::rejection))
                    .from(R)
                    .where(R.TENANT_ID.eq(tenantId), R.INTEGRATION_ID.eq(integrationId), R.ID.eq(id))
                    .fetchOptional(r -> entry(tenantId, r, reveal));
        }
        if (!WebhookLogEntry.DELIVERY.equals(kind)) {
            throw new IllegalArgumentException("not a kind of log entry: " + kind);
        }
        List<SelectField<?>> fields = new ArrayList<>(selected(Column::delivery));
        fields.add(I.RAW_BODY);
        fields.add(I.DEDUPE_KEY);
        return dsl.select(fields)
                .from(I)
                .where(I.TENANT_ID.eq(tenantId), I.INTEGRATION_ID.eq(integrationId), I.ID.eq(id))
                .fetchOptional(r -> entry(tenantId, r, reveal)
                        .withPayload(payload(tenantId, integrationId, r.get(I.DEDUPE_KEY), r.get(I.RAW_BODY), reveal)));
    }

    /** A column of the log: its name, and what a delivery (an inbox row) and a rejection give for it. */
    private record Column(String name, Field<?> delivery, Field<?> rejection) {
    }

    private static final CalendlyWebhookInbox I = CALENDLY_WEBHOOK_INBOX;
    private static final CalendlyWebhookRejection R = CALENDLY_WEBHOOK_REJECTION;
    private static final DataType<OffsetDateTime> TIMESTAMP = SQLDataType.TIMESTAMPWITHTIMEZONE;

    /** The union's columns in order: both of its selects list them from here, so they always line up. */
    private static final List<Column> COLUMNS = List.of(
            new Column("kind", DSL.inline(WebhookLogEntry.DELIVERY, SQLDataType.CLOB),
                    DSL.inline(WebhookLogEntry.REJECTION, SQLDataType.CLOB)),
            new Column("id", I.ID, R.ID),
            new Column("integration_id", I.INTEGRATION_ID, R.INTEGRATION_ID),
            new Column("event", I.EVENT, DSL.castNull(SQLDataType.CLOB)),
            new Column("status", I.STATUS, DSL.inline("REJECTED", SQLDataType.CLOB)),
            new Column("reason", DSL.castNull(SQLDataType.CLOB), R.REASON),
            new Column("detail", DSL.castNull(SQLDataType.CLOB), R.DETAIL),
            new Column("detail_enc", DSL.castNull(SQLDataType.BLOB), R.DETAIL_ENC),
            new Column("attempts", I.ATTEMPTS, DSL.inline(0)),
            new Column("last_error", I.LAST_ERROR, DSL.castNull(SQLDataType.CLOB)),
            new Column("received_at", I.RECEIVED_AT, R.RECEIVED_AT),
            new Column("signed_at", I.SIGNATURE_TIMESTAMP, DSL.castNull(TIMESTAMP)),
            new Column("event_created_at", I.PAYLOAD_CREATED_AT, DSL.castNull(TIMESTAMP)),
            new Column("next_attempt_at", I.NEXT_ATTEMPT_AT, DSL.castNull(TIMESTAMP)),
            new Column("processed_at", I.PROCESSED_AT, DSL.castNull(TIMESTAMP)),
            new Column("processing_ms", I.PROCESSING_MS, DSL.castNull(SQLDataType.INTEGER)),
            new Column("body_bytes", bodyBytes(I.RAW_BODY), R.BODY_BYTES),
            new Column("remote_address", DSL.castNull(SQLDataType.CLOB), R.REMOTE_ADDRESS));

    /** The log's columns, named, as one kind of entry gives them. */
    private static List<SelectField<?>> selected(Function<Column, Field<?>> kind) {
        return COLUMNS.stream().<SelectField<?>>map(c -> kind.apply(c).as(c.name())).toList();
    }

    private static Select<Record> deliveries(String tenantId, WebhookLogQuery query) {
        Condition where = I.TENANT_ID.eq(tenantId);
        if (query.integrationId() != null) {
            where = where.and(I.INTEGRATION_ID.eq(query.integrationId()));
        }
        if (query.status() != null) {
            where = where.and(I.STATUS.eq(query.status()));
        }
        if (query.event() != null) {
            where = where.and(I.EVENT.eq(query.event()));
        }
        return DSL.select(selected(Column::delivery))
                .from(I)
                .where(where);
    }

    /** The size of the body Calendly sent: a sealed body (first byte 0x01) is {@link PersonalData#OVERHEAD} longer. */
    private static Field<Integer> bodyBytes(Field<byte[]> body) {
        var length = DSL.function("octet_length", SQLDataType.INTEGER, body);
        return DSL.when(DSL.function("get_byte", SQLDataType.INTEGER, body, DSL.inline(0)).eq(DSL.inline(1)),
                length.minus(DSL.inline(PersonalData.OVERHEAD))).otherwise(length);
    }

    private static Select<Record> rejections(String tenantId, WebhookLogQuery query) {
        Condition where = R.TENANT_ID.eq(tenantId);
        if (query.integrationId() != null) {
            where = where.and(R.INTEGRATION_ID.eq(query.integrationId()));
        }
        return DSL.select(selected(Column::rejection))
                .from(R)
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
        Map<Long, JsonNode> payloads = new HashMap<>();
        dsl.select(I.ID, I.RAW_BODY, I.INTEGRATION_ID, I.DEDUPE_KEY).from(I)
                .where(I.ID.in(ids)).and(I.TENANT_ID.eq(tenantId))
                .fetch()
                .forEach(r -> payloads.put(r.value1(), payload(tenantId, r.value3(), r.value4(), r.value2(), reveal)));
        List<WebhookLogEntry> out = new ArrayList<>(items.size());
        for (WebhookLogEntry e : items) {
            JsonNode payload = WebhookLogEntry.DELIVERY.equals(e.kind()) ? payloads.get(e.id()) : null;
            out.add(payload != null ? e.withPayload(payload) : e);
        }
        return out;
    }

    /** A stored body as the log shows it: parsed (redacted unless revealed), or why it cannot be shown. */
    private JsonNode payload(String tenantId, UUID integrationId, String dedupeKey, byte[] stored, boolean reveal) {
        try {
            byte[] body = inbox.openBody(tenantId, integrationId, dedupeKey, stored);
            return body == null ? TextNode.valueOf(PURGED) : parsed(body, reveal);
        } catch (SecretUnavailableException e) {
            return TextNode.valueOf(e.reason() == SecretUnavailableException.Reason.TENANT_SHREDDED ? SHREDDED : UNREADABLE);
        }
    }

    static final String PURGED = "[body purged after the retention period]";
    static final String SHREDDED = "[unreadable: the tenant's data key was destroyed]";
    static final String UNREADABLE = "[unreadable: the stored value does not open]";

    private static JsonNode parsed(byte[] body, boolean reveal) {
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
