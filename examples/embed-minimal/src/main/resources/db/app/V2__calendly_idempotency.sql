-- Added when the app adopted the Calendly plugin: the plugin retries an effect with the same
-- idempotency key, and the app applies each key once per workspace. The row commits in the plugin's
-- transaction together with the effect, and keeps the effect's result (a task id) for the retry.
create table applied_keys (
    workspace_id bigint not null references workspace (id),
    key          text not null,
    result       text,
    primary key (workspace_id, key)
);
