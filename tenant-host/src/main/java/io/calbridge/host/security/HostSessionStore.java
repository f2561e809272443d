package io.calbridge.host.security;

import static io.calbridge.db.host.Tables.HOST_SESSION;

import io.calbridge.db.host.tables.records.HostSessionRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.eclipse.jetty.session.AbstractSessionDataStore;
import org.eclipse.jetty.session.SessionData;
import org.jooq.DSLContext;
import org.jooq.Field;

/**
 * Jetty's session data store on tenant-host's database ({@code host_session}, through jOOQ), so every
 * node of tenant-host serves every signed-in user: a load balancer needs no sticky sessions. Used with
 * Jetty's {@code NullSessionCache} (see {@link SecurityConfig}): each request loads its session from
 * here and writes it back when it changed, before the response is committed, so the next request may
 * go to any node.
 *
 * <p>Attributes (pac4j's profile, the saved request) are stored with Java serialization, and read back
 * through an allow-list ({@link #ALLOWED}): JDK types, pac4j and tenant-host classes, nothing else.
 * The bytes come only from our own database, but a row written by something else must not be able to
 * run code. Only a session's id, times and node are stored in the clear.
 */
final class HostSessionStore extends AbstractSessionDataStore {
    /** What a stored session may deserialize to; anything else makes the session unreadable (signed out). */
    static final ObjectInputFilter ALLOWED = ObjectInputFilter.Config.createFilter(
            "maxdepth=32;maxrefs=10000;maxbytes=1048576;java.base/*;org.pac4j.**;io.calbridge.host.**;!*");

    private final DSLContext dsl;

    HostSessionStore(DSLContext dsl) {
        this.dsl = Objects.requireNonNull(dsl, "dsl");
    }

    @Override
    public boolean isPassivating() {
        return true; // attributes are serialized
    }

    @Override
    public boolean doExists(String id) {
        Long expiry = dsl.select(HOST_SESSION.EXPIRY_MS).from(HOST_SESSION)
                .where(HOST_SESSION.ID.eq(id)).and(thisContext())
                .fetchOne(HOST_SESSION.EXPIRY_MS);
        return expiry != null && (expiry <= 0 || expiry > System.currentTimeMillis());
    }

    @Override
    public SessionData doLoad(String id) throws Exception {
        HostSessionRecord row = dsl.selectFrom(HOST_SESSION).where(HOST_SESSION.ID.eq(id)).and(thisContext()).fetchOne();
        if (row == null) {
            return null;
        }
        SessionData data = newSessionData(id, row.getCreatedMs(), row.getAccessedMs(), row.getLastAccessedMs(),
                row.getMaxInactiveMs());
        data.setCookieSet(row.getCookieSetMs());
        data.setExpiry(row.getExpiryMs());
        data.setLastNode(row.getLastNode());
        data.setLastSaved(row.getLastSavedMs());
        data.setContextPath(_context.getCanonicalContextPath());
        data.setVhost(_context.getVhost());
        data.putAllAttributes(read(row.getAttributes()));
        return data;
    }

    @Override
    public void doStore(String id, SessionData data, long lastSaveTime) throws Exception {
        // Every column but the key and the creation time: written on insert, overwritten on a later store.
        Map<Field<?>, Object> changing = new LinkedHashMap<>();
        changing.put(HOST_SESSION.LAST_NODE, data.getLastNode());
        changing.put(HOST_SESSION.ACCESSED_MS, data.getAccessed());
        changing.put(HOST_SESSION.LAST_ACCESSED_MS, data.getLastAccessed());
        changing.put(HOST_SESSION.COOKIE_SET_MS, data.getCookieSet());
        changing.put(HOST_SESSION.MAX_INACTIVE_MS, data.getMaxInactiveMs());
        changing.put(HOST_SESSION.EXPIRY_MS, data.getExpiry());
        changing.put(HOST_SESSION.LAST_SAVED_MS, data.getLastSaved());
        changing.put(HOST_SESSION.ATTRIBUTES, write(data.getAllAttributes()));
        dsl.insertInto(HOST_SESSION)
                .set(HOST_SESSION.ID, id)
                .set(HOST_SESSION.CONTEXT_PATH, _context.getCanonicalContextPath())
                .set(HOST_SESSION.VHOST, _context.getVhost())
                .set(HOST_SESSION.CREATED_MS, data.getCreated())
                .set(changing)
                .onConflict(HOST_SESSION.ID, HOST_SESSION.CONTEXT_PATH, HOST_SESSION.VHOST)
                .doUpdate()
                .set(changing)
                .execute();
    }

    @Override
    public boolean delete(String id) {
        return dsl.deleteFrom(HOST_SESSION).where(HOST_SESSION.ID.eq(id)).and(thisContext()).execute() > 0;
    }

    /** Of the sessions this node had in use, those expired by {@code time} or gone (another node ended them). */
    @Override
    public Set<String> doCheckExpired(Set<String> candidates, long time) {
        if (candidates.isEmpty()) {
            return Set.of();
        }
        Set<String> expired = new HashSet<>(candidates);
        dsl.select(HOST_SESSION.ID, HOST_SESSION.EXPIRY_MS).from(HOST_SESSION)
                .where(HOST_SESSION.ID.in(candidates)).and(thisContext())
                .forEach(r -> {
                    if (r.value2() <= 0 || r.value2() > time) {
                        expired.remove(r.value1());
                    }
                });
        return expired;
    }

    /** Sessions of this context, on any node, that expired by {@code time}. */
    @Override
    public Set<String> doGetExpired(long time) {
        return new HashSet<>(dsl.select(HOST_SESSION.ID).from(HOST_SESSION)
                .where(HOST_SESSION.EXPIRY_MS.gt(0L)).and(HOST_SESSION.EXPIRY_MS.le(time)).and(thisContext())
                .limit(1000)
                .fetch(HOST_SESSION.ID));
    }

    /** Sessions of any context that expired long ago (their node went away without cleaning up). */
    @Override
    public void doCleanOrphans(long time) {
        dsl.deleteFrom(HOST_SESSION).where(HOST_SESSION.EXPIRY_MS.gt(0L)).and(HOST_SESSION.EXPIRY_MS.le(time)).execute();
    }

    private org.jooq.Condition thisContext() {
        return HOST_SESSION.CONTEXT_PATH.eq(_context.getCanonicalContextPath()).and(HOST_SESSION.VHOST.eq(_context.getVhost()));
    }

    static byte[] write(Map<String, Object> attributes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new HashMap<>(attributes));
        }
        return bytes.toByteArray();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> read(byte[] stored) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(stored))) {
            in.setObjectInputFilter(ALLOWED);
            return (Map<String, Object>) in.readObject();
        }
    }
}
