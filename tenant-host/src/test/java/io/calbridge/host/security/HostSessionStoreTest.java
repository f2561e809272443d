package io.calbridge.host.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InvalidClassException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.pac4j.core.profile.CommonProfile;

/**
 * Sessions are stored as Java serialization in host_session; reading one back must never build an
 * object of a class outside the allow-list (a row written by anything else must not run code).
 */
class HostSessionStoreTest {
    @Test
    void aPac4jProfileAndJdkValues_roundTrip() throws Exception {
        CommonProfile profile = new CommonProfile();
        profile.setId("user-1");
        profile.addAttribute("tenant_id", "t-1");
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("pac4jUserProfiles", new java.util.LinkedHashMap<>(Map.of("FormClient", profile)));
        attributes.put("csrf", "token");
        attributes.put("list", List.of(1, 2));

        Map<String, Object> read = HostSessionStore.read(HostSessionStore.write(attributes));

        assertEquals("token", read.get("csrf"));
        assertEquals(List.of(1, 2), read.get("list"));
        @SuppressWarnings("unchecked")
        var profiles = (Map<String, CommonProfile>) read.get("pac4jUserProfiles");
        assertEquals("user-1", profiles.get("FormClient").getId());
        assertEquals("t-1", profiles.get("FormClient").getAttribute("tenant_id"));
    }

    @Test
    void aClassOutsideTheAllowList_isRefused() throws Exception {
        byte[] stored = HostSessionStore.write(Map.of("planted", new ObjectName("calbridge:type=Planted")));

        assertThrows(InvalidClassException.class, () -> HostSessionStore.read(stored));
    }
}
