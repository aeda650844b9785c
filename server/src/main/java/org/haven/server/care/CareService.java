package org.haven.server.care;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.haven.protocol.Care;
import org.haven.protocol.ClientMessage;
import org.haven.protocol.ErrorCode;
import org.haven.protocol.Refusal;
import org.haven.protocol.Result;
import org.haven.protocol.Role;
import org.haven.server.audit.AuditEvent;
import org.haven.server.audit.AuditTrail;
import org.haven.server.auth.Principal;
import org.haven.server.auth.ServicePrincipal;
import org.haven.server.presence.UserRef;
import org.haven.server.request.Handlers;
import org.jspecify.annotations.Nullable;

/**
 * Care records: session check-ins, emergency contacts, safety plans, assessed risk. Decides who may
 * read and edit them (a client their own, but never their risk; a clinician those of the clients of
 * rooms they are granted; a supervisor those of their organisation), and writes every change and
 * every read to the audit trail.
 *
 * <p>Threading: entry points from any thread; store completions run on the store's threads; its
 * caches are thread-safe.
 */
public final class CareService {

    private final CareStore store;
    private final RoomAffiliations affiliations;
    private final CrisisResources resources;
    private final AuditTrail audit;
    private final Clock clock;
    private final Duration checkInValidity;
    private final Set<String> checkInExemptOrgs;
    /** What this node last stored or read of each client's records, for alerts when the store does not answer. */
    private final CareCopies copies;

    /** How far in the future a risk's {@code assessedAt} may be: the clocks of the clinician's device and the node's differ. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    /** The bytes a node's copies of care records take by default, at most: an eighth of the heap. */
    public static long defaultCopyBytes() {
        return Runtime.getRuntime().maxMemory() / 8;
    }

    public CareService(
            CareStore store,
            RoomAffiliations affiliations,
            CrisisResources resources,
            AuditTrail audit,
            Clock clock,
            Duration checkInValidity,
            Set<String> checkInExemptOrgs) {
        this(store, affiliations, resources, audit, clock, checkInValidity, checkInExemptOrgs, defaultCopyBytes());
    }

    /** As above, this node's copies of care records taking at most about {@code copyBytes}. */
    public CareService(
            CareStore store,
            RoomAffiliations affiliations,
            CrisisResources resources,
            AuditTrail audit,
            Clock clock,
            Duration checkInValidity,
            Set<String> checkInExemptOrgs,
            long copyBytes) {
        this.store = store;
        this.affiliations = affiliations;
        this.resources = resources;
        this.audit = audit;
        this.clock = clock;
        this.checkInValidity = checkInValidity;
        this.checkInExemptOrgs = Set.copyOf(checkInExemptOrgs);
        this.copies = new CareCopies(store, copyBytes, checkInValidity);
    }

    /** How many copies of care records (plans, contacts, check-ins) this node holds (tests). */
    long copyCount() {
        return copies.count();
    }

    /** The estimated bytes of this node's copies of care records, as their caches weigh them (tests). */
    long copyBytes() {
        return copies.bytes();
    }

    /** Registers the care feature's request handlers; check-ins are reported to {@code alerts}. */
    public void register(Handlers handlers, CheckInAlerts alerts) {
        handlers.on(
                        ClientMessage.CheckInSubmit.class,
                        r -> r.reply()
                                .complete(submitCheckIn(r.principal(), r.message())
                                        .thenApply(recorded -> {
                                            Principal p = r.principal();
                                            alerts.checkedIn(
                                                    new UserRef(p.org(), p.user()),
                                                    r.message().room());
                                            return recorded;
                                        })))
                .on(ClientMessage.CheckInDecline.class, r -> {
                    Principal p = r.principal();
                    declineCheckIn(p, r.message());
                    alerts.checkInDeclined(
                            new UserRef(p.org(), p.user()),
                            p.name(),
                            r.message().room());
                    r.reply().ok();
                })
                .on(ClientMessage.ContactsSet.class, r -> r.reply().complete(setContacts(r.principal(), r.message())))
                .on(ClientMessage.PlanSet.class, r -> r.reply().complete(setPlan(r.principal(), r.message())))
                .on(ClientMessage.RiskSet.class, r -> r.reply().complete(setRisk(r.principal(), r.message())))
                .on(ClientMessage.CareRecordGet.class, r -> r.reply().complete(readRecord(r.principal(), r.message())));
    }

    /** Whether clients of {@code org} must check in before joining a group session. */
    public boolean requiresCheckIn(String org) {
        return !checkInExemptOrgs.contains(org);
    }

    /** Notes that {@code client} is part of {@code room} (a join). */
    public void affiliate(UserRef client, String room) {
        affiliations.add(client, room);
    }

    /**
     * Whether the client has checked in for the current session of {@code room}: in the store, or
     * through this node when the store has lost it (Redis restarted empty). A valid check-in made
     * through this node answers at once, without the store, which could only add a later one: a
     * client who checked in here rejoins while the store is slow or stalled.
     */
    public CompletionStage<Boolean> hasValidCheckIn(UserRef client, String room) {
        Instant oldest = clock.instant().minus(checkInValidity);
        Care.CheckIn here = copies.checkIn(client, room);
        if (here != null && !here.at().isBefore(oldest)) {
            return CompletableFuture.completedFuture(true);
        }
        return store.latestCheckIn(client, room).thenApply(c -> {
            Care.CheckIn copy = copies.checkIn(client, room);
            Care.CheckIn latest = c.orElse(copy);
            if (latest != null && copy != null && copy.at().isAfter(latest.at())) {
                latest = copy;
            }
            return latest != null && !latest.at().isBefore(oldest);
        });
    }

    public CompletionStage<Result.CheckInRecorded> submitCheckIn(Principal caller, ClientMessage.CheckInSubmit m) {
        requireClientOf(caller, m.room());
        UserRef client = userOf(caller);
        Care.CheckIn checkIn = new Care.CheckIn(
                "ci-" + randomId(),
                caller.user(),
                m.room(),
                m.address(),
                m.coordinates(),
                m.callbackPhone(),
                m.privateSetting(),
                clock.instant());
        return slowDownWhenFull(store.recordCheckIn(client, checkIn)).thenApply(stored -> {
            copies.checkIn(client, stored);
            affiliations.add(client, m.room());
            audit.record(new AuditEvent(
                    caller.org(),
                    caller.user(),
                    "checkin.submit",
                    "client:" + client,
                    "ok",
                    Map.of("room", m.room(), "checkIn", stored.id())));
            return new Result.CheckInRecorded(stored);
        });
    }

    /** Records that the client declined to confirm their location; the caller raises the alert. */
    public void declineCheckIn(Principal caller, ClientMessage.CheckInDecline m) {
        requireClientOf(caller, m.room());
        affiliations.add(userOf(caller), m.room());
        audit.record(new AuditEvent(
                caller.org(),
                caller.user(),
                "checkin.decline",
                "client:" + userOf(caller),
                "ok",
                Map.of("room", m.room())));
    }

    public CompletionStage<Result.CareVersion> setContacts(Principal caller, ClientMessage.ContactsSet m) {
        UserRef client = editableClient(caller, m.client(), "care.contacts.set");
        return appendContacts(client, caller.user(), m.contacts());
    }

    /**
     * A backend of the organisation (a service credential with {@code care:write}, checked by the
     * caller) sets the contacts of any client of its organisation; {@code m} names the client.
     */
    public CompletionStage<Result.CareVersion> setContacts(ServicePrincipal service, ClientMessage.ContactsSet m) {
        return appendContacts(serviceClient(service, m.client()), service.actor(), m.contacts());
    }

    private CompletionStage<Result.CareVersion> appendContacts(
            UserRef client, String actor, List<Care.EmergencyContact> contacts) {
        return slowDownWhenFull(store.appendContacts(client, contacts, actor, clock.instant()))
                .thenApply(v -> {
                    copies.contacts(client, v.value());
                    audit.record(new AuditEvent(
                            client.org(),
                            actor,
                            "care.contacts.set",
                            "client:" + client,
                            "ok",
                            Map.of("version", Long.toString(v.version()))));
                    return new Result.CareVersion(client.user(), v.version());
                });
    }

    public CompletionStage<Result.CareVersion> setPlan(Principal caller, ClientMessage.PlanSet m) {
        UserRef client = editableClient(caller, m.client(), "care.plan.set");
        return appendPlan(client, caller.user(), m.plan());
    }

    /** As {@link #setContacts(ServicePrincipal, ClientMessage.ContactsSet)}, for the safety plan. */
    public CompletionStage<Result.CareVersion> setPlan(ServicePrincipal service, ClientMessage.PlanSet m) {
        return appendPlan(serviceClient(service, m.client()), service.actor(), m.plan());
    }

    private CompletionStage<Result.CareVersion> appendPlan(UserRef client, String actor, Care.SafetyPlan plan) {
        return slowDownWhenFull(store.appendPlan(client, plan, actor, clock.instant()))
                .thenApply(v -> {
                    copies.plan(client, v.value());
                    audit.record(new AuditEvent(
                            client.org(),
                            actor,
                            "care.plan.set",
                            "client:" + client,
                            "ok",
                            Map.of("version", Long.toString(v.version()))));
                    return new Result.CareVersion(client.user(), v.version());
                });
    }

    /**
     * The care team records a client's assessed risk as a new version (the EHR's integration calls
     * this too, as its principal): a clinician for a client of a room they are granted, a supervisor
     * for any client of the organisation. A client may not set it, even their own ({@code
     * forbidden}); an assessment later than now (beyond {@link #CLOCK_SKEW}) is {@code
     * invalid_message}. Refusals are thrown at once, as {@link Refusal}; the change is audited.
     */
    public CompletionStage<Result.CareVersion> setRisk(Principal caller, ClientMessage.RiskSet m) {
        if (caller.role() == Role.CLIENT) {
            throw refused(caller, "care.risk.set", m.client(), "a client's risk is set by the care team");
        }
        UserRef client = editableClient(caller, m.client(), "care.risk.set");
        return appendRisk(client, caller.user(), m);
    }

    /**
     * As {@link #setContacts(ServicePrincipal, ClientMessage.ContactsSet)}, for the assessed risk (an
     * EHR's integration records a screening): the same check of {@code assessedAt}, the same version
     * and audit, with the service as the one who set it.
     */
    public CompletionStage<Result.CareVersion> setRisk(ServicePrincipal service, ClientMessage.RiskSet m) {
        return appendRisk(serviceClient(service, m.client()), service.actor(), m);
    }

    private CompletionStage<Result.CareVersion> appendRisk(UserRef client, String actor, ClientMessage.RiskSet m) {
        Instant now = clock.instant();
        if (m.assessedAt() != null && m.assessedAt().isAfter(now.plus(CLOCK_SKEW))) {
            throw new Refusal(ErrorCode.INVALID_MESSAGE, "assessedAt: later than now");
        }
        return slowDownWhenFull(store.appendRisk(client, m.risk(), actor, now)).thenApply(v -> {
            copies.risk(client, v.value());
            audit.record(new AuditEvent(
                    client.org(),
                    actor,
                    "care.risk.set",
                    "client:" + client,
                    "ok",
                    Map.of("version", Long.toString(v.version()))));
            return new Result.CareVersion(client.user(), v.version());
        });
    }

    /**
     * A backend of the organisation reads a client's current contacts, plan and risk (no check-in: those
     * belong to a session). Audited as a read; {@code not_found} when neither was ever set.
     */
    public CompletionStage<Result.CareRecord> readRecord(ServicePrincipal service, String named) {
        UserRef client = serviceClient(service, named);
        return store.contacts(client)
                .thenCompose(contacts -> store.plan(client)
                        .thenCompose(plan -> store.risk(client).thenApply(risk -> {
                            if (contacts.isEmpty() && plan.isEmpty() && risk.isEmpty()) {
                                throw new Refusal(ErrorCode.NOT_FOUND, "no care record for this client");
                            }
                            audit.record(new AuditEvent(
                                    client.org(), service.actor(), "care.read", "client:" + client, "ok", Map.of()));
                            return new Result.CareRecord(
                                    client.user(), null, contacts.orElse(null), plan.orElse(null), risk.orElse(null));
                        })));
    }

    /** The client a service names: always of the service's own organisation. */
    private static UserRef serviceClient(ServicePrincipal service, @Nullable String named) {
        if (named == null || named.isEmpty()) {
            throw new Refusal(ErrorCode.INVALID_MESSAGE, "client: missing");
        }
        return new UserRef(service.org(), named);
    }

    /**
     * {@code save}, or a refusal to slow down ({@code rate_limited}) when the store could not take it
     * now: the saves waiting for it are at their bound (the database is behind). Not a failure of the
     * node: nothing is logged as one, and the client tries again shortly.
     */
    private static <T> CompletionStage<T> slowDownWhenFull(CompletionStage<T> save) {
        return save.handle((v, failure) -> {
            if (failure == null) {
                return v;
            }
            Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof RejectedExecutionException) {
                throw new Refusal(
                        ErrorCode.RATE_LIMITED, "records are arriving faster than they are stored; try again");
            }
            throw failure instanceof CompletionException c ? c : new CompletionException(failure);
        });
    }

    /** A clinician reads a client's care record; every read, allowed or refused, is audited. */
    public CompletionStage<Result.CareRecord> readRecord(Principal caller, ClientMessage.CareRecordGet m) {
        UserRef client = new UserRef(caller.org(), m.client());
        if (!mayReadInRoom(caller, client, m.room())) {
            audit.record(new AuditEvent(
                    caller.org(),
                    caller.user(),
                    "care.read",
                    "client:" + client,
                    "refused:not_found",
                    Map.of("room", m.room())));
            // Whether the client exists is itself not the caller's to know.
            throw new Refusal(ErrorCode.NOT_FOUND, "no care record visible to you for this client and room");
        }
        return store.latestCheckIn(client, m.room())
                .thenCompose(checkIn -> store.contacts(client)
                        .thenCompose(contacts -> store.plan(client).thenCombine(store.risk(client), (plan, risk) -> {
                            audit.record(new AuditEvent(
                                    caller.org(),
                                    caller.user(),
                                    "care.read",
                                    "client:" + client,
                                    "ok",
                                    Map.of("room", m.room())));
                            return new Result.CareRecord(
                                    client.user(),
                                    checkIn.orElse(null),
                                    contacts.orElse(null),
                                    plan.orElse(null),
                                    risk.orElse(null));
                        })));
    }

    /**
     * The parts of a client's record that travel with an alert. When the store cannot be reached,
     * what this node last stored or read of them (a location confirmed here minutes ago is better
     * than none in a crisis). Each read waits at most {@code wait}: a stalled store is treated as an
     * unreachable one rather than holding the alert back until its command time-out.
     */
    public CompletionStage<CareSnapshot> snapshot(UserRef client, @Nullable String room, Duration wait) {
        return copies.snapshot(client, room, wait);
    }

    /** Crisis resources for a client, by their organisation and the country of the check-in (if any). */
    public List<Care.CrisisResource> crisisResources(String org, Care.@Nullable CheckIn checkIn) {
        return resources.forClient(
                org, checkIn == null ? null : checkIn.address().country());
    }

    /** Whether a responder may see {@code client}'s record in the context of {@code room} (null: no room). */
    public boolean mayReadInRoom(Principal caller, UserRef client, @Nullable String room) {
        if (!caller.org().equals(client.org()) || !caller.role().isCareTeam()) {
            return false;
        }
        if (caller.role() == Role.SUPERVISOR) {
            return true;
        }
        return room != null && caller.isGranted(room) && affiliations.isAffiliated(client, room);
    }

    private UserRef editableClient(Principal caller, String named, String action) {
        if (caller.role() == Role.CLIENT) {
            if (named != null && !named.equals(caller.user())) {
                throw refused(caller, action, named, "a client edits only their own record");
            }
            return userOf(caller);
        }
        if (!caller.role().isCareTeam() || named == null) {
            throw refused(caller, action, named, "name the client whose record you edit");
        }
        UserRef client = new UserRef(caller.org(), named);
        if (caller.role() != Role.SUPERVISOR && !affiliations.sharesAny(client, caller.rooms())) {
            throw refused(caller, action, named, "the client is not in a room you are granted");
        }
        return client;
    }

    private Refusal refused(Principal caller, String action, String client, String why) {
        audit.record(new AuditEvent(
                caller.org(),
                caller.user(),
                action,
                "client:" + caller.org() + "/" + client,
                "refused:forbidden",
                Map.of()));
        return new Refusal(ErrorCode.FORBIDDEN, why);
    }

    private static void requireClientOf(Principal caller, String room) {
        if (caller.role() != Role.CLIENT) {
            throw new Refusal(ErrorCode.FORBIDDEN, "check-ins are made by clients");
        }
        if (!caller.isGranted(room)) {
            throw new Refusal(ErrorCode.FORBIDDEN, "the token does not grant this room");
        }
    }

    private static UserRef userOf(Principal p) {
        return new UserRef(p.org(), p.user());
    }

    private static String randomId() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }
}
