package io.calbridge.calendly.internal.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/** A routing-form submission ({@code GET /routing_form_submissions}). */
public record RoutingFormSubmission(
        String uri,
        String routingForm,
        List<Answer> questionsAndAnswers,
        Invitee.Tracking tracking,
        Result result,
        String submitter,
        String submitterType,
        Instant createdAt,
        Instant updatedAt) {

    public record Answer(String questionUuid, String question, String answer) {
    }

    /**
     * Where the form routed the submitter: {@code type} "event_type" (value: its URI), "external_url"
     * (value: the URL) or "custom_message" (value: an object with headline and body).
     */
    public record Result(String type, JsonNode value) {
    }
}
