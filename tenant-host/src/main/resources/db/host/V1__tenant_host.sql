-- tenant-host's own tables (schema-history table: host_schema_history). These are the
-- reference host's CRM; an embedding host has its own and never applies this set.

create table tenant (
    id          uuid        primary key,
    slug        text        not null unique,
    name        text        not null,
    timezone    text        not null default 'UTC',
    created_at  timestamptz not null default now()
);

create table app_user (
    id              uuid        primary key,
    email           text        not null,
    display_name    text        not null,
    password_hash   text        not null,
    created_at      timestamptz not null default now()
);
create unique index app_user_email_idx on app_user (lower(email));

create table tenant_member (
    tenant_id   uuid        not null references tenant (id) on delete cascade,
    user_id     uuid        not null references app_user (id) on delete cascade,
    role        text        not null check (role in ('ADMIN', 'MEMBER')),
    created_at  timestamptz not null default now(),
    primary key (tenant_id, user_id)
);
create index tenant_member_user_idx on tenant_member (user_id);

create table contact_status (
    tenant_id   uuid        not null references tenant (id) on delete cascade,
    code        text        not null,
    label       text        not null,
    primary key (tenant_id, code)
);

create table contact (
    id              uuid        primary key,
    tenant_id       uuid        not null references tenant (id) on delete cascade,
    email           text        not null,
    first_name      text,
    last_name       text,
    full_name       text,
    phone           text,
    timezone        text,
    status          text        not null,
    owner_user_id   uuid        references app_user (id) on delete set null,
    custom_fields   jsonb       not null default '{}'::jsonb,
    source          text,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    unique (tenant_id, id),
    foreign key (tenant_id, status) references contact_status (tenant_id, code)
);
create unique index contact_email_idx on contact (tenant_id, lower(email));
create index contact_tenant_created_idx on contact (tenant_id, created_at desc);

create table mailing_list (
    id          uuid        primary key,
    tenant_id   uuid        not null references tenant (id) on delete cascade,
    name        text        not null,
    created_at  timestamptz not null default now(),
    unique (tenant_id, id),
    unique (tenant_id, name)
);

create table list_member (
    tenant_id       uuid        not null,
    list_id         uuid        not null,
    contact_id      uuid        not null,
    subscribed_at   timestamptz not null default now(),
    primary key (list_id, contact_id),
    foreign key (tenant_id, list_id) references mailing_list (tenant_id, id) on delete cascade,
    foreign key (tenant_id, contact_id) references contact (tenant_id, id) on delete cascade
);
create index list_member_contact_idx on list_member (tenant_id, contact_id);

create table tag (
    id          uuid        primary key,
    tenant_id   uuid        not null references tenant (id) on delete cascade,
    name        text        not null,
    created_at  timestamptz not null default now(),
    unique (tenant_id, id)
);
create unique index tag_name_idx on tag (tenant_id, lower(name));

create table contact_tag (
    tenant_id   uuid        not null,
    contact_id  uuid        not null,
    tag_id      uuid        not null,
    tagged_at   timestamptz not null default now(),
    primary key (contact_id, tag_id),
    foreign key (tenant_id, contact_id) references contact (tenant_id, id) on delete cascade,
    foreign key (tenant_id, tag_id) references tag (tenant_id, id) on delete cascade
);
create index contact_tag_tag_idx on contact_tag (tenant_id, tag_id);

create table task (
    id                  uuid        primary key,
    tenant_id           uuid        not null references tenant (id) on delete cascade,
    contact_id          uuid,
    owner_user_id       uuid        references app_user (id) on delete set null,
    title               text        not null,
    description         text,
    due_at              timestamptz,
    status              text        not null check (status in ('OPEN', 'DONE', 'CANCELED')),
    idempotency_key     text,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    foreign key (tenant_id, contact_id) references contact (tenant_id, id) on delete cascade,
    unique (tenant_id, idempotency_key)
);
create index task_tenant_due_idx on task (tenant_id, due_at);
create index task_contact_idx on task (tenant_id, contact_id);

create table activity (
    id              bigint      generated always as identity primary key,
    tenant_id       uuid        not null references tenant (id) on delete cascade,
    contact_id      uuid,
    kind            text        not null,
    summary         text        not null,
    details         jsonb       not null default '{}'::jsonb,
    idempotency_key text,
    occurred_at     timestamptz not null default now(),
    foreign key (tenant_id, contact_id) references contact (tenant_id, id) on delete cascade,
    unique (tenant_id, idempotency_key)
);
create index activity_contact_idx on activity (tenant_id, contact_id, occurred_at desc);

-- Host-side idempotency for calls whose effect is not naturally idempotent.
create table host_idempotency (
    tenant_id       uuid        not null references tenant (id) on delete cascade,
    idempotency_key text        not null,
    result          text,
    created_at      timestamptz not null default now(),
    primary key (tenant_id, idempotency_key)
);
