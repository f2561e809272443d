package io.calbridge.sandbox;

import java.util.List;

/** A published routing form of an organization. */
public record SandboxRoutingForm(String uuid, String uri, String name, String organizationUri, List<String> questions) {
    public SandboxRoutingForm {
        questions = List.copyOf(questions);
    }
}
