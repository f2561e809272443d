package io.calbridge.examples.crm.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.TeamMember;
import io.calbridge.calendly.spi.TeamMembers;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;

/** {@link TeamMembers}: the CRM account's members. */
record RemoteTeam(CrmClient crm) implements TeamMembers {
    @Override
    public List<TeamMember> list(HostCall call) {
        return members(crm.get(call, "/members"));
    }

    @Override
    public Optional<TeamMember> findByEmail(HostCall call, String email) {
        return members(crm.get(call, "/members?email=" + CrmClient.segment(email))).stream().findFirst();
    }

    private static List<TeamMember> members(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(n -> new TeamMember(n.get("id").asText(), n.get("email").asText(), n.get("name").asText())).toList();
    }
}
