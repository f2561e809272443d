package io.calbridge.calendly.internal.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * The stored layout of a sealed secret and of its associated data; see {@link TenantKeyring} for the
 * table. Changing anything here makes existing rows unreadable: add a new format version instead.
 */
final class CiphertextFormat {
    static final byte VERSION_1 = 1;
    static final int HEADER_LENGTH = 5;
    /** Tink output prefix (5) + AES-GCM IV (12) + tag (16). */
    static final int MIN_LENGTH = HEADER_LENGTH + 5 + 12 + 16;

    private static final byte[] SECRET_AAD_LABEL = "calbridge/secret".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA_KEY_AAD_LABEL = "calbridge/dek/v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PERSONAL_AAD_LABEL = "calbridge/pii/v1".getBytes(StandardCharsets.US_ASCII);

    private CiphertextFormat() {
    }

    static byte[] header(int generation) {
        return ByteBuffer.allocate(HEADER_LENGTH).put(VERSION_1).putInt(generation).array();
    }

    /** True when the bytes can be a version-1 sealed secret at all (length and version byte). */
    static boolean wellFormed(byte[] sealed) {
        return sealed != null && sealed.length >= MIN_LENGTH && sealed[0] == VERSION_1;
    }

    /** The DEK generation recorded in a {@link #wellFormed} ciphertext. */
    static int generation(byte[] sealed) {
        return ByteBuffer.wrap(sealed, 1, 4).getInt();
    }

    static byte[] tinkPart(byte[] sealed) {
        return Arrays.copyOfRange(sealed, HEADER_LENGTH, sealed.length);
    }

    static byte[] join(byte[] header, byte[] tinkCiphertext) {
        byte[] out = Arrays.copyOf(header, header.length + tinkCiphertext.length);
        System.arraycopy(tinkCiphertext, 0, out, header.length, tinkCiphertext.length);
        return out;
    }

    /**
     * Associated data of a secret: label, the header (so the version and generation cannot be
     * altered), then tenant, purpose and row, each length-prefixed so no two tuples encode alike.
     */
    static byte[] secretAad(byte[] sealedOrHeader, String tenantId, Purpose purpose, UUID rowId) {
        byte[] tenant = tenantId.getBytes(StandardCharsets.UTF_8);
        byte[] purposeName = purpose.name().getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(SECRET_AAD_LABEL.length + HEADER_LENGTH + 4 + tenant.length + 4 + purposeName.length + 16)
                .put(SECRET_AAD_LABEL)
                .put(sealedOrHeader, 0, HEADER_LENGTH)
                .putInt(tenant.length).put(tenant)
                .putInt(purposeName.length).put(purposeName)
                .putLong(rowId.getMostSignificantBits()).putLong(rowId.getLeastSignificantBits())
                .array();
    }

    /**
     * Associated data of a piece of personal data (an invitee's name, a webhook body): label, header,
     * then tenant, field (table and column) and row key (the row's natural identity, e.g. integration
     * and dedupe key), each length-prefixed. Distinct from {@link #secretAad}, so a personal-data
     * ciphertext never opens as a secret nor the other way round.
     */
    static byte[] personalAad(byte[] sealedOrHeader, String tenantId, String field, String rowKey) {
        byte[] tenant = tenantId.getBytes(StandardCharsets.UTF_8);
        byte[] fieldName = field.getBytes(StandardCharsets.UTF_8);
        byte[] row = rowKey.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(PERSONAL_AAD_LABEL.length + HEADER_LENGTH + 12 + tenant.length + fieldName.length + row.length)
                .put(PERSONAL_AAD_LABEL)
                .put(sealedOrHeader, 0, HEADER_LENGTH)
                .putInt(tenant.length).put(tenant)
                .putInt(fieldName.length).put(fieldName)
                .putInt(row.length).put(row)
                .array();
    }

    /** Associated data of a wrapped data keyset: binds it to its tenant's row. */
    static byte[] dataKeyAad(String tenantId) {
        byte[] tenant = tenantId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(DATA_KEY_AAD_LABEL.length + tenant.length).put(DATA_KEY_AAD_LABEL).put(tenant).array();
    }
}
