package io.partnner.actors;

import io.partnner.runtime.estimate.CloudLoadEstimator;
import io.partnner.runtime.estimate.ExecutorLoad;
import io.partnner.runtime.plan.Observation;
import io.partnner.runtime.time.Ticker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Keeps the expected wait at each cloud executor from their load reports: the ones riding on this edge's
 * replies, and a poll of every executor at a fixed interval, which also sees the load other edges put on
 * the shared pool. Owns the {@link CloudLoadEstimator}; tells the gateway the per-executor view (for
 * routing) and the partitioner each report (for planning).
 */
public final class CloudLoadMonitor extends AbstractBehavior<CloudLoadMonitor.Command> {
  /** What the cloud-load monitor is told. */
  public sealed interface Command extends LocalMessage {}

  /** The executors that can take work now, by id. */
  public record Executors(Map<String, ActorRef<SegmentExecutorActor.Command>> executors) implements Command {}

  /** A load figure that came with a reply. */
  public record Reported(String executorId, int queueLength, long meanServiceNanos) implements Command {}

  private record Polled(SegmentExecutorActor.LoadReport report) implements Command {}

  private enum Poll implements Command { INSTANCE }

  private final CloudLoadEstimator estimator;
  private final ActorRef<EdgeGateway.Command> gateway;
  private final ActorRef<Partitioner.Command> partitioner;
  private final Ticker ticker;
  private final ActorRef<SegmentExecutorActor.LoadReport> pollReplies;
  private Map<String, ActorRef<SegmentExecutorActor.Command>> executors = new HashMap<>();

  /** A monitor polling every {@code pollInterval}. */
  static Behavior<Command> create(CloudLoadEstimator estimator, Duration pollInterval,
      ActorRef<EdgeGateway.Command> gateway, ActorRef<Partitioner.Command> partitioner, Ticker ticker) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new CloudLoadMonitor(context, timers, estimator, pollInterval, gateway, partitioner, ticker)));
  }

  private CloudLoadMonitor(ActorContext<Command> context, TimerScheduler<Command> timers,
      CloudLoadEstimator estimator, Duration pollInterval, ActorRef<EdgeGateway.Command> gateway,
      ActorRef<Partitioner.Command> partitioner, Ticker ticker) {
    super(context);
    this.estimator = estimator;
    this.gateway = gateway;
    this.partitioner = partitioner;
    this.ticker = ticker;
    this.pollReplies = context.messageAdapter(SegmentExecutorActor.LoadReport.class, Polled::new);
    timers.startTimerWithFixedDelay(Poll.INSTANCE, pollInterval);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Executors.class, this::onExecutors)
        .onMessage(Reported.class, reported -> report(reported.executorId(), reported.queueLength(),
            reported.meanServiceNanos()))
        .onMessage(Polled.class, polled -> report(polled.report().executorId(), polled.report().queueLength(),
            polled.report().meanServiceNanos()))
        .onMessage(Poll.class, poll -> {
          executors.values().forEach(executor -> executor.tell(new SegmentExecutorActor.GetLoad(pollReplies)));
          return this;
        })
        .build();
  }

  private Behavior<Command> onExecutors(Executors listed) {
    for (String gone : List.copyOf(executors.keySet())) {
      if (!listed.executors().containsKey(gone)) {
        estimator.remove(gone);
      }
    }
    executors = new HashMap<>(listed.executors());
    gateway.tell(new EdgeGateway.LoadsChanged(estimator.executors()));
    return this;
  }

  private Behavior<Command> report(String executorId, int queueLength, long meanServiceNanos) {
    if (!executors.containsKey(executorId)) {
      return this;
    }
    ExecutorLoad load;
    try {
      load = estimator.report(executorId, queueLength, meanServiceNanos);
    } catch (IllegalArgumentException bad) {
      getContext().getLog().warn("cloud-load monitor: ignored a report from {}: {}", executorId, bad.getMessage());
      return this;
    }
    partitioner.tell(new Partitioner.Observe(
        new Observation.LoadReported(load.executorId(), queueLength, meanServiceNanos, ticker.nanos())));
    gateway.tell(new EdgeGateway.LoadsChanged(estimator.executors()));
    return this;
  }
}
