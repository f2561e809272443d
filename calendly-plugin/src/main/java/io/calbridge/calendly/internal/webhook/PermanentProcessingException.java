package io.calbridge.calendly.internal.webhook;

import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

/**
 * A delivery that can never succeed as things stand (for example a mapping that points at a deleted
 * list). The message is shown to tenant admins in the webhook log: say what to fix. The worker
 * dead-letters it at once instead of retrying it for hours.
 */
public class PermanentProcessingException extends RuntimeException {
    public PermanentProcessingException(String message) {
        super(message);
    }

    public PermanentProcessingException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The same failure seen as permanent, when it is one that no retry can mend although the code that
     * hit it did not say so; null otherwise. Today: PostgreSQL refused a value of the delivery itself
     * (SQLSTATE class 22, data exception: a timestamp out of range, an invalid character, a number too
     * large) or hit a hard limit (class 54, e.g. a value too large to index). Deadlocks, lost
     * connections, lock timeouts and constraint races stay retryable. The message names only the
     * SQLSTATE: PostgreSQL's own text may quote the offending value, which is invitee data.
     */
    public static PermanentProcessingException recognise(Throwable failure) {
        if (failure instanceof PermanentProcessingException p) {
            return p;
        }
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("22") || state.startsWith("54")) {
                    return new PermanentProcessingException("The database cannot store a value of this delivery (SQLSTATE "
                            + state + (state.startsWith("22") ? ", data exception" : ", limit exceeded")
                            + "), so retrying cannot succeed; it was set aside at once. It can be replayed once the "
                            + "plugin handles such values.", failure);
                }
            }
        }
        return null;
    }
}
