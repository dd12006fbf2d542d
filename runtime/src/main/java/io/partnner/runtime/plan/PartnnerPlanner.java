package io.partnner.runtime.plan;

import io.partnner.runtime.estimate.BlockTime;
import io.partnner.runtime.estimate.BlockTimeEstimator;
import io.partnner.runtime.estimate.BlockTimeModel;
import io.partnner.runtime.estimate.CloudLoadEstimator;
import io.partnner.runtime.estimate.Estimate;
import io.partnner.runtime.estimate.ExecutorLoad;
import io.partnner.runtime.link.Direction;
import io.partnner.runtime.link.Probe;
import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.time.Ticker;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/*
 * Design. An online planner with the contract of PArtNNer (DESIGN section 3): latency-optimal split,
 * adapting to bandwidth and cloud load, without characterising the platforms first.
 *
 * - Serving starts at once: the first plan minimises the latency model of section 2 over block times
 *   from the FLOPs prior and the configured link prior. Every request then measures the blocks it runs
 *   on each side, the transfers it makes and the load reports it sees; BlockTimeModel fills in the
 *   blocks a side did not run (cross-side ratio, then learned speed per FLOP).
 * - Re-planning is driven by events, never by requests. Each re-plan snapshots the inputs it used; an
 *   observation is an event only when it moves those inputs materially: a bandwidth or the RTT by more
 *   than linkChangeRelative or a change the link estimator detected (LinkChanged); the expected wait at
 *   the best executor by more than both load thresholds or a detected load step (CloudLoadChanged); the
 *   estimated time of the blocks a side just ran, summed, by more than profileChangeRelative or a
 *   detected step in one of them (ProfileUpdated). A re-plan evaluates every candidate: O(cuts x codecs)
 *   after O(blocks) to gather the estimates.
 * - Hysteresis: the best candidate replaces the plan in force only when its predicted gain exceeds both
 *   switchGainRelative of the current prediction and switchGainAbsolute. Noise that moves predictions by
 *   a few percent cannot flap the plan; a real change moves them by much more.
 * - Overdue answers: a request whose answer missed the deadline its prediction set (CloudDeadline) is
 *   evidence the moment it happens, long before the stuck transfer completes and can be timed. Without a
 *   receipt from the cloud, the crossing's bytes over the time it has been on the uplink bound the uplink
 *   bandwidth until a transfer completes again. With one, the part after arrival (queue, tail, the way
 *   back) took longer than predicted by at least the overrun, which every cloud plan would share: it is
 *   added to the expected wait until an answer or a downlink transfer comes through. Either way the planner
 *   re-plans at once (CLOUD_OVERDUE), so the next request does not walk into the same stall.
 * - Bounded exploration: a cut below the current one times blocks in the cloud that the current cut
 *   runs on the edge, a cut above times blocks on the edge that it runs in the cloud; those estimates
 *   are cross-side or prior until measured, and they decide whether moving the cut pays. In each
 *   direction the exploratory plan is the fastest cut whose moved blocks include one with no fresh
 *   measurement on its new side (due at once), or else the adjacent cut (due when its moved block goes
 *   stale). Not only the adjacent cut: when the cut next door is very costly (a huge crossing tensor),
 *   the side would otherwise never be measured and a wrong prior ratio would stay unchallenged. A plan is
 *   eligible only when predicted at most explorationMaxPenalty slower than the current one. Credits
 *   accrue at explorationShare per request up to one, and an exploratory request spends one, so at most
 *   1 + explorationShare x requests are exploratory (none at share 0); the bucket starts full so that a cold start can
 *   time the side its first plan does not run. The request path costs two comparisons. The count and
 *   predicted extra latency of exploratory requests are reported in PlannerStats.
 *
 * Not thread-safe: one owner (the partitioner actor) calls it.
 */

/** partnner's planner: event-driven, with hysteresis and bounded exploration, learning while it serves. */
public final class PartnnerPlanner implements Strategy, LinkProbing {
  private final LatencyModel model;
  private final PlannerSettings settings;
  private final Ticker ticker;
  private final PlanListener listener;
  private final BlockTimeModel blocks;
  private final LinkView link;
  private final CloudLoadEstimator load;
  private final int blockCount;
  private final long staleAfterNanos;
  private final double[] totals;

  // The inputs of the last re-plan: observations are judged material against them.
  private final double[] usedEdge;
  private double usedSpeedRatio;
  private final double[] usedCloud;
  private double usedUplinkMbps;
  private double usedDownlinkMbps;
  private double usedRttNanos;
  private double usedWaitNanos;
  private long usedLinkChanges;
  private Conditions usedConditions;
  /** Extra wait at the cloud or on the way back, from an answer overdue after its crossing arrived. */
  private double overdueWaitNanos;

  private int currentIndex = -1;
  private LatencyBreakdown predicted;
  private final Neighbour[] neighbours = new Neighbour[2];
  /** See {@link #maxPenalty}. */
  private static final double UNMEASURED_SIDE_MAX_PENALTY = 1.0;

  /** Exploration credit: starts full (unless exploration is off) so a cold start can time both sides. */
  private double credits;

  private long requests;
  private long replans;
  private long switches;
  private long exploratory;
  private double explorationExtraNanos;

  /** A planner for {@code profile} that plans its first request at once from the priors. */
  public PartnnerPlanner(
      ModelProfile profile, CodecSizes sizes, PlannerSettings settings, Ticker ticker, PlanListener listener) {
    Objects.requireNonNull(profile, "profile");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.model = new LatencyModel(profile, sizes, settings.maxCodecError());
    this.blockCount = profile.blockCount();
    this.staleAfterNanos = settings.staleAfter().toNanos();
    this.blocks = new BlockTimeModel(
        profile,
        new BlockTimeEstimator(blockCount, settings.blockTimes(), settings.staleAfter(), ticker),
        new BlockTimeEstimator(blockCount, settings.blockTimes(), settings.staleAfter(), ticker),
        settings.flopsPrior());
    this.link = new LinkView(settings, ticker);
    this.load = new CloudLoadEstimator(settings.cloudLoad(), ticker);
    this.totals = new double[model.size()];
    this.usedEdge = new double[blockCount];
    this.usedCloud = new double[blockCount];
    this.credits = settings.explorationShare() > 0 ? 1 : 0;
    replan(PlanTrigger.START);
  }

  @Override
  public String name() {
    return "partnner";
  }

  @Override
  public Plan plan(long nowNanos) {
    requests++;
    credits = Math.min(1, credits + settings.explorationShare());
    if (credits >= 1) {
      int pick = -1;
      for (int i = 0; i < neighbours.length; i++) {
        Neighbour candidate = neighbours[i];
        if (candidate != null && candidate.dueNanos <= nowNanos
            && (pick < 0 || candidate.penaltyNanos < neighbours[pick].penaltyNanos)) {
          pick = i;
        }
      }
      if (pick >= 0) {
        Neighbour chosen = neighbours[pick];
        credits -= 1;
        exploratory++;
        explorationExtraNanos += chosen.penaltyNanos;
        // Its measurement is on the way; look again once that would be stale, or at the next re-plan.
        neighbours[pick] = new Neighbour(
            chosen.plan, chosen.totalNanos, chosen.penaltyNanos, saturatedAdd(nowNanos, staleAfterNanos));
        return chosen.plan;
      }
    }
    return model.plan(currentIndex);
  }

  @Override
  public void observe(Observation observation) {
    Objects.requireNonNull(observation, "observation");
    if (observation instanceof Observation.BlocksTimed timed) {
      onBlocksTimed(timed);
    } else if (observation instanceof Observation.TransferTimed transfer) {
      link.record(transfer);
      if (transfer.direction() == Direction.DOWN) {
        overdueWaitNanos = 0;
      }
      if (linkChanged() || waitChanged()) {
        replan(PlanTrigger.LINK_CHANGED);
      }
    } else if (observation instanceof Observation.CloudOverdue overdue) {
      onOverdue(overdue);
    } else if (observation instanceof Observation.LoadReported report) {
      ExecutorLoad reported = load.report(report.executorId(), report.queueLength(), report.meanServiceNanos());
      if (reported.changeDetected() || waitChanged()) {
        replan(PlanTrigger.CLOUD_LOAD_CHANGED);
      }
    }
    // RequestCompleted carries nothing the estimators lack: its terms were observed one by one.
  }

  /**
   * The prediction for {@code plan} under the estimates of the last re-plan; empty when it is not a
   * candidate. The edge fallback is the tail's estimated edge time plus decoding at the learned speed ratio.
   */
  @Override
  public Optional<Prediction> predicted(Plan plan) {
    int index = model.indexOf(Objects.requireNonNull(plan, "plan"));
    if (index < 0) {
      return Optional.empty();
    }
    LatencyBreakdown latency = model.breakdown(index, usedConditions);
    double fallback = usedConditions.edgeNanos(blockCount) - usedConditions.edgeNanos(plan.cut())
        + latency.decodeNanos() * usedSpeedRatio;
    return Optional.of(new Prediction(latency, fallback));
  }

  @Override
  public Optional<Probe> pollProbe(Direction direction, long nowNanos) {
    return link.pollProbe(direction, nowNanos);
  }

  @Override
  public java.util.Optional<Plan> planInForce() {
    return java.util.Optional.of(currentPlan());
  }

  /** The plan in force (exploratory requests aside). */
  public Plan currentPlan() {
    return model.plan(currentIndex);
  }

  /** The predicted latency of the plan in force at the last re-plan, term by term. */
  public LatencyBreakdown predicted() {
    return predicted;
  }

  /** Counts of requests, re-plans, switches and exploration so far. */
  public PlannerStats stats() {
    return new PlannerStats(requests, replans, switches, exploratory, explorationExtraNanos);
  }

  /** The candidate plans this planner chooses from. */
  public List<Plan> candidates() {
    return model.candidates();
  }

  private void onOverdue(Observation.CloudOverdue overdue) {
    if (overdue.ackedNanos().isEmpty()) {
      link.uplinkOverdue(overdue.bytes(), overdue.sentNanos(), overdue.atNanos());
    } else {
      int index = model.indexOf(overdue.plan());
      if (index >= 0 && overdue.plan().cut() < model.edgeOnlyCut()) {
        LatencyBreakdown expected = model.breakdown(index, usedConditions);
        // The crossing arrived half a round trip before its receipt came back; from there the queue, the
        // decoding, the tail and the way back were predicted to take this long.
        double arrived = overdue.ackedNanos().getAsLong() - expected.rttNanos() / 2;
        double predictedAfterArrival = expected.queueNanos() + expected.decodeNanos() + expected.cloudNanos()
            + expected.rttNanos() / 2 + expected.downlinkNanos();
        double overrun = overdue.atNanos() - arrived - predictedAfterArrival;
        // The prediction already held any earlier overdue wait; this overrun comes on top of it.
        double included = Math.max(0, expected.queueNanos() - waitWithoutOverdue());
        overdueWaitNanos = Math.max(overdueWaitNanos, included + Math.max(0, overrun));
      }
    }
    replan(PlanTrigger.CLOUD_OVERDUE);
  }

  private void onBlocksTimed(Observation.BlocksTimed timed) {
    List<Long> times = timed.blockNanos();
    int from = timed.fromCut();
    if (from < 0 || from + times.size() > blockCount) {
      throw new IllegalArgumentException(
          timed.side() + " timed " + times.size() + " blocks from cut " + from + ", but the model has "
              + blockCount + " blocks");
    }
    if (times.isEmpty()) {
      return;
    }
    boolean edge = timed.side() == Side.EDGE;
    if (!edge && overdueWaitNanos > 0) {
      // An answer came through: whatever held the overdue one back has let go.
      overdueWaitNanos = 0;
      if (waitChanged()) {
        replan(PlanTrigger.CLOUD_LOAD_CHANGED);
      }
    }
    BlockTimeEstimator side = edge ? blocks.edge() : blocks.cloud();
    double[] used = edge ? usedEdge : usedCloud;
    boolean step = false;
    double before = 0;
    double after = 0;
    for (int i = 0; i < times.size(); i++) {
      Estimate estimate = side.record(from + i, times.get(i));
      step |= estimate.changeDetected();
      before += used[from + i];
      after += Math.max(0, estimate.value());
    }
    // The other side's estimates follow the learned speed ratio, which a single block timed on both
    // sides can move a lot while this side's own sum barely changes.
    boolean ratioMoved = relativeChange(blocks.speedRatio().edgeOverCloud(), usedSpeedRatio)
        > settings.profileChangeRelative();
    if (step || ratioMoved || Math.abs(after - before) > settings.profileChangeRelative() * before) {
      replan(PlanTrigger.PROFILE_UPDATED);
    }
  }

  private boolean linkChanged() {
    double threshold = settings.linkChangeRelative();
    return link.detectedChanges() != usedLinkChanges
        || relativeChange(link.uplinkMbps(), usedUplinkMbps) > threshold
        || relativeChange(link.downlinkMbps(), usedDownlinkMbps) > threshold
        || relativeChange(link.rttNanos(), usedRttNanos) > threshold;
  }

  private boolean waitChanged() {
    double change = Math.abs(waitNanos() - usedWaitNanos);
    return change > settings.loadChangeAbsolute().toNanos() && change > settings.loadChangeRelative() * usedWaitNanos;
  }

  private double waitNanos() {
    return waitWithoutOverdue() + overdueWaitNanos;
  }

  private double waitWithoutOverdue() {
    return load.best().map(ExecutorLoad::waitNanos).orElse(0.0);
  }

  /** Evaluates every candidate and switches when the gain clears both thresholds. */
  void replan(PlanTrigger trigger) {
    long now = ticker.nanos();
    replans++;
    Conditions conditions = conditions();
    int best = model.evaluate(conditions, totals);
    int previous = currentIndex;
    boolean switching;
    if (previous < 0) {
      switching = true;
    } else {
      double gain = totals[previous] - totals[best];
      switching = best != previous
          && gain > settings.switchGainRelative() * totals[previous]
          && gain > settings.switchGainAbsolute().toNanos();
    }
    if (switching) {
      currentIndex = best;
    }
    predicted = model.breakdown(currentIndex, conditions);
    findNeighbours(now);
    if (switching && previous >= 0) {
      switches++;
      listener.onPlanChanged(
          new PlanChange(now, trigger, model.plan(previous), model.plan(currentIndex), totals[previous], predicted));
    }
  }

  /** Gathers the current estimates and remembers them as the inputs of this re-plan. */
  private Conditions conditions() {
    List<BlockTime> edge = blocks.edgeTimes();
    List<BlockTime> cloud = blocks.cloudTimes();
    for (int block = 0; block < blockCount; block++) {
      usedEdge[block] = edge.get(block).nanos();
      usedCloud[block] = cloud.get(block).nanos();
    }
    usedUplinkMbps = link.uplinkMbps();
    usedDownlinkMbps = link.downlinkMbps();
    usedRttNanos = link.rttNanos();
    usedWaitNanos = waitNanos();
    usedLinkChanges = link.detectedChanges();
    usedSpeedRatio = blocks.speedRatio().edgeOverCloud();
    usedConditions = new Conditions(usedEdge, usedCloud, usedUplinkMbps, usedDownlinkMbps, usedRttNanos, usedWaitNanos);
    return usedConditions;
  }

  /**
   * The exploratory plans of both directions: cuts below the current one move blocks to the cloud, cuts
   * above move them to the edge. In each direction the fastest cut whose moved blocks include one not
   * freshly measured on its new side, due now; failing that, the adjacent cut, due when its moved block
   * goes stale. Both within the penalty bound.
   */
  private void findNeighbours(long now) {
    int cut = model.cut(currentIndex);
    double toCloudMax = totals[currentIndex] * (1 + maxPenalty(blocks.cloud()));
    double toEdgeMax = totals[currentIndex] * (1 + maxPenalty(blocks.edge()));
    neighbours[0] = null;
    neighbours[1] = null;
    boolean needy = false;
    for (int target = cut - 1; target >= 0; target--) {
      needy |= !blocks.cloud().isFresh(target);
      neighbours[0] = better(neighbours[0], needy, target, toCloudMax, now);
    }
    if (neighbours[0] == null && cut > 0) {
      neighbours[0] = adjacent(cut - 1, blocks.cloud(), cut - 1, toCloudMax, now);
    }
    needy = false;
    for (int target = cut + 1; target <= blockCount; target++) {
      needy |= !blocks.edge().isFresh(target - 1);
      neighbours[1] = better(neighbours[1], needy, target, toEdgeMax, now);
    }
    if (neighbours[1] == null && cut < blockCount) {
      neighbours[1] = adjacent(cut + 1, blocks.edge(), cut, toEdgeMax, now);
    }
  }

  /**
   * The penalty an exploratory plan may cost when it moves blocks to {@code side}. While that side has
   * never timed a block, its predictions rest on the FLOPs prior and an assumed speed ratio, which can be
   * off by several times (a prior ratio of 10 against a real 4 kept a planner on cloud-only at 1.6x the
   * best); so one look is allowed at up to twice the current plan's latency, still within the share.
   */
  private double maxPenalty(BlockTimeEstimator side) {
    for (int block = 0; block < blockCount; block++) {
      if (side.estimate(block).isPresent()) {
        return settings.explorationMaxPenalty();
      }
    }
    return Math.max(settings.explorationMaxPenalty(), UNMEASURED_SIDE_MAX_PENALTY);
  }

  private Neighbour better(Neighbour incumbent, boolean needy, int cut, double maxTotal, long now) {
    int best = fastestAt(cut);
    if (!needy || totals[best] > maxTotal || (incumbent != null && totals[best] >= incumbent.totalNanos)) {
      return incumbent;
    }
    return new Neighbour(model.plan(best), totals[best], Math.max(0, totals[best] - totals[currentIndex]), now);
  }

  private Neighbour adjacent(int cut, BlockTimeEstimator side, int block, double maxTotal, long now) {
    int best = fastestAt(cut);
    if (totals[best] > maxTotal) {
      return null;
    }
    long due = side.estimate(block)
        .map(estimate -> saturatedAdd(estimate.lastUpdateNanos(), staleAfterNanos))
        .orElse(now);
    return new Neighbour(model.plan(best), totals[best], Math.max(0, totals[best] - totals[currentIndex]), due);
  }

  /** The candidate of {@code cut} with the least predicted latency at the last evaluation. */
  private int fastestAt(int cut) {
    int best = model.firstOf(cut);
    for (int i = best + 1; i < model.firstOf(cut + 1); i++) {
      if (totals[i] < totals[best]) {
        best = i;
      }
    }
    return best;
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  private static double relativeChange(double now, double before) {
    return before == 0 ? (now == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.abs(now - before) / before;
  }

  /** An exploratory plan, its predicted latency and extra latency, and from when it is worth serving. */
  private record Neighbour(Plan plan, double totalNanos, double penaltyNanos, long dueNanos) {}
}
