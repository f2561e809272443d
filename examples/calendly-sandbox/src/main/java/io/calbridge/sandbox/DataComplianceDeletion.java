package io.calbridge.sandbox;

import java.time.Instant;
import java.util.List;

/**
 * One accepted {@code POST /data_compliance/deletion/invitees}.
 *
 * @param emails          the e-mails as sent
 * @param requestedBy     URI of the user whose token made the call
 * @param organization    URI of that user's organization (whose invitee data was deleted)
 * @param requestedAt     sandbox time of the call
 * @param inviteesDeleted how many invitee records were removed
 */
public record DataComplianceDeletion(List<String> emails, String requestedBy, String organization,
                                     Instant requestedAt, int inviteesDeleted) {
    public DataComplianceDeletion {
        emails = List.copyOf(emails);
    }
}
