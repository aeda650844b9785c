package org.haven.loadtest.failover;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * What a failover run measured, by phase of the run, as a plain-text table, with the goals checked
 * in every phase. Phases go by each press's scheduled time: the warm-up (shown, never judged),
 * before the first fault, within the fault window after each fault (a press the fault caught in
 * flight, due before it and answered after it, counts there too), and settled (after a window).
 *
 * <p>Latencies run from a press's scheduled time. The goals:
 *
 * <ul>
 *   <li>a press is answered within 2 s at p99 ({@code alert.received}, or {@code alert_unconfirmed}:
 *       call the crisis line), over presses sent on a live connection ({@link Evaluation.Verdict#live}:
 *       presses due while the client's connection was down, or sent on a connection whose node then
 *       died under them, reach no server that could answer; the client application must show the
 *       crisis line itself; their worst times are shown apart);
 *   <li>its alert reaches a responder within 2 s at p99, over the same presses;
 *   <li>no alert lost: every press sent belongs to an alert some responder received by the end;
 *   <li>every alert raised after a check-in carries that client's check-in in the first frame a
 *       responder receives ("without location" counts those that do not, also when a later update
 *       brings it);
 *   <li>no tier skipped: no alert is first received past its first tier, the room's facilitators.
 *       Every clinician of the run is granted the room, so every clinician is a facilitator, and
 *       each is connected or reconnecting throughout the run: an alert first received at the
 *       on-call or the supervisors' tier passed a tier whose people were there or on their way back;
 *   <li>one open alert per client: no press made a second alert while its first was open (a send
 *       made one, its answer was lost with the connection, and the press sent again made another
 *       that reached a responder before the first was resolved).
 * </ul>
 *
 * <p>Also counted, beside the goals: presses that joined their client's open alert, and presses
 * that made two alerts at all (the second rightly, when the re-send was taken after the clinicians
 * had resolved the first).
 */
public final class FailoverReport {

    static final long GOAL_NANOS = 2_000_000_000L;
    static final String WARMUP = "warm-up";
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** Counts of what the run did, beside the presses. */
    record Activity(int responderConnections, int clientConnections, int checkInFailures, int resolved) {}

    private final FailoverSettings settings;
    private final long startNanos;
    private final List<Long> faultNanos;
    private final List<Long> faultEpochMillis;
    private final Evaluation evaluation;
    private final Activity activity;
    private final List<String> problems;
    private final List<String> columns = new ArrayList<>();
    private final List<List<Evaluation.Verdict>> phases = new ArrayList<>();
    private final Map<Evaluation.Verdict, Integer> phaseIndex = new IdentityHashMap<>();
    private final List<String> goals = new ArrayList<>();
    private boolean goalsMet = true;

    FailoverReport(
            FailoverSettings settings,
            long startNanos,
            List<Long> faultNanos,
            List<Long> faultEpochMillis,
            Evaluation evaluation,
            Activity activity,
            List<String> problems) {
        this.settings = settings;
        this.startNanos = startNanos;
        this.faultNanos = List.copyOf(faultNanos);
        this.faultEpochMillis = List.copyOf(faultEpochMillis);
        this.evaluation = evaluation;
        this.activity = activity;
        this.problems = List.copyOf(problems);
        split();
        checkGoals();
    }

    private void split() {
        if (settings.warmupPresses() > 0) {
            columns.add(WARMUP);
            phases.add(new ArrayList<>());
        }
        int offset = columns.size();
        columns.add("before");
        phases.add(new ArrayList<>());
        for (Fault f : settings.faults()) {
            columns.add(f.name());
            phases.add(new ArrayList<>());
        }
        columns.add("settled");
        phases.add(new ArrayList<>());
        List<Evaluation.Verdict> measured = new ArrayList<>();
        for (Evaluation.Verdict v : evaluation.verdicts()) {
            int phase = v.press().measured ? offset + phaseOf(v.press()) : 0;
            phases.get(phase).add(v);
            phaseIndex.put(v, phase);
            if (v.press().measured) {
                measured.add(v);
            }
        }
        columns.add("all");
        phases.add(measured);
    }

    /**
     * 0 before the first fault, f + 1 within the window of fault f, the last after a window. A press
     * due within a fault's window counts there; so does one the fault caught in flight (due before
     * it, answered only after it: its client had sent it to the node that then died).
     */
    private int phaseOf(Press p) {
        long due = p.scheduledNanos;
        int latest = -1;
        for (int f = 0; f < faultNanos.size(); f++) {
            long at = faultNanos.get(f);
            if (at == 0) {
                continue;
            }
            if (at <= due) {
                latest = f;
            } else {
                boolean inFlight = p.sends() > 0 && (p.answer() == Press.Answer.NONE || p.answeredNanos() > at);
                if (inFlight) {
                    return f + 1;
                }
                break;
            }
        }
        if (latest < 0) {
            return 0;
        }
        return due - faultNanos.get(latest) < settings.faultWindow().toNanos()
                ? latest + 1
                : settings.faults().size() + 1;
    }

    private void checkGoals() {
        goal(
                "raise answered within 2 s at p99 (live connections)",
                v -> percentile(v, Evaluation.Verdict::live, Evaluation.Verdict::answerNanos, 99) <= GOAL_NANOS,
                v -> ms(percentile(v, Evaluation.Verdict::live, Evaluation.Verdict::answerNanos, 99)));
        goal(
                "alert at a responder within 2 s at p99 (live connections)",
                v -> percentile(v, Evaluation.Verdict::live, Evaluation.Verdict::deliveryNanos, 99) <= GOAL_NANOS,
                v -> ms(percentile(v, Evaluation.Verdict::live, Evaluation.Verdict::deliveryNanos, 99)));
        goal(
                "0 alerts lost",
                v -> count(v, Evaluation.Verdict::lost) == 0,
                v -> count(v, Evaluation.Verdict::lost) + "");
        goal(
                "every alert after a check-in carries it",
                v -> count(v, Evaluation.Verdict::withoutLocation) == 0,
                v -> count(v, Evaluation.Verdict::withoutLocation) + "");
        goal(
                "no tier skipped",
                v -> count(v, Evaluation.Verdict::tierSkipped) == 0,
                v -> count(v, Evaluation.Verdict::tierSkipped) + "");
        goal(
                "one open alert per client (no second while the first is open)",
                v -> count(v, Evaluation.Verdict::otherStillOpen) == 0,
                v -> count(v, Evaluation.Verdict::otherStillOpen) + "");
    }

    private void goal(
            String what,
            Predicate<List<Evaluation.Verdict>> met,
            java.util.function.Function<List<Evaluation.Verdict>, String> figure) {
        List<String> missed = new ArrayList<>();
        for (int i = 0; i < phases.size() - 1; i++) {
            if (columns.get(i).equals(WARMUP)) {
                continue;
            }
            if (!met.test(phases.get(i))) {
                missed.add(columns.get(i) + ": " + figure.apply(phases.get(i)));
            }
        }
        boolean ok = missed.isEmpty();
        goalsMet &= ok;
        goals.add(String.format(
                Locale.ROOT,
                "goal %-62s %s%s",
                what,
                ok ? "PASS" : "FAIL",
                ok ? "" : " (" + String.join(", ", missed) + ")"));
    }

    /** Whether every goal was met in every phase and the run went as planned. */
    public boolean passed() {
        return goalsMet && problems.isEmpty();
    }

    /** Whether the run went as planned (every fault injected, nothing left hanging). */
    public List<String> problems() {
        return problems;
    }

    /** Figures of the whole run, for tests: presses, sent, answered, lost, without location, skipped. */
    public int presses() {
        return all().size();
    }

    private List<Evaluation.Verdict> all() {
        return phases.get(phases.size() - 1);
    }

    public int sent() {
        return count(all(), Evaluation.Verdict::sent);
    }

    /** Presses answered ({@code alert.received}, {@code alert_unconfirmed} or another error). */
    public int answered() {
        return count(all(), v -> v.press().answer() != Press.Answer.NONE);
    }

    public int received() {
        return count(all(), v -> v.press().answer() == Press.Answer.RECEIVED);
    }

    public int lost() {
        return count(all(), Evaluation.Verdict::lost);
    }

    public int delivered() {
        return count(all(), Evaluation.Verdict::delivered);
    }

    public int withoutLocation() {
        return count(all(), Evaluation.Verdict::withoutLocation);
    }

    /** Delivered presses whose location was judged (sent after a confirmed check-in). */
    public int locationJudged() {
        return count(all(), v -> v.location() != Evaluation.Location.NOT_JUDGED);
    }

    public int tiersSkipped() {
        return count(all(), Evaluation.Verdict::tierSkipped);
    }

    /** The run as a plain-text table. */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append(
                "Haven failover: help presses at a fixed rate while the serving node is killed, then Redis restarts\n");
        out.append("nodes    A ")
                .append(settings.urlA())
                .append(" (serves the organisation), B ")
                .append(settings.urlB())
                .append('\n');
        out.append(String.format(
                Locale.ROOT,
                "plan     %d presses: %d clients (alternately on A and B) at %s/s for %s s; %d clinicians,"
                        + " %d supervisor(s); fault window %d s, drain %d s%s%n",
                settings.presses(),
                settings.clients(),
                num(settings.ratePerSecond()),
                num(settings.seconds()),
                settings.clinicians(),
                settings.supervisors(),
                settings.faultWindow().toSeconds(),
                settings.drain().toSeconds(),
                settings.closeAlerts() ? "; alerts closed (follow-up) once resolved" : ""));
        out.append("faults   ").append(faultsAsRun()).append('\n');
        out.append(String.format(
                Locale.ROOT,
                "activity connections made: %d by responders, %d by clients (%d check-ins failed);"
                        + " %d alerts seen (%d of no press), %d resolved%n",
                activity.responderConnections(),
                activity.clientConnections(),
                activity.checkInFailures(),
                evaluation.alertsSeen(),
                evaluation.alertsOfNoPress(),
                activity.resolved()));
        int width = 36 + 14 * columns.size();
        out.append("-".repeat(width)).append('\n');
        row(
                out,
                "metric",
                columns.stream()
                        .map(c -> c.length() > 13 ? c.substring(0, 13) : c)
                        .toList());
        count(out, "presses", v -> true);
        count(out, "  sent on a live connection", Evaluation.Verdict::live);
        count(
                out,
                "  sent as its node died",
                v -> v.sent() && v.press().diedUnder() && !v.press().waited());
        count(out, "  waited for a connection", v -> v.sent() && v.press().waited());
        count(out, "  never sent", v -> !v.sent());
        count(out, "  sent again (connection lost)", v -> v.press().sends() > 1);
        count(out, "answered alert.received", v -> v.press().answer() == Press.Answer.RECEIVED);
        count(out, "answered alert_unconfirmed", v -> v.press().answer() == Press.Answer.UNCONFIRMED);
        count(out, "answered another error", v -> v.press().answer() == Press.Answer.ERROR);
        count(out, "no answer", v -> v.sent() && v.press().answer() == Press.Answer.NONE);
        latency(out, "answer p50 (ms)", Evaluation.Verdict::live, Evaluation.Verdict::answerNanos, 50);
        latency(out, "answer p99 (ms)", Evaluation.Verdict::live, Evaluation.Verdict::answerNanos, 99);
        latency(out, "answer max (ms)", Evaluation.Verdict::live, Evaluation.Verdict::answerNanos, 100);
        latency(out, "delivery p50 (ms)", Evaluation.Verdict::live, Evaluation.Verdict::deliveryNanos, 50);
        latency(out, "delivery p99 (ms)", Evaluation.Verdict::live, Evaluation.Verdict::deliveryNanos, 99);
        latency(out, "delivery max (ms)", Evaluation.Verdict::live, Evaluation.Verdict::deliveryNanos, 100);
        Predicate<Evaluation.Verdict> dead = v -> v.sent() && !v.live();
        latency(out, "  node died/waited: answer max (ms)", dead, Evaluation.Verdict::answerNanos, 100);
        latency(out, "  node died/waited: delivery max", dead, Evaluation.Verdict::deliveryNanos, 100);
        count(out, "joined an open alert", Evaluation.Verdict::joined);
        count(out, "made two alerts (answer lost, re-sent)", v -> v.otherAlert() != null);
        count(out, "  both open at once", Evaluation.Verdict::otherStillOpen);
        count(out, "alerts lost", Evaluation.Verdict::lost);
        count(out, "  of them answered received", v -> v.lost() && v.press().answer() == Press.Answer.RECEIVED);
        count(out, "without location", Evaluation.Verdict::withoutLocation);
        count(out, "  location only in an update", v -> v.location() == Evaluation.Location.LATER);
        count(out, "  with an earlier check-in", v -> v.location() == Evaluation.Location.EARLIER && !v.joined());
        count(out, "tiers skipped", Evaluation.Verdict::tierSkipped);
        goals.forEach(g -> out.append(g).append('\n'));
        out.append(String.format(Locale.ROOT, "%-36s %s%n", "result", passed() ? "PASS" : "FAIL"));
        problems.forEach(p -> out.append("problem: ").append(p).append('\n'));
        return out.toString();
    }

    private String faultsAsRun() {
        if (settings.faults().isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        for (int f = 0; f < settings.faults().size(); f++) {
            Fault fault = settings.faults().get(f);
            long at = faultNanos.get(f);
            parts.add(fault.name() + " at "
                    + (at == 0
                            ? "(never)"
                            : String.format(
                                    Locale.ROOT,
                                    "%.2f s (%s UTC)",
                                    (at - startNanos) / 1e9,
                                    CLOCK.format(Instant.ofEpochMilli(faultEpochMillis.get(f))))));
        }
        return String.join(", ", parts) + " (window: presses due within "
                + settings.faultWindow().toSeconds() + " s after it)";
    }

    private void count(StringBuilder out, String label, Predicate<Evaluation.Verdict> which) {
        row(
                out,
                label,
                phases.stream().map(p -> Integer.toString(count(p, which))).toList());
    }

    private void latency(
            StringBuilder out,
            String label,
            Predicate<Evaluation.Verdict> which,
            ToLongFunction<Evaluation.Verdict> value,
            double percentile) {
        row(
                out,
                label,
                phases.stream()
                        .map(p -> ms(percentile(p, which, value, percentile)))
                        .toList());
    }

    private static void row(StringBuilder out, String label, List<String> cells) {
        out.append(String.format(Locale.ROOT, "%-36s", label));
        cells.forEach(c -> out.append(String.format(Locale.ROOT, " %13s", c)));
        out.append('\n');
    }

    private static int count(List<Evaluation.Verdict> verdicts, Predicate<Evaluation.Verdict> which) {
        return (int) verdicts.stream().filter(which).count();
    }

    /**
     * Nearest-rank percentile (100: the maximum) of {@code value} over the verdicts selected;
     * {@link Long#MAX_VALUE} (printed "never") when it falls on a press never answered or
     * delivered; -1 when none is selected.
     */
    static long percentile(
            List<Evaluation.Verdict> verdicts,
            Predicate<Evaluation.Verdict> which,
            ToLongFunction<Evaluation.Verdict> value,
            double percentile) {
        long[] values =
                verdicts.stream().filter(which).mapToLong(value).sorted().toArray();
        if (values.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(percentile / 100.0 * values.length);
        return values[Math.max(0, Math.min(values.length, rank) - 1)];
    }

    private static String ms(long nanos) {
        if (nanos < 0) {
            return "-";
        }
        if (nanos == Long.MAX_VALUE) {
            return "never";
        }
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private static String num(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }

    /**
     * One line per press, for looking into a run: index, client, phase, when it was due (ms after
     * the first press), whether it waited for a connection, sends, answer, answer and delivery times
     * (ms after it was due), alert id, joined, first tier and reason, location. Opaque ids only.
     */
    public String pressLines() {
        StringBuilder out = new StringBuilder(
                "press,client,phase,due_ms,waited,sends,answer,answer_ms,alert,made_by_it,other_alert,other_open,joined,delivery_ms,tier,reason,"
                        + "location\n");
        for (Evaluation.Verdict v : evaluation.verdicts()) {
            Press p = v.press();
            out.append(String.join(
                            ",",
                            Integer.toString(p.index),
                            p.user,
                            phaseName(v),
                            ms(p.scheduledNanos - startNanos),
                            Boolean.toString(p.waited()),
                            Integer.toString(p.sends()),
                            p.answer() + (p.errorCode() == null ? "" : ":" + p.errorCode()),
                            ms(v.answerNanos()),
                            String.valueOf(v.alertId()),
                            Boolean.toString(
                                    v.alertId() != null && p.mayCreate().contains(v.alertId())),
                            String.valueOf(v.otherAlert()),
                            Boolean.toString(v.otherStillOpen()),
                            Boolean.toString(v.joined()),
                            ms(v.deliveryNanos()),
                            v.first() == null ? "" : v.first().tier(),
                            v.first() == null ? "" : v.first().reason().name(),
                            v.location().name()))
                    .append('\n');
        }
        return out.toString();
    }

    private String phaseName(Evaluation.Verdict v) {
        return columns.get(phaseIndex.get(v));
    }
}
