package io.calbridge.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The names the admin API accepts for plans, roles, cancelers and locations, and what Calendly shows. */
class EnumNamesTest {
    @Test
    void aPlanIsReadByItsNameOrCalendlysName_andFreeShowsAsBasic() {
        assertEquals(Plan.FREE, Plan.parse("free"));
        assertEquals(Plan.FREE, Plan.parse("Basic"));
        assertEquals(Plan.TEAMS, Plan.parse("TEAMS"));
        assertEquals("basic", Plan.FREE.apiName());
        assertEquals("enterprise", Plan.ENTERPRISE.apiName());
        assertEquals(50, Plan.FREE.apiRequestsPerMinute());
        assertEquals(500, Plan.STANDARD.apiRequestsPerMinute());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Plan.parse("gold"));
        assertEquals("unknown plan 'gold' (free, standard, teams, enterprise)", e.getMessage());
    }

    @Test
    void rolesAndCancelersAreTheirNamesInLowerCase() {
        assertEquals(Role.ADMIN, Role.parse("Admin"));
        assertEquals("owner", Role.OWNER.apiName());
        assertEquals(Canceler.HOST, Canceler.parse("host"));
        assertEquals("invitee", Canceler.INVITEE.apiName());
        assertEquals("unknown role 'boss' (owner, admin, user)",
                assertThrows(IllegalArgumentException.class, () -> Role.parse("boss")).getMessage());
        assertEquals("unknown canceler 'null' (host, invitee)",
                assertThrows(IllegalArgumentException.class, () -> Canceler.parse(null)).getMessage());
    }

    @Test
    void aLocationIsReadByName_eventTypeKind_locationType_orShortName() {
        assertEquals(LocationKind.ZOOM, LocationKind.parse("zoom"));
        assertEquals(LocationKind.ZOOM, LocationKind.parse("zoom_conference"));
        assertEquals(LocationKind.GOOGLE_MEET, LocationKind.parse("google_meet"));
        assertEquals(LocationKind.GOOGLE_MEET, LocationKind.parse("Google"));
        assertEquals(LocationKind.MICROSOFT_TEAMS, LocationKind.parse("teams"));
        assertEquals(LocationKind.ASK_INVITEE, LocationKind.parse("ask_invitee"));
        assertEquals("zoom", LocationKind.ZOOM.eventLocationType());
        assertEquals("zoom_conference", LocationKind.ZOOM.eventTypeKind());
        assertEquals("google_conference", LocationKind.GOOGLE_MEET.eventLocationType());
        assertThrows(IllegalArgumentException.class, () -> LocationKind.parse("moon"));
    }
}
