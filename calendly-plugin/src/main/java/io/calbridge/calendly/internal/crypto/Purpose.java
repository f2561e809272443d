package io.calbridge.calendly.internal.crypto;

/**
 * What a secret is for. It is part of the associated data of every ciphertext, so a value sealed as
 * one purpose never opens as another (a refresh token copied into the access-token column fails).
 * The constant's name is what goes into the associated data: never rename one (stored secrets of that
 * purpose would stop opening); add new constants freely.
 */
public enum Purpose {
    CLIENT_SECRET,
    ACCESS_TOKEN,
    REFRESH_TOKEN,
    PERSONAL_ACCESS_TOKEN,
    SIGNING_KEY,
    PREVIOUS_SIGNING_KEY,
    PKCE_VERIFIER,
    /** The webhook signing key of a tenant's own Calendly OAuth app (TENANT_APP), given at connect. */
    APP_SIGNING_KEY,
    /** The secret part of an integration's webhook URL; routing uses its SHA-256, the URL is rebuilt from this. */
    WEBHOOK_PATH_TOKEN
}
