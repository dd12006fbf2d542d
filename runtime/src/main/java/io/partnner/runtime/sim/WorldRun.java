package io.partnner.runtime.sim;

import io.partnner.runtime.link.Direction;
import io.partnner.runtime.link.LinkEmulator;
import io.partnner.runtime.link.LinkEstimator;
import io.partnner.runtime.link.LinkEstimatorSettings;
import io.partnner.runtime.link.Probe;
import io.partnner.runtime.link.ProbePolicy;
import io.partnner.runtime.link.ProbeSettings;
import io.partnner.runtime.link.Transfer;
import io.partnner.runtime.plan.Observation;
import io.partnner.runtime.plan.Plan;
import io.partnner.runtime.plan.Side;
import io.partnner.runtime.plan.Strategy;
import io.partnner.runtime.sim.MeasuredProfile.BlockTiming;
import io.partnner.runtime.sim.MeasuredProfile.CodecCost;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * One strategy's pass through a scenario, as a discrete-event simulation in virtual time.
 *
 * <p>Design: a request is a chain of events (start, head done and encoded, crossing arrives at the
 * cloud, tail done, answer back), and the edge, each link direction and the cloud executor are FIFO
 * servers, so overlapping requests queue as they would live; the link is the same {@link LinkEmulator}
 * the live system uses. The strategy is asked for a plan at each start and is told, at the moment the
 * edge would learn it, exactly what the live system observes: the edge's block times when the head is
 * done, the uplink's timing when the cloud acknowledges the crossing, the cloud's block times with the
 * answer, the executor's periodic load reports and the timing of link probes. Probes are sent by the
 * link monitor's own {@link ProbePolicy} while a direction is idle, and share the link with requests.
 * Block times are drawn per request and block from a log-normal with the measured mean and spread
 * (times slowdown on the edge), from a generator seeded by the scenario's seed and the request's index,
 * so every strategy meets the same draws (common random numbers).
 *
 * <p>As the live gateway does, the edge keeps each crossing it sends and gives the cloud until a deadline
 * ({@link io.partnner.runtime.plan.CloudDeadline}, from the strategy's prediction of the plan, moved on
 * by the cloud's receipt of the crossing) to answer.
 * When the deadline passes first, the request is finished on the edge: it decodes the crossing and runs the
 * tail blocks once the edge is free, so its latency is the time to the deadline plus that edge work. The
 * strategy is told (a CloudOverdue, saying whether the cloud had acknowledged the crossing) and later sees
 * the edge's tail times. The abandoned crossing still occupies the link and the cloud still runs it, as
 * a message already handed to the network would be, but its acknowledgement and answer are ignored, as
 * the gateway ignores late replies.
 *
 * <p>The link monitor's estimator (which sizes and paces probes) learns a transfer when it completes,
 * sent and completed times together, as the live monitor does, skipping any that would break the order of
 * its direction; a direction is idle for probing while no request awaits its receipt (uplink) or its answer
 * (downlink) and no probe of that direction is out.
 */
final class WorldRun {
  private static final String EXECUTOR = "cloud-1";
  /** Mixed into the seed for the phase of the load reports, so it is not the arrival draws' first number. */
  private static final long REPORT_PHASE_SALT = 0x5DEECE66DL;
  /** The downlink probe's request, as the live link monitor sends it. */
  private static final long PROBE_REQUEST_BYTES = 64;

  private enum Kind { START, EDGE_COMPUTED, EDGE_DONE, UP_ACKED, CLOUD_ARRIVED, CLOUD_DONE, ANSWERED, DEADLINE,
    FALLBACK_DONE, LOAD_REPORT, PROBE_CHECK, CLOUD_SENDS_PROBE, PROBE_DONE }

  private record Event(long at, long order, Kind kind, int request, Direction direction, long bytes, long sent,
      long token) {}

  private final SimulatedWorld world;
  private final Scenario scenario;
  private final MeasuredProfile profile;
  private final Strategy strategy;
  private final int edgeOnly;
  private final double[] sigma;
  private final LinkEmulator link;
  private final LinkEstimator estimator;
  private final ProbePolicy probes;
  private final PriorityQueue<Event> events = new PriorityQueue<>(
      (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
  private final SplittableRandom arrivalRandom;
  private final long[] start;
  private final Plan[] plans;
  private final Plan[] inForce;
  private final long[] latency;
  private final long[][] edgeBlocks;
  private final long[][] cloudBlocks;
  private final long[] edgeComputedAt;
  private final long[] upSent;
  private final long[] ackedAt;
  private final long[] deadlineAt;
  private final boolean[] inCloud;
  private final boolean[] fellBack;
  private final long[] lastRecordedSent = {Long.MIN_VALUE, Long.MIN_VALUE};
  private final long[] lastRecordedCompleted = {Long.MIN_VALUE, Long.MIN_VALUE};
  private final int[] probePartsOut = new int[2];
  private int awaitingReceipt;
  private int awaitingAnswer;
  private final long[] checkToken = new long[2];
  private final long[] probeBytes = new long[2];
  private long now;
  private long order;
  private long edgeFree;
  private long cloudFree;
  private int started;
  private int answered;
  private long observations;

  WorldRun(SimulatedWorld world, Strategy strategy) {
    this.world = world;
    this.scenario = world.scenario();
    this.profile = scenario.profile();
    this.strategy = strategy;
    this.edgeOnly = profile.edgeOnlyCut();
    this.sigma = new double[profile.blockCount()];
    for (int b = 0; b < sigma.length; b++) {
      BlockTiming timing = profile.blocks().get(b);
      double cv = timing.meanNanos() > 0 ? timing.stdNanos() / timing.meanNanos() : 0;
      sigma[b] = scenario.noise() ? Math.sqrt(Math.log1p(cv * cv)) : 0;
    }
    this.link = scenario.link().open();
    this.estimator = new LinkEstimator(LinkEstimatorSettings.defaults(), () -> now);
    this.probes = new ProbePolicy(ProbeSettings.defaults(), estimator);
    this.arrivalRandom = new SplittableRandom(scenario.seed());
    int count = scenario.requests();
    start = new long[count];
    plans = new Plan[count];
    inForce = new Plan[count];
    latency = new long[count];
    edgeBlocks = new long[count][];
    cloudBlocks = new long[count][];
    edgeComputedAt = new long[count];
    upSent = new long[count];
    ackedAt = new long[count];
    deadlineAt = new long[count];
    inCloud = new boolean[count];
    fellBack = new boolean[count];
    java.util.Arrays.fill(ackedAt, -1);
  }

  StrategyRun run() {
    push(0, Kind.START, 0);
    // The executor's reports keep their own rhythm, not one that happens to fall on the load steps.
    push(new SplittableRandom(scenario.seed() ^ REPORT_PHASE_SALT).nextLong(scenario.loadReportEvery().toNanos()),
        Kind.LOAD_REPORT, -1);
    scheduleProbe(Direction.UP);
    scheduleProbe(Direction.DOWN);
    while (answered < start.length) {
      Event event = events.poll();
      now = event.at;
      handle(event);
    }
    return new StrategyRun(
        world, strategy.name(), start, plans, inForce, latency, fellBack, probeBytes[0], probeBytes[1], observations);
  }

  private void handle(Event event) {
    int i = event.request;
    switch (event.kind) {
      case START -> startRequest(i);
      case EDGE_COMPUTED -> observe(new Observation.BlocksTimed(Side.EDGE, 0, list(edgeBlocks[i]), now));
      case EDGE_DONE -> sendUp(i);
      case UP_ACKED -> {
        if (!inCloud[i]) {
          return;
        }
        ackedAt[i] = now;
        awaitingReceipt--;
        long later = scenario.deadline().deadlineAfterReceiptNanos(deadlineAt[i], now, strategy.predicted(plans[i]));
        if (later != deadlineAt[i]) {
          deadlineAt[i] = later;
          push(later, Kind.DEADLINE, i);
        }
        record(Direction.UP, cost(i).bytes(), upSent[i], now);
        scheduleProbe(Direction.UP);
      }
      case CLOUD_ARRIVED -> {
        long begin = Math.max(now, cloudFree) + world.waitNanos(now);
        long done = begin + Math.round(cost(i).decodeNanos()) + sum(cloudBlocks[i]);
        cloudFree = done;
        push(done, Kind.CLOUD_DONE, i);
      }
      case CLOUD_DONE -> {
        // Results are not timed by the edge (it cannot tell when the cloud began sending); they only occupy the downlink.
        Transfer down = link.schedule(Direction.DOWN, profile.resultBytes(), now);
        push(down.finishNanos(), Kind.ANSWERED, i);
      }
      case ANSWERED -> {
        // A late answer to a request the edge took back is ignored.
        if (plans[i].cut() == edgeOnly || inCloud[i]) {
          answer(i);
        }
      }
      case DEADLINE -> {
        // A receipt may have moved the deadline; only the one in force counts.
        if (inCloud[i] && event.at == deadlineAt[i]) {
          fallBack(i);
        }
      }
      case FALLBACK_DONE -> finish(i, new Observation.BlocksTimed(Side.EDGE, plans[i].cut(), list(edgeBlocks[i]), now));
      case LOAD_REPORT -> {
        observe(new Observation.LoadReported(EXECUTOR, scenario.queuedAt(now), scenario.backgroundServiceNanos(), now));
        push(now + scenario.loadReportEvery().toNanos(), Kind.LOAD_REPORT, -1);
      }
      case PROBE_CHECK -> probeIfDue(event);
      case CLOUD_SENDS_PROBE -> {
        Transfer head = link.schedule(Direction.DOWN, event.bytes, now);
        Transfer tail = link.schedule(Direction.DOWN, event.token, now);
        pushTransfer(head.finishNanos(), Direction.DOWN, event.bytes, event.sent);
        pushTransfer(tail.finishNanos(), Direction.DOWN, event.token, event.sent);
      }
      case PROBE_DONE -> {
        probePartsOut[event.direction.ordinal()]--;
        record(event.direction, event.bytes, event.sent, now);
        scheduleProbe(event.direction);
      }
    }
  }

  /** The head is done and encoded: the crossing goes up, with a deadline from the strategy's prediction. */
  private void sendUp(int i) {
    long bytes = cost(i).bytes();
    Transfer up = link.schedule(Direction.UP, bytes, now);
    upSent[i] = now;
    inCloud[i] = true;
    awaitingReceipt++;
    awaitingAnswer++;
    // The cloud acknowledges on arrival; the acknowledgement takes half a round trip back.
    push(up.finishNanos(), Kind.CLOUD_ARRIVED, i);
    push(up.finishNanos() + world.halfRttNanos(), Kind.UP_ACKED, i);
    deadlineAt[i] = scenario.deadline().deadlineNanos(now, strategy.predicted(plans[i]));
    push(deadlineAt[i], Kind.DEADLINE, i);
  }

  /**
   * The deadline passed before the answer: the edge takes the request back, tells the strategy, and runs
   * the tail itself from the crossing it kept (decoding it first), once it is free.
   */
  private void fallBack(int i) {
    inCloud[i] = false;
    fellBack[i] = true;
    awaitingAnswer--;
    boolean acked = ackedAt[i] >= 0;
    if (!acked) {
      awaitingReceipt--;
    }
    observe(new Observation.CloudOverdue(plans[i], cost(i).bytes(), upSent[i],
        acked ? OptionalLong.of(ackedAt[i]) : OptionalLong.empty(), now));
    // The tail's blocks take the edge's time: the same draws as in the cloud, times the slowdown.
    long[] tailBlocks = new long[cloudBlocks[i].length];
    for (int b = 0; b < tailBlocks.length; b++) {
      tailBlocks[b] = Math.round(scenario.slowdown() * cloudBlocks[i][b]);
    }
    edgeBlocks[i] = tailBlocks;
    edgeFree = Math.max(now, edgeFree) + Math.round(scenario.slowdown() * cost(i).decodeNanos()) + sum(tailBlocks);
    push(edgeFree, Kind.FALLBACK_DONE, i);
    scheduleProbe(Direction.UP);
    scheduleProbe(Direction.DOWN);
  }

  private void startRequest(int i) {
    start[i] = now;
    started++;
    Plan plan = strategy.plan(now);
    if (plan == null) {
      throw new IllegalStateException("strategy " + strategy.name() + " gave no plan for request " + i);
    }
    if (plan.cut() > edgeOnly) {
      throw new IllegalStateException("strategy " + strategy.name() + " chose cut " + plan.cut()
          + ", but model " + profile.modelName() + " has cuts 0.." + edgeOnly);
    }
    plans[i] = plan;
    inForce[i] = strategy.planInForce().orElse(plan);
    if (plan.cut() < edgeOnly && !profile.cuts().get(plan.cut()).codecs().containsKey(plan.codec())) {
      throw new IllegalStateException("strategy " + strategy.name() + " chose codec '" + plan.codec()
          + "', which was not measured; measured: " + profile.cuts().get(plan.cut()).codecs().keySet());
    }
    drawBlocks(i, plan.cut());
    long edgeStart = Math.max(now, edgeFree);
    edgeComputedAt[i] = edgeStart + sum(edgeBlocks[i]);
    if (plan.cut() == edgeOnly) {
      edgeFree = edgeComputedAt[i];
      push(edgeFree, Kind.ANSWERED, i);
    } else {
      if (plan.cut() > 0) {
        push(edgeComputedAt[i], Kind.EDGE_COMPUTED, i);
      }
      edgeFree = edgeComputedAt[i] + Math.round(scenario.slowdown() * cost(i).encodeNanos());
      push(edgeFree, Kind.EDGE_DONE, i);
    }
    if (!scenario.arrivals().closedLoop() && started < start.length) {
      push(now + scenario.arrivals().nextGap(arrivalRandom), Kind.START, started);
    }
  }

  private void answer(int i) {
    Plan plan = plans[i];
    if (plan.cut() == edgeOnly) {
      finish(i, new Observation.BlocksTimed(Side.EDGE, 0, list(edgeBlocks[i]), edgeComputedAt[i]));
    } else {
      inCloud[i] = false;
      awaitingAnswer--;
      finish(i, new Observation.BlocksTimed(Side.CLOUD, plan.cut(), list(cloudBlocks[i]), now));
    }
  }

  /** Request {@code i} is answered now, after the blocks {@code timed} says were run last. */
  private void finish(int i, Observation.BlocksTimed timed) {
    observe(timed);
    latency[i] = now - start[i];
    observe(new Observation.RequestCompleted(plans[i], latency[i], now));
    answered++;
    if (scenario.arrivals().closedLoop() && started < start.length) {
      push(now + scenario.arrivals().nextGap(arrivalRandom), Kind.START, started);
    }
    scheduleProbe(Direction.DOWN);
  }

  /** Draws every block's time for request {@code i}, on the side the plan runs it. */
  private void drawBlocks(int i, int cut) {
    // One generator per request, drawing for every block whatever the plan: the same draws for every strategy.
    SplittableRandom random = new SplittableRandom(scenario.seed() * 0x9E3779B97F4A7C15L + i);
    int blocks = profile.blockCount();
    long[] edge = new long[cut];
    long[] cloud = new long[blocks - cut];
    for (int b = 0; b < blocks; b++) {
      double mean = profile.blocks().get(b).meanNanos();
      double factor = sigma[b] == 0 ? 1 : Math.exp(sigma[b] * random.nextGaussian() - sigma[b] * sigma[b] / 2);
      if (b < cut) {
        edge[b] = Math.round(scenario.slowdown() * mean * factor);
      } else {
        cloud[b - cut] = Math.round(mean * factor);
      }
    }
    edgeBlocks[i] = edge;
    cloudBlocks[i] = cloud;
  }

  private void probeIfDue(Event event) {
    Direction direction = event.direction;
    if (event.token != checkToken[direction.ordinal()] || !idle(direction)) {
      return;
    }
    Optional<Probe> due = probes.poll(direction, now);
    if (due.isEmpty()) {
      scheduleProbe(direction);
      return;
    }
    Probe probe = due.get();
    probeBytes[direction.ordinal()] += probe.totalBytes();
    probePartsOut[direction.ordinal()] += 2;
    if (direction == Direction.UP) {
      Transfer head = link.schedule(Direction.UP, probe.headBytes(), now);
      Transfer tail = link.schedule(Direction.UP, probe.tailBytes(), now);
      pushTransfer(head.finishNanos() + world.halfRttNanos(), Direction.UP, probe.headBytes(), now);
      pushTransfer(tail.finishNanos() + world.halfRttNanos(), Direction.UP, probe.tailBytes(), now);
    } else {
      // The request for the probe is a few dozen bytes up (queued behind any crossing still on the uplink);
      // the cloud then sends head and tail.
      Transfer request = link.schedule(Direction.UP, PROBE_REQUEST_BYTES, now);
      events.add(new Event(request.finishNanos(), order++, Kind.CLOUD_SENDS_PROBE, -1, Direction.DOWN,
          probe.headBytes(), now, probe.tailBytes()));
    }
  }

  private boolean idle(Direction direction) {
    return probePartsOut[direction.ordinal()] == 0
        && (direction == Direction.UP ? awaitingReceipt == 0 : awaitingAnswer == 0);
  }

  private void scheduleProbe(Direction direction) {
    if (!scenario.probes() || !idle(direction)) {
      return;
    }
    long token = ++checkToken[direction.ordinal()];
    events.add(new Event(probes.nextProbeNanos(direction, now), order++, Kind.PROBE_CHECK, -1, direction, 0, 0, token));
  }

  /**
   * The link monitor learns a completed transfer, and the strategy observes it, unless it would break the
   * order of its direction (the live monitor leaves such a transfer out).
   */
  private void record(Direction direction, long bytes, long sentNanos, long completedNanos) {
    int lane = direction.ordinal();
    if (sentNanos < lastRecordedSent[lane] || completedNanos < lastRecordedCompleted[lane]) {
      return;
    }
    lastRecordedSent[lane] = sentNanos;
    lastRecordedCompleted[lane] = completedNanos;
    estimator.onSent(direction, bytes, sentNanos);
    estimator.onCompleted(direction, completedNanos);
    observe(new Observation.TransferTimed(direction, bytes, sentNanos, completedNanos));
  }

  private void pushTransfer(long at, Direction direction, long bytes, long sent) {
    events.add(new Event(at, order++, Kind.PROBE_DONE, -1, direction, bytes, sent, 0));
  }

  private void push(long at, Kind kind, int request) {
    events.add(new Event(at, order++, kind, request, null, 0, 0, 0));
  }

  private void observe(Observation observation) {
    observations++;
    strategy.observe(observation);
  }

  private CodecCost cost(int i) {
    return profile.cuts().get(plans[i].cut()).codec(plans[i].codec());
  }

  private static long sum(long[] values) {
    long total = 0;
    for (long value : values) {
      total += value;
    }
    return total;
  }

  private static List<Long> list(long[] values) {
    List<Long> list = new ArrayList<>(values.length);
    for (long value : values) {
      list.add(value);
    }
    return list;
  }
}
