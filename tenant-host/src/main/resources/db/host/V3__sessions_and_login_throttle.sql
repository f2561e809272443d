-- State that every node of tenant-host must share, so a load balancer needs no sticky sessions:
-- browser sessions (HostSessionStore, Jetty's session data store on jOOQ) and failed-login
-- counts (LoginThrottle).

-- One Jetty session. attributes: the session's attributes as Java serialization (pac4j's profile,
-- the saved request), read back only through an allow-list of classes. Times are epoch
-- milliseconds, as Jetty keeps them; expiry_ms 0 means never.
create table host_session (
    id               text        not null,
    context_path     text        not null,
    vhost            text        not null,
    last_node        text,
    created_ms       bigint      not null,
    accessed_ms      bigint      not null,
    last_accessed_ms bigint      not null,
    cookie_set_ms    bigint      not null,
    max_inactive_ms  bigint      not null,
    expiry_ms        bigint      not null,
    last_saved_ms    bigint      not null,
    attributes       bytea       not null,
    primary key (id, context_path, vhost)
);
create index host_session_expiry_idx on host_session (expiry_ms) where expiry_ms > 0;

-- Failed logins counted per account (kind 'A') and per client address (kind 'N') within a window
-- that starts at the first counted failure. The key is a SHA-256 of the normalized e-mail or
-- address: the table says how often, not who.
create table host_login_failure (
    kind            char(1)     not null check (kind in ('A', 'N')),
    key_hash        bytea       not null,
    failures        integer     not null,
    window_start    timestamptz not null,
    primary key (kind, key_hash)
);
create index host_login_failure_window_idx on host_login_failure (window_start);
