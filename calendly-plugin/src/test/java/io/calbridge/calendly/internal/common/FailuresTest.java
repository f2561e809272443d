package io.calbridge.calendly.internal.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.Test;

class FailuresTest {
    @Test
    void aDatabaseErrorIsToldByTypeAndSqlStateOnly_itsTextCanQuoteInviteeData() {
        var refused = new SQLException("duplicate key value: Key (email)=(jane@example.com) already exists", "23505");
        String told = Failures.describe(new DataAccessException("SQL [insert ...]; " + refused.getMessage(), refused));

        assertFalse(told.contains("jane@example.com"), told);
        assertTrue(told.startsWith("DataAccessException (SQLSTATE 23505"), told);
    }

    @Test
    void anyOtherFailureKeepsItsMessage() {
        assertEquals("IllegalStateException: Calendly answered 500", Failures.describe(new IllegalStateException("Calendly answered 500")));
        assertEquals("IllegalStateException", Failures.describe(new IllegalStateException()));
    }
}
