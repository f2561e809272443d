package io.calbridge.calendly;

/**
 * A refused or failed {@link CalendlyActions} call: the HTTP status the settings API answers with,
 * a stable code ({@code forbidden}, {@code not_found}, {@code reconnect_required},
 * {@code meeting_in_past}, ...), a message for people, and the input field at fault, if any.
 * Messages never contain tokens or invitee data.
 */
public class CalendlyActionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The HTTP status. */
    private final int status;
    /** The stable code. */
    private final String code;
    /** The input field at fault, or null. */
    private final String field;

    /**
     * @param status  the HTTP status the settings API answers with
     * @param code    a stable machine-readable code
     * @param message for people
     * @param field   the input field at fault, or null
     */
    public CalendlyActionException(int status, String code, String message, String field) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    /** @return the HTTP status, e.g. 409 */
    public int status() {
        return status;
    }

    /** @return the stable code, e.g. {@code reconnect_required} */
    public String code() {
        return code;
    }

    /** @return the input field at fault, or null */
    public String field() {
        return field;
    }
}
