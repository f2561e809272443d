package io.calbridge.calendly;

/**
 * A refused or failed {@link CalendlyActions} call: the HTTP status the settings API answers with,
 * a stable code ({@code forbidden}, {@code not_found}, {@code reconnect_required},
 * {@code meeting_in_past}, ...), a message for people, and the input field at fault, if any.
 * Messages never contain tokens or invitee data.
 */
public class CalendlyActionException extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;

    public CalendlyActionException(int status, String code, String message, String field) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The input field at fault, or null. */
    public String field() {
        return field;
    }
}
