package io.calbridge.examples.minimal;

import io.calbridge.calendly.spi.HostCall;
import io.calbridge.calendly.spi.HostTransactions;
import io.calbridge.calendly.spi.TeamMember;
import io.calbridge.calendly.spi.TeamMembers;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link TeamMembers}: the workspace's users. */
record AppTeam(HostTransactions tx) implements TeamMembers {
    @Override
    public List<TeamMember> list(HostCall call) {
        return tx.run(call, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "select id, email, name from users where workspace_id = ? order by name")) {
                s.setLong(1, HostCalls.workspace(call));
                List<TeamMember> members = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        members.add(new TeamMember(rs.getString(1), rs.getString(2), rs.getString(3)));
                    }
                }
                return members;
            }
        });
    }

    @Override
    public Optional<TeamMember> findByEmail(HostCall call, String email) {
        return tx.run(call, c -> HostCalls.findByEmail(c, call,
                "select id, email, name from users where workspace_id = ? and lower(email) = lower(?)", email,
                rs -> new TeamMember(rs.getString(1), rs.getString(2), rs.getString(3))));
    }
}
