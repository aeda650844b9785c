package org.haven.server.push;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.haven.server.alert.AlertPaging;
import org.haven.server.alert.EscalationPolicy;
import org.haven.server.audit.AuditEvent;
import org.haven.server.audit.AuditTrail;
import org.haven.server.config.ServerConfig;
import org.haven.server.threads.NodeThreads;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pages the people of an alert's reached tiers who are not connected, by Web Push: each subscribed
 * clinician or supervisor a reached tier holds (by the role, room grants and on-call status their
 * subscriptions carry) with no connection to the node serving the organisation, or only connections
 * at status away when {@code pageWhenAway}. Each of them is paged at most once per alert per
 * escalation step, on every device they subscribed; an alert acknowledged or closed is paged no
 * more, and pages for it still queued are dropped.
 *
 * <p>A page carries no health data: the opaque alert id, its severity, and "Someone needs you in
 * Haven" (docs/protocol.md, "Paging"). Each page is recorded in the audit trail (the user, the
 * device, the push service's host); a subscription its push service says is gone is removed.
 *
 * <p>A read of the subscriptions that fails is tried again with backoff while the alert still wants
 * it.
 *
 * <p>Threading: {@link #reached} and {@link #stop} on the alert thread; the store's answer is
 * handled, and reads tried again, on the sender's threads, where sending is too. Its state is
 * concurrent.
 */
public final class PushPaging implements AlertPaging, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PushPaging.class);

    /** What every page says: the same for every alert and client. */
    static final String TITLE = "Haven";

    static final String BODY = "Someone needs you in Haven";

    /** Long enough to outlast any escalation; the bounds keep a flood of alerts from growing them without end. */
    private static final Duration REMEMBERED = Duration.ofHours(24);

    private static final int MAX_REMEMBERED = 100_000;

    /**
     * Reads of the subscriptions for one reach, at most: with the default backoff (1 s doubling to
     * 60 s) the last is about 14 minutes after the first, past a database's restart.
     */
    static final int MAX_READS = 20;

    private final PushSubscriptions subscriptions;
    private final PushSender sender;
    private final java.util.concurrent.atomic.AtomicLong reaches = new java.util.concurrent.atomic.AtomicLong();
    private final AuditTrail audit;
    private final Duration ttl;
    private final boolean pageWhenAway;
    /** Who was paged for which alert in which round, at which step and severity: {@code alert|round|user|step|severity}. */
    private final Cache<String, Boolean> paged = Caffeine.newBuilder()
            .expireAfterWrite(REMEMBERED)
            .maximumSize(MAX_REMEMBERED)
            .build();
    /**
     * How many times each alert was stopped: a round is the time between two acknowledgements, so an
     * alert raised again pages afresh without going through {@link #paged} (O(1) on the alert thread).
     */
    private final Cache<String, Integer> rounds = Caffeine.newBuilder()
            .expireAfterWrite(REMEMBERED)
            .maximumSize(MAX_REMEMBERED)
            .build();
    /**
     * The number of each alert's newest reach: an earlier one's read pages nobody, and is not tried
     * again, once a newer came (it pages whom the earlier would).
     */
    private final Cache<String, Long> latest = Caffeine.newBuilder()
            .expireAfterWrite(REMEMBERED)
            .maximumSize(MAX_REMEMBERED)
            .build();
    /** Alerts acknowledged or closed: paged no more. */
    private final Cache<String, Boolean> stopped = Caffeine.newBuilder()
            .expireAfterWrite(REMEMBERED)
            .maximumSize(MAX_REMEMBERED)
            .build();

    /**
     * Paging with its own {@link PushSender} (two threads of {@code threads}), signing with {@code
     * vapid}, meters in {@code meters} (null: none).
     */
    PushPaging(
            PushSubscriptions subscriptions,
            AuditTrail audit,
            VapidKeys vapid,
            PushSettings settings,
            boolean pageWhenAway,
            Clock clock,
            NodeThreads threads,
            @Nullable MeterRegistry meters) {
        this.subscriptions = Objects.requireNonNull(subscriptions, "subscriptions");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.ttl = settings.ttl();
        this.pageWhenAway = pageWhenAway;
        this.sender = new PushSender(settings, vapid, this::gone, clock, threads, meters);
    }

    /**
     * The paging of a node's settings ({@code HAVEN_PUSH_*}), or null when it has no VAPID keys (it
     * does not page).
     */
    public static @Nullable PushPaging of(
            ServerConfig.Paging paging,
            PushSubscriptions subscriptions,
            AuditTrail audit,
            Clock clock,
            NodeThreads threads,
            @Nullable MeterRegistry meters) {
        String pub = paging.vapidPublicKey();
        String priv = paging.vapidPrivateKey();
        String subject = paging.subject();
        if (pub == null || priv == null || subject == null) {
            return null;
        }
        PushSettings d = PushSettings.defaults();
        return new PushPaging(
                subscriptions,
                audit,
                VapidKeys.parse(pub, priv, subject),
                new PushSettings(
                        d.maxPending(),
                        d.maxAttempts(),
                        d.firstBackoff(),
                        d.maxBackoff(),
                        d.requestTimeout(),
                        paging.ttl()),
                paging.pageWhenAway(),
                clock,
                threads,
                meters);
    }

    /** Stops sending: pages in flight get a short grace. */
    @Override
    public void close() {
        sender.close();
    }

    @Override
    public void reached(Reach reach) {
        // Reached means raised: an alert acknowledged and then not engaged in time is raised again,
        // and pages again.
        stopped.invalidate(reach.alert());
        long number = reaches.incrementAndGet();
        latest.put(reach.alert(), number);
        read(reach, number, rounds.asMap().getOrDefault(reach.alert(), 0), 1);
    }

    /**
     * Reads the organisation's subscriptions and pages whom {@code reach} holds. A read that fails
     * (the store out of reach) is tried again, backing off as a page's sends do, while the alert is
     * not acknowledged and no later reach of it came (that one pages whom this one would), up to
     * {@link #MAX_READS} reads: the step's pages are late, not lost.
     */
    private void read(Reach reach, long number, int round, int attempt) {
        if (attempt > 1 && !stillWanted(reach, number, round)) {
            return;
        }
        subscriptions
                .inOrg(reach.org())
                .whenCompleteAsync(
                        (subs, failure) -> {
                            if (failure == null) {
                                if (attempt == 1 || stillWanted(reach, number, round)) {
                                    page(reach, round, subs); // a read tried again pages only while wanted
                                }
                                return;
                            }
                            boolean again = attempt < MAX_READS && stillWanted(reach, number, round);
                            Duration wait = sender.backoff(attempt);
                            log.warn(
                                    "paging: subscriptions not read alert={} attempt={} ({}){}",
                                    reach.alert(),
                                    attempt,
                                    failure.getClass().getSimpleName(),
                                    again ? "; again in " + wait.toMillis() + " ms" : "; no more tries");
                            if (again) {
                                sender.later(
                                        "paging read alert=" + reach.alert(),
                                        () -> read(reach, number, round, attempt + 1),
                                        wait);
                            }
                        },
                        sender.executor());
    }

    /** Whether reach {@code number} is still the alert's newest, in the same round, and the alert not acknowledged. */
    private boolean stillWanted(Reach reach, long number, int round) {
        String alert = reach.alert();
        Long newest = latest.getIfPresent(alert); // forgotten (a flood of alerts): no newer one is known
        return stopped.getIfPresent(alert) == null
                && (newest == null || newest == number)
                && rounds.asMap().getOrDefault(alert, 0) == round;
    }

    @Override
    public void stop(String alertId) {
        stopped.put(alertId, Boolean.TRUE);
        rounds.asMap().merge(alertId, 1, Integer::sum); // if it is raised again, it pages again
    }

    private void page(Reach reach, int round, List<PushSubscription> subs) {
        Map<String, List<PushSubscription>> byUser = new LinkedHashMap<>();
        for (PushSubscription s : subs) {
            if (reach.org().equals(s.org()) && heldByAReachedTier(reach, s) && !live(reach, s.user())) {
                byUser.computeIfAbsent(s.user(), u -> new java.util.ArrayList<>())
                        .add(s);
            }
        }
        for (Map.Entry<String, List<PushSubscription>> e : byUser.entrySet()) {
            String key = reach.alert() + "|" + round + "|" + e.getKey() + "|" + reach.step() + "|" + reach.severity();
            if (stopped.getIfPresent(reach.alert()) != null || paged.asMap().putIfAbsent(key, Boolean.TRUE) != null) {
                continue;
            }
            boolean queued = false;
            for (PushSubscription s : e.getValue()) {
                queued |= send(reach, s);
            }
            if (!queued) {
                paged.invalidate(key); // the queue was full: the next report of this step tries again
            }
        }
    }

    private static boolean heldByAReachedTier(Reach reach, PushSubscription s) {
        for (EscalationPolicy.Tier tier : reach.tiers()) {
            if (tier.holds(s.role(), s.rooms(), s.onCall(), reach.room())) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code user} would see the alert in Haven now: connected, and not only away (unless away counts). */
    private boolean live(Reach reach, String user) {
        return reach.connected().contains(user)
                && !(pageWhenAway && reach.away().contains(user));
    }

    /** Queues a page for {@code s}; returns whether the sender took it. */
    private boolean send(Reach reach, PushSubscription s) {
        String alert = reach.alert();
        PushDelivery page;
        try {
            page = new PushDelivery(
                    s.user() + "/" + s.device(),
                    s.endpoint(),
                    Base64.getUrlDecoder().decode(s.p256dh()),
                    Base64.getUrlDecoder().decode(s.auth()),
                    payload(alert, reach.severity().name().toLowerCase(java.util.Locale.ROOT)),
                    topic(alert),
                    ttl,
                    () -> stopped.getIfPresent(alert) == null);
        } catch (IllegalArgumentException e) {
            // Checked when subscribed; a stored subscription that no longer reads is not paged.
            log.warn("paging: subscription unusable user={} device={}", s.user(), s.device());
            return false;
        }
        boolean queued = sender.send(page);
        audit.record(new AuditEvent(
                s.org(),
                AuditEvent.SYSTEM,
                "push.page",
                "user:" + s.user(),
                queued ? "queued" : "refused",
                Map.of(
                        "alert", alert,
                        "device", s.device(),
                        "service", s.service(),
                        "step", Integer.toString(reach.step()))));
        return queued;
    }

    /** A subscription its push service says is gone (404, 410): removed from the store. */
    private void gone(PushDelivery page) {
        subscriptions.removeByEndpoint(page.endpoint()).whenComplete((removed, failure) -> {
            if (failure != null) {
                log.warn(
                        "paging: gone subscription not removed id={} ({})",
                        page.id(),
                        failure.getClass().getSimpleName());
            } else if (removed) {
                log.info("paging: subscription gone, removed id={}", page.id());
            }
        });
    }

    /** How long every page's text is: padded with spaces, so its length tells the push service nothing (the severity). */
    static final int PAYLOAD_BYTES = 256;

    /** The page's text: no name, place, kind or plan, whoever the client and whatever happened. */
    static byte[] payload(String alert, String severity) {
        String url = "/console/?alert=" + URLEncoder.encode(alert, StandardCharsets.UTF_8);
        String json = "{\"alert\":" + quote(alert) + ",\"severity\":" + quote(severity) + ",\"title\":" + quote(TITLE)
                + ",\"body\":" + quote(BODY) + ",\"url\":" + quote(url) + "}";
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        if (text.length >= PAYLOAD_BYTES) {
            return text;
        }
        byte[] padded = Arrays.copyOf(text, PAYLOAD_BYTES);
        Arrays.fill(padded, text.length, PAYLOAD_BYTES, (byte) ' '); // JSON allows trailing white space
        return padded;
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /**
     * The push topic of an alert's pages (RFC 8030 §5.4: 32 base64url characters at most): a newer
     * page of the same alert replaces one the device has not fetched yet.
     */
    static String topic(String alert) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(alert.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, 24));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
