package io.calbridge.calendly.internal.common;

import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

/** How an unexpected failure is told in a log line or a stored error a tenant admin reads. */
public final class Failures {
    private Failures() {
    }

    /**
     * The exception's type and message, except for a database error: its text can quote the row it
     * refused (PostgreSQL's "Key (email)=(...)" detail, jOOQ's SQL), which is invitee data, so for
     * those only the exception type and SQLSTATE are kept.
     */
    public static String describe(Throwable e) {
        Set<Throwable> seen = new HashSet<>();
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return e.getClass().getSimpleName() + " (SQLSTATE " + sql.getSQLState()
                        + "; the database's message is not kept: it can quote invitee data)";
            }
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
