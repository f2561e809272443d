package io.calbridge.calendly.internal.crypto;

/**
 * What a secret is for. It is part of the associated data of every ciphertext, so a value sealed as
 * one purpose never opens as another (a refresh token copied into the access-token column fails).
 */
public enum Purpose {
    CLIENT_SECRET,
    ACCESS_TOKEN,
    REFRESH_TOKEN,
    PERSONAL_ACCESS_TOKEN,
    SIGNING_KEY,
    PREVIOUS_SIGNING_KEY,
    PKCE_VERIFIER
}
