package io.calbridge.sandbox.internal.state;

import io.calbridge.sandbox.Canceler;
import io.calbridge.sandbox.EventKind;
import io.calbridge.sandbox.LocationKind;
import io.calbridge.sandbox.Plan;
import io.calbridge.sandbox.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The simulated Calendly's mutable state. Every field of every entity is guarded by the {@link Store}
 * monitor: read and write them only inside {@code synchronized (store)}. A constructor takes what
 * never changes (and the creation time); the action that creates an entity sets the other fields by
 * name. What never changes at all is a record.
 */
public final class Model {
    private Model() {
    }

    public static final class Org {
        public final String uuid;
        public final Instant createdAt;
        public String name;
        public Plan plan;
        public Instant updatedAt;

        public Org(String uuid, Instant now) {
            this.uuid = uuid;
            this.createdAt = now;
            this.updatedAt = now;
        }
    }

    public static final class User {
        public final String uuid;
        public final String membershipUuid;
        public final Instant createdAt;
        public String orgUuid;
        public String name;
        public String slug;
        public String email;
        public String timezone;
        public Role role;
        public Instant updatedAt;
        public String locale = "en";
        public String timeNotation = "12h";

        public User(String uuid, String membershipUuid, Instant now) {
            this.uuid = uuid;
            this.membershipUuid = membershipUuid;
            this.createdAt = now;
            this.updatedAt = now;
        }
    }

    /**
     * A registered OAuth app. {@code legacy}: created before scopes existed, so a token without
     * requested scopes may use every endpoint. {@code nativeClient}: a public client that
     * authenticates with client_id only and must use PKCE.
     */
    public record App(String clientId, String clientSecret, String signingKey, String name, List<String> redirectUris,
                      boolean legacy, boolean nativeClient, String defaultUserUuid) {
        public App {
            redirectUris = List.copyOf(redirectUris);
        }
    }

    /** An authorization code; {@code scopes} is {@code null} when no scope was requested. */
    public record AuthCode(String code, String clientId, String userUuid, String redirectUri, Set<String> scopes,
                           String codeChallenge, Instant expiresAt, boolean used) {
        /** This code once exchanged: a second exchange fails. */
        public AuthCode spent() {
            return new AuthCode(code, clientId, userUuid, redirectUri, scopes, codeChallenge, expiresAt, true);
        }
    }

    /**
     * What a token lets its bearer do: act as {@code userUuid} through the app {@code clientId}
     * ({@code null} for a personal access token) within {@code scopes} ({@code null} = no scope
     * requested: full access for legacy apps and PATs, none for new apps).
     */
    public record Access(String clientId, String userUuid, Set<String> scopes, boolean legacy, boolean pat) {
    }

    /**
     * One issued access token and (for OAuth) its refresh token, like a Doorkeeper token row: revoking
     * either revokes both.
     */
    public static final class Grant {
        public final String accessToken;
        public final String refreshToken;
        public final Access access;
        public final Instant issuedAt;
        public Instant expiresAt;
        public boolean revoked;
        public boolean refreshUsed;

        public Grant(String accessToken, String refreshToken, Access access, Instant issuedAt) {
            this.accessToken = accessToken;
            this.refreshToken = refreshToken;
            this.access = access;
            this.issuedAt = issuedAt;
        }
    }

    public record Question(String name, String type, int position, boolean required, List<String> answerChoices) {
        public Question {
            answerChoices = answerChoices == null ? null : List.copyOf(answerChoices);
        }
    }

    public static final class EventType {
        public final String uuid;
        public final String ownerUuid;
        public final Instant createdAt;
        public String name;
        public String slug;
        public EventKind kind;
        public Duration duration;
        public LocationKind location;
        /** Free text of custom/physical locations, phone number of inbound calls. */
        public String locationText;
        public String locationAdditionalInfo;
        public boolean active = true;
        public Instant updatedAt;
        public Instant deletedAt;
        public String color = "#0069ff";
        public String internalNote;
        public String description;
        public int position;
        public List<Question> questions = new ArrayList<>();

        public EventType(String uuid, String ownerUuid, Instant now) {
            this.uuid = uuid;
            this.ownerUuid = ownerUuid;
            this.createdAt = now;
            this.updatedAt = now;
        }
    }

    public record Cancellation(String canceledBy, Canceler cancelerType, String reason, Instant createdAt) {
    }

    public record Guest(String email, Instant createdAt, Instant updatedAt) {
    }

    public static final class ScheduledEvent {
        public final String uuid;
        public final String eventTypeUuid;
        public final String orgUuid;
        public final Instant createdAt;
        public final String calendarExternalId;
        public String name;
        public String status = "active";
        public Instant start;
        public Instant end;
        public List<String> hostUuids = new ArrayList<>();
        public List<Guest> guests = new ArrayList<>();
        public Instant updatedAt;
        public Cancellation cancellation;
        public String meetingNotesPlain;
        public String meetingNotesHtml;
        public int limit;
        /** Zoom meeting id / Teams conference id; generated once so that every render agrees. */
        public long conferenceId;
        public String conferenceStatus = "pushed";
        public String locationText;

        public ScheduledEvent(String uuid, String eventTypeUuid, String orgUuid, Instant now, String calendarExternalId) {
            this.uuid = uuid;
            this.eventTypeUuid = eventTypeUuid;
            this.orgUuid = orgUuid;
            this.createdAt = now;
            this.updatedAt = now;
            this.calendarExternalId = calendarExternalId;
        }
    }

    public record Qa(String question, String answer, int position) {
    }

    /** UTM tracking; always rendered with all six keys in Calendly's fixed order. */
    public record Tracking(String utmCampaign, String utmSource, String utmMedium, String utmContent, String utmTerm,
                           String salesforceUuid) {
        public static final Tracking EMPTY = new Tracking(null, null, null, null, null, null);
    }

    public record Payment(String externalId, String provider, double amount, String currency, String terms,
                          boolean successful) {
    }

    public static final class Invitee {
        public final String uuid;
        public final String eventUuid;
        public final Instant createdAt;
        public String name;
        public String firstName;
        public String lastName;
        public String email;
        public String timezone;
        public String status = "active";
        public List<Qa> answers = new ArrayList<>();
        public Tracking tracking = Tracking.EMPTY;
        public String textReminderNumber;
        public boolean rescheduled;
        public String oldInviteeUuid;
        public String newInviteeUuid;
        public Cancellation cancellation;
        public String noShowUuid;
        public Instant updatedAt;
        public String scheduledByUserUuid;
        public String schedulingMethod;
        public String routingSubmissionUuid;
        public Payment payment;
        public Instant reconfirmationCreatedAt;
        public Instant reconfirmationConfirmedAt;

        public Invitee(String uuid, String eventUuid, Instant now) {
            this.uuid = uuid;
            this.eventUuid = eventUuid;
            this.createdAt = now;
            this.updatedAt = now;
        }
    }

    public record NoShow(String uuid, String inviteeUuid, Instant createdAt) {
    }

    public static final class Subscription {
        public final String uuid;
        public final String callbackUrl;
        public final List<String> events;
        public final String scope;
        public final String orgUuid;
        public final String userUuid;
        public final String creatorUuid;
        /** Caller-supplied key, or {@code null}. */
        public final String signingKey;
        /** The OAuth app whose token created it, or {@code null} for a personal access token. */
        public final String clientId;
        public final Instant createdAt;
        public String state = "active";
        public Instant retryStartedAt;
        public Instant updatedAt;
        public Instant lastSuccessAt;
        public int messagesInRetry;

        public Subscription(String uuid, String callbackUrl, List<String> events, String scope, String orgUuid,
                            String userUuid, String creatorUuid, String signingKey, String clientId, Instant now) {
            this.uuid = uuid;
            this.callbackUrl = callbackUrl;
            this.events = List.copyOf(events);
            this.scope = scope;
            this.orgUuid = orgUuid;
            this.userUuid = userUuid;
            this.creatorUuid = creatorUuid;
            this.signingKey = signingKey;
            this.clientId = clientId;
            this.createdAt = now;
            this.updatedAt = now;
        }
    }

    public record RoutingQuestion(String uuid, String name, String type) {
    }

    public record RoutingForm(String uuid, String orgUuid, String name, List<RoutingQuestion> questions,
                              Instant createdAt) {
        public RoutingForm {
            questions = List.copyOf(questions);
        }
    }

    public record RoutingAnswer(String questionUuid, String question, String answer) {
    }

    public static final class RoutingSubmission {
        public final String uuid;
        public final String formUuid;
        public final List<RoutingAnswer> answers;
        public final Tracking tracking;
        public final Instant createdAt;
        public String resultEventTypeUuid;
        public String submitterInviteeUuid;
        public Instant updatedAt;

        public RoutingSubmission(String uuid, String formUuid, List<RoutingAnswer> answers, Tracking tracking,
                                 Instant now) {
            this.uuid = uuid;
            this.formUuid = formUuid;
            this.answers = List.copyOf(answers);
            this.tracking = tracking;
            this.createdAt = now;
            this.updatedAt = now;
        }
    }

    /** A single-use scheduling link ({@code POST /scheduling_links}); {@code code} is its path segment. */
    public record SchedulingLink(String code, String eventTypeUuid, String creatorUuid, Instant createdAt,
                                 String usedByInviteeUuid) {
        /** This link once {@code inviteeUuid} booked through it; {@code usedByInviteeUuid} is null while unused. */
        public SchedulingLink usedBy(String inviteeUuid) {
            return new SchedulingLink(code, eventTypeUuid, creatorUuid, createdAt, inviteeUuid);
        }
    }

    /** One accepted {@code POST /data_compliance/deletion/invitees}. */
    public record DataDeletion(List<String> emails, String requestedByUuid, String orgUuid, Instant at,
                                         int inviteesDeleted) {
        public DataDeletion {
            emails = List.copyOf(emails);
        }
    }
}
