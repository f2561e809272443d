-- The app as it was before it adopted the Calendly plugin: workspaces (its idea of a tenant), users who
-- sign in with an API token, contacts, tasks and a notes timeline. Nothing here knows about Calendly.

create table workspace (
    id        bigint generated always as identity primary key,
    name      text not null,
    time_zone text not null default 'UTC'
);

create table users (
    id           bigint generated always as identity primary key,
    workspace_id bigint not null references workspace (id),
    email        text not null unique,
    name         text not null,
    is_admin     boolean not null default false,
    api_token    text not null unique
);

create table contacts (
    id           bigint generated always as identity primary key,
    workspace_id bigint not null references workspace (id),
    email        text not null,
    name         text,
    phone        text,
    stage        text not null default 'lead' check (stage in ('lead', 'customer', 'lost')),
    owner_id     bigint references users (id),
    extra        jsonb not null default '{}',
    tags         text[] not null default '{}',
    created_at   timestamptz not null default now()
);
create unique index contacts_workspace_email on contacts (workspace_id, lower(email));

create table tasks (
    id           bigint generated always as identity primary key,
    workspace_id bigint not null references workspace (id),
    contact_id   bigint references contacts (id),
    owner_id     bigint references users (id),
    title        text not null,
    body         text not null default '',
    due_at       timestamptz not null,
    state        text not null default 'open' check (state in ('open', 'done', 'canceled'))
);

create table notes (
    id           bigint generated always as identity primary key,
    workspace_id bigint not null references workspace (id),
    contact_id   bigint references contacts (id), -- null: a note for the workspace's admins
    kind         text not null,
    body         text not null,
    details      jsonb not null default '{}',
    occurred_at  timestamptz not null default now()
);
