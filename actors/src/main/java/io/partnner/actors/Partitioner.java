package io.partnner.actors;

import io.partnner.runtime.plan.LatencyBreakdown;
import io.partnner.runtime.plan.PartnnerPlanner;
import io.partnner.runtime.plan.Observation;
import io.partnner.runtime.plan.Plan;
import io.partnner.runtime.plan.PlanChange;
import io.partnner.runtime.plan.PlannerStats;
import io.partnner.runtime.plan.Prediction;
import io.partnner.runtime.time.Ticker;
import java.util.ArrayList;
import io.partnner.runtime.plan.Strategy;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Owns the planner. Re-planning is driven by what the monitors and the gateway observe; each plan switch
 * becomes a {@link EdgeGateway.PlanChanged} to the gateway, so requests never wait on the partitioner. After
 * each answered request it asks the planner for the next plan, and passes an exploratory one (a neighbouring
 * cut whose blocks need fresh timings) to the gateway for one request.
 */
public final class Partitioner extends AbstractBehavior<Partitioner.Command> {
  /** What the partitioner is told. */
  public sealed interface Command extends LocalMessage {}

  /** Something the edge observed while serving. */
  public record Observe(Observation observation) implements Command {}

  /** Send plan changes to {@code gateway}, starting with the plan in force now. */
  public record Subscribe(ActorRef<EdgeGateway.Command> gateway) implements Command {}

  /**
   * The path to the cloud stopped working (a request got no answer within the deadline): serve on the edge
   * alone until a transfer completes again, the link monitor's probes being the first to see it back.
   */
  public record PathDown(String reason) implements Command {}

  /** Report the plan in force and the planner's counts. */
  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  /**
   * The strategy's name, the plan in force, and for partnner's planner its predicted latency, counts and the plan
   * switches so far.
   */
  public record Status(String strategy, Plan plan, Optional<LatencyBreakdown> predicted, Optional<PlannerStats> stats,
      List<PlanChange> changes) implements LocalMessage {}

  private final Strategy planner;
  private final Plan initial;
  private final Plan edgeOnly;
  private boolean down;
  private final Ticker ticker;
  private final List<PlanChange> changes = new ArrayList<>();
  private final List<ActorRef<EdgeGateway.Command>> gateways = new ArrayList<>();
  private Optional<Prediction> published = Optional.empty();
  private Plan publishedFor;

  /**
   * A partitioner around the strategy that {@code plannerFactory} builds with the listener it is given: partnner's
   * planner, or a baseline (edge-only, cloud-only, a fixed cut) whose plan never changes.
   */
  public static Behavior<Command> create(
      Function<io.partnner.runtime.plan.PlanListener, Strategy> plannerFactory, Plan edgeOnly, Ticker ticker) {
    return Behaviors.setup(context -> new Partitioner(context, plannerFactory, edgeOnly, ticker));
  }

  private Partitioner(ActorContext<Command> context,
      Function<io.partnner.runtime.plan.PlanListener, Strategy> plannerFactory, Plan edgeOnly, Ticker ticker) {
    super(context);
    this.ticker = ticker;
    this.edgeOnly = edgeOnly;
    this.planner = plannerFactory.apply(this::onPlanChanged);
    this.initial = planner.planInForce().orElseGet(() -> planner.plan(ticker.nanos()));
  }

  private Plan current() {
    return down ? edgeOnly : planner.planInForce().orElse(initial);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Observe.class, this::onObserve)
        .onMessage(Subscribe.class, subscribe -> {
          gateways.add(subscribe.gateway());
          Optional<Prediction> expected = predicted(current());
          if (!down) {
            published = expected;
            publishedFor = current();
          }
          subscribe.gateway().tell(new EdgeGateway.PlanChanged(current(), expected, "start"));
          return this;
        })
        .onMessage(PathDown.class, pathDown -> {
          if (!down) {
            down = true;
            getContext().getLog().warn("partitioner: the cloud path is down ({}); edge-only until a transfer completes",
                pathDown.reason());
            gateways.forEach(gateway -> gateway.tell(new EdgeGateway.PlanChanged(edgeOnly, Optional.empty(),
                "PATH_DOWN")));
          }
          return this;
        })
        .onMessage(GetStatus.class, get -> {
          PartnnerPlanner partnner = planner instanceof PartnnerPlanner own ? own : null;
          get.replyTo().tell(new Status(planner.name(), current(),
              Optional.ofNullable(partnner).map(PartnnerPlanner::predicted),
              Optional.ofNullable(partnner).map(PartnnerPlanner::stats), List.copyOf(changes)));
          return this;
        })
        .build();
  }

  private Behavior<Command> onObserve(Observe observe) {
    Observation observation = observe.observation();
    try {
      planner.observe(observation);
    } catch (IllegalArgumentException | IllegalStateException inconsistent) {
      // One odd observation (say, from a request that raced a model change) must not stop planning.
      getContext().getLog().warn("partitioner: ignored observation {}: {}", observation, inconsistent.getMessage());
      return this;
    }
    if (down && observation instanceof Observation.TransferTimed) {
      down = false;
      getContext().getLog().info("partitioner: a transfer completed, the cloud path is back; plan {}", current());
      gateways.forEach(gateway -> gateway.tell(new EdgeGateway.PlanChanged(current(), predicted(current()),
          "PATH_BACK")));
    }
    if (!down) {
      publishPredictionIfMoved();
    }
    if (!down && observation instanceof Observation.RequestCompleted && planner instanceof PartnnerPlanner) {
      Plan next = planner.plan(ticker.nanos());
      if (!next.equals(current())) {
        Optional<Prediction> expected = predicted(next);
        gateways.forEach(gateway -> gateway.tell(new EdgeGateway.ExploreOnce(next, expected)));
      }
    }
    return this;
  }

  private void onPlanChanged(PlanChange change) {
    changes.add(change);
    getContext().getLog().info("partitioner: plan {} -> {} on {} (predicted {} ms)", change.from(), change.to(),
        change.trigger(), String.format(java.util.Locale.ROOT, "%.2f", change.toPredicted().totalNanos() / 1e6));
    if (!down) {
      Optional<Prediction> expected = predicted(change.to());
      published = expected;
      publishedFor = change.to();
      gateways.forEach(gateway -> gateway.tell(new EdgeGateway.PlanChanged(change.to(), expected,
          change.trigger().name())));
    }
  }

  private Optional<Prediction> predicted(Plan plan) {
    return plan.equals(edgeOnly) ? Optional.empty() : planner.predicted(plan);
  }

  /**
   * Tells the gateways when the expectation of the plan in force moved by more than a tenth since they were
   * last told: their cloud deadlines follow it, and a stale one would give up too early or wait too long.
   */
  private void publishPredictionIfMoved() {
    Plan plan = current();
    Optional<Prediction> expected = predicted(plan);
    if (expected.isEmpty() || plan.equals(publishedFor) && published.isPresent()
        && Math.abs(expected.get().latency().totalNanos() - published.get().latency().totalNanos())
            <= 0.1 * published.get().latency().totalNanos()) {
      return;
    }
    published = expected;
    publishedFor = plan;
    gateways.forEach(gateway -> gateway.tell(new EdgeGateway.Predicted(plan, expected)));
  }
}
