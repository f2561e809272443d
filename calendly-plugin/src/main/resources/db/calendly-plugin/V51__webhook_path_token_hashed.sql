-- Webhook path tokens no longer in clear (issue 13). A database reader could post to every
-- integration's URL with the clear token; the signature check still refused them, but the token is
-- a capability and is stored like one now:
--   webhook_path_token_sha256  SHA-256 of the token's UTF-8 bytes; deliveries are routed by it
--   webhook_path_token_enc     the token sealed with the tenant's data key (purpose WEBHOOK_PATH_TOKEN,
--                              row = integration id): the subscription URL is rebuilt from it when a
--                              subscription is recreated. Erased with the tenant's other secrets.
-- SQL cannot seal: the plugin seals what is left in webhook_path_token when it starts, then empties it
-- (ClearPathTokens). New rows never write it.
alter table calendly_integration
    add column webhook_path_token_sha256 bytea,
    add column webhook_path_token_enc    bytea,
    alter column webhook_path_token drop not null;

-- A row written with a clear token (this version's rows before the plugin starts, or a node of the
-- previous version during a rolling upgrade) is routable at once: its hash is computed here.
create function calendly_webhook_path_token_sha256() returns trigger language plpgsql as $$
begin
    if new.webhook_path_token is not null then
        new.webhook_path_token_sha256 := sha256(convert_to(new.webhook_path_token, 'UTF8'));
    end if;
    return new;
end
$$;

create trigger calendly_integration_webhook_path_token_sha256
    before insert or update of webhook_path_token on calendly_integration
    for each row execute function calendly_webhook_path_token_sha256();

update calendly_integration set webhook_path_token_sha256 = sha256(convert_to(webhook_path_token, 'UTF8'));

alter table calendly_integration
    alter column webhook_path_token_sha256 set not null,
    add constraint calendly_integration_webhook_path_token_sha256_key unique (webhook_path_token_sha256);
