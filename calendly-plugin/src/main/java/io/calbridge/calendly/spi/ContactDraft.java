package io.calbridge.calendly.spi;

import java.util.Map;
import java.util.Objects;

/**
 * The data of a contact as the plugin knows it from Calendly. Null means "not known": the host
 * keeps what it has.
 *
 * @param email     never null; contacts are matched on it ignoring case
 * @param fullName  the invitee's name as typed (Calendly always has one)
 * @param firstName null when the event type asks for a single name field
 * @param lastName  null when the event type asks for a single name field
 * @param phone     the invitee's text-reminder number
 * @param timeZone  IANA zone id of the invitee, e.g. {@code America/Denver}
 * @param status    status code to set, or null to keep the current one (new contacts get the host's default)
 * @param ownerId   team member to own the contact when it has no owner yet; null for none
 * @param fields    custom fields to merge into the contact (questions and answers, UTM parameters);
 *                  keys are field names, never null values
 * @param source    where the contact came from, e.g. {@code "calendly"}
 */
public record ContactDraft(
        String email,
        String fullName,
        String firstName,
        String lastName,
        String phone,
        String timeZone,
        String status,
        String ownerId,
        Map<String, String> fields,
        String source) {
    /**
     * Checks the email and copies the fields (null becomes empty).
     *
     * @param email never null; contacts are matched on it ignoring case
     * @param fullName the invitee's name as typed (Calendly always has one)
     * @param firstName null when the event type asks for a single name field
     * @param lastName null when the event type asks for a single name field
     * @param phone the invitee's text-reminder number
     * @param timeZone IANA zone id of the invitee, e.g. {@code America/Denver}
     * @param status status code to set, or null to keep the current one (new contacts get the host's default)
     * @param ownerId team member to own the contact when it has no owner yet; null for none
     * @param fields custom fields to merge into the contact (questions and answers, UTM parameters); keys are field names, never null values
     * @param source where the contact came from, e.g. {@code "calendly"}
     * @throws NullPointerException when {@code email} is null, or {@code fields} holds a null key or value
     */
    public ContactDraft {
        Objects.requireNonNull(email, "email");
        fields = fields == null ? Map.of() : Map.copyOf(fields);
    }
}
