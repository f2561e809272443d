package io.calbridge.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Everything about a new event type beyond name, kind and duration. Fluent; setters return {@code this}. */
public final class EventTypeSpec {
    /** A custom question; {@code type} is string, text, phone_number, single_select or multi_select. */
    public record Question(String name, String type, boolean required, List<String> answerChoices) {
        public Question {
            Objects.requireNonNull(name, "question name");
            type = type == null ? "string" : type;
            answerChoices = answerChoices == null ? List.of() : List.copyOf(answerChoices);
        }
    }

    private final String ownerUri;
    private final String name;
    private final EventKind kind;
    private final Duration duration;
    private LocationKind location = LocationKind.CUSTOM;
    private String locationText;
    private String locationAdditionalInfo;
    private String slug;
    private String description;
    private String internalNote;
    private final List<Question> questions = new ArrayList<>();

    private EventTypeSpec(String ownerUri, String name, EventKind kind, Duration duration) {
        this.ownerUri = Objects.requireNonNull(ownerUri, "owner");
        this.name = Objects.requireNonNull(name, "name");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.duration = Objects.requireNonNull(duration, "duration");
        if (duration.isNegative() || duration.isZero() || duration.toMinutes() < 1) {
            throw new IllegalArgumentException("duration must be at least one minute, was " + duration);
        }
    }

    public static EventTypeSpec of(SandboxUser owner, String name, EventKind kind, Duration duration) {
        return new EventTypeSpec(owner.uri(), name, kind, duration);
    }

    /** {@code owner} is a user URI or UUID. */
    public static EventTypeSpec of(String owner, String name, EventKind kind, Duration duration) {
        return new EventTypeSpec(owner, name, kind, duration);
    }

    public EventTypeSpec location(LocationKind kind) {
        this.location = Objects.requireNonNull(kind, "location");
        return this;
    }

    /** Free text of a custom/physical location, or the phone number of an inbound call. */
    public EventTypeSpec locationText(String text) {
        this.locationText = text;
        return this;
    }

    public EventTypeSpec locationAdditionalInfo(String info) {
        this.locationAdditionalInfo = info;
        return this;
    }

    public EventTypeSpec slug(String slug) {
        this.slug = slug;
        return this;
    }

    public EventTypeSpec description(String description) {
        this.description = description;
        return this;
    }

    public EventTypeSpec internalNote(String note) {
        this.internalNote = note;
        return this;
    }

    public EventTypeSpec question(String name) {
        questions.add(new Question(name, "string", false, List.of()));
        return this;
    }

    public EventTypeSpec question(Question q) {
        questions.add(Objects.requireNonNull(q, "question"));
        return this;
    }

    /** The spec as the sandbox creates the event type: an immutable copy, unaffected by later setter calls. */
    public Snapshot snapshot() {
        return new Snapshot(ownerUri, name, kind, duration, location, locationText, locationAdditionalInfo, slug,
                description, internalNote, questions);
    }

    /** The values of an {@link EventTypeSpec} at one moment; each component is documented at its setter. */
    public record Snapshot(String ownerUri, String name, EventKind kind, Duration duration, LocationKind location,
                           String locationText, String locationAdditionalInfo, String slug, String description,
                           String internalNote, List<Question> questions) {
        public Snapshot {
            questions = List.copyOf(questions);
        }
    }
}
