package io.partnner.actors;

import io.partnner.runtime.link.Direction;
import io.partnner.runtime.link.LinkEstimate;
import io.partnner.runtime.link.LinkEstimator;
import io.partnner.runtime.link.Probe;
import io.partnner.runtime.link.ProbePolicy;
import io.partnner.runtime.plan.Observation;
import io.partnner.runtime.time.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Measures the link from the transfers the edge makes (the gateway reports when it handed a crossing to
 * the link and when the cloud's receipt came back) and, while a direction is idle, from small probes whose
 * share of the link is bounded by {@link ProbePolicy}. Owns the {@link LinkEstimator}; every timing it
 * accepts goes to the partitioner as an observation, which re-plans when the estimate moved materially.
 */
public final class LinkMonitor extends AbstractBehavior<LinkMonitor.Command> {
  /** What the link monitor is told. */
  public sealed interface Command extends LocalMessage {}

  /** The gateway handed {@code bytes} of request {@code requestId} to the link at {@code sentNanos}. */
  public record UplinkSent(long requestId, long bytes, long sentNanos) implements Command {}

  /** The cloud's receipt of request {@code requestId} arrived at {@code ackedNanos}. */
  public record UplinkAcked(long requestId, long ackedNanos) implements Command {}

  /** Request {@code requestId} left the cloud (answered, failed or taken back). */
  public record LeftCloud(long requestId) implements Command {}

  /** Where probes go and where their replies come back. */
  public record Targets(List<ActorRef<SegmentExecutorActor.Command>> executors,
      ActorRef<SegmentExecutorActor.Reply> downlink) implements Command {}

  /** A probe reply the gateway's downlink passed on. */
  public record ProbeReply(SegmentExecutorActor.Reply reply) implements Command {}

  /** Report the current estimates. */
  public record GetEstimate(ActorRef<Estimates> replyTo) implements Command {}

  /** The estimates of both directions, if known. */
  public record Estimates(Optional<LinkEstimate> up, Optional<LinkEstimate> down, long probesUp, long probesDown)
      implements LocalMessage {}

  private enum Tick implements Command { INSTANCE }

  private record Sent(long bytes, long sentNanos) {}

  private record ProbePart(Direction direction, long bytes, long sentNanos) {}

  /** A probe whose reply has not come within this is forgotten, so a lost executor cannot block probing. */
  private static final long PROBE_TIMEOUT_NANOS = Duration.ofSeconds(5).toNanos();

  private final LinkEstimator estimator;
  private final ProbePolicy probes;
  private final EmulatedLink link;
  private final ActorRef<Partitioner.Command> partitioner;
  private final Ticker ticker;
  private final TimerScheduler<Command> timers;
  private final Map<Long, Sent> uplinks = new HashMap<>();
  private final Set<Long> inCloud = new HashSet<>();
  private final Map<String, ProbePart> probeParts = new HashMap<>();
  private final long[] lastSent = {Long.MIN_VALUE, Long.MIN_VALUE};
  private final long[] lastCompleted = {Long.MIN_VALUE, Long.MIN_VALUE};
  private List<ActorRef<SegmentExecutorActor.Command>> executors = List.of();
  private ActorRef<SegmentExecutorActor.Reply> downlink;
  private long nextProbeId = 1;

  /** A monitor sending probes through {@code link} and its timings to {@code partitioner}. */
  static Behavior<Command> create(LinkEstimator estimator, ProbePolicy probes, EmulatedLink link,
      ActorRef<Partitioner.Command> partitioner, Ticker ticker) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new LinkMonitor(context, timers, estimator, probes, link, partitioner, ticker)));
  }

  private LinkMonitor(ActorContext<Command> context, TimerScheduler<Command> timers, LinkEstimator estimator,
      ProbePolicy probes, EmulatedLink link, ActorRef<Partitioner.Command> partitioner, Ticker ticker) {
    super(context);
    this.timers = timers;
    this.estimator = estimator;
    this.probes = probes;
    this.link = link;
    this.partitioner = partitioner;
    this.ticker = ticker;
    timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ofMillis(20));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(UplinkSent.class, sent -> {
          uplinks.put(sent.requestId(), new Sent(sent.bytes(), sent.sentNanos()));
          inCloud.add(sent.requestId());
          return this;
        })
        .onMessage(UplinkAcked.class, acked -> {
          Sent sent = uplinks.remove(acked.requestId());
          if (sent != null) {
            record(Direction.UP, sent.bytes(), sent.sentNanos(), acked.ackedNanos());
          }
          return this;
        })
        .onMessage(LeftCloud.class, left -> {
          uplinks.remove(left.requestId());
          inCloud.remove(left.requestId());
          return this;
        })
        .onMessage(Targets.class, targets -> {
          executors = List.copyOf(targets.executors());
          downlink = targets.downlink();
          return this;
        })
        .onMessage(ProbeReply.class, this::onProbeReply)
        .onMessage(GetEstimate.class, get -> {
          get.replyTo().tell(new Estimates(estimator.estimate(Direction.UP), estimator.estimate(Direction.DOWN),
              probes.probes(Direction.UP), probes.probes(Direction.DOWN)));
          return this;
        })
        .onMessage(Tick.class, tick -> onTick())
        .build();
  }

  private Behavior<Command> onTick() {
    long now = ticker.nanos();
    probeParts.values().removeIf(part -> now - part.sentNanos() > PROBE_TIMEOUT_NANOS);
    if (executors.isEmpty() || downlink == null) {
      return this;
    }
    ActorRef<SegmentExecutorActor.Command> target = executors.get(0);
    if (idle(Direction.UP)) {
      probes.poll(Direction.UP, now).ifPresent(probe -> sendUp(target, probe, now));
    }
    if (idle(Direction.DOWN)) {
      probes.poll(Direction.DOWN, now).ifPresent(probe -> sendDown(target, probe, now));
    }
    return this;
  }

  private boolean idle(Direction direction) {
    for (ProbePart part : probeParts.values()) {
      if (part.direction() == direction) {
        return false;
      }
    }
    return direction == Direction.UP ? uplinks.isEmpty() : inCloud.isEmpty();
  }

  private void sendUp(ActorRef<SegmentExecutorActor.Command> target, Probe probe, long now) {
    long id = expect(Direction.UP, probe, now);
    int head = (int) probeParts.get(id + ":0").bytes();
    int tail = (int) probeParts.get(id + ":1").bytes();
    ActorRef<SegmentExecutorActor.Reply> replyTo = downlink;
    link.up(head, () -> target.tell(new SegmentExecutorActor.ProbeUp(id, 0, new byte[head], replyTo)));
    link.up(tail, () -> target.tell(new SegmentExecutorActor.ProbeUp(id, 1, new byte[tail], replyTo)));
  }

  private void sendDown(ActorRef<SegmentExecutorActor.Command> target, Probe probe, long now) {
    long id = expect(Direction.DOWN, probe, now);
    int head = (int) probeParts.get(id + ":0").bytes();
    int tail = (int) probeParts.get(id + ":1").bytes();
    ActorRef<SegmentExecutorActor.Reply> replyTo = downlink;
    // The request itself is a few dozen bytes on the uplink.
    link.up(64, () -> target.tell(new SegmentExecutorActor.ProbeDown(id, head, tail, replyTo)));
  }

  /** Records the two parts of a new probe as awaited and returns its id. */
  private long expect(Direction direction, Probe probe, long now) {
    long id = nextProbeId++;
    probeParts.put(id + ":0", new ProbePart(direction, Math.min(probe.headBytes(), SegmentExecutorActor.MAX_PROBE_BYTES), now));
    probeParts.put(id + ":1", new ProbePart(direction, Math.min(probe.tailBytes(), SegmentExecutorActor.MAX_PROBE_BYTES), now));
    return id;
  }

  private Behavior<Command> onProbeReply(ProbeReply reply) {
    long now = ticker.nanos();
    String key;
    if (reply.reply() instanceof SegmentExecutorActor.ProbeAck ack) {
      key = ack.probeId() + ":" + ack.part();
    } else if (reply.reply() instanceof SegmentExecutorActor.ProbePayload payload) {
      key = payload.probeId() + ":" + payload.part();
    } else {
      return this;
    }
    ProbePart part = probeParts.remove(key);
    if (part != null) {
      record(part.direction(), part.bytes(), part.sentNanos(), now);
    }
    return this;
  }

  private void record(Direction direction, long bytes, long sentNanos, long completedNanos) {
    int lane = direction.ordinal();
    // The estimator learns from transfers in the order they were sent; one overtaken on the way (replies
    // from two cloud nodes can cross) would break that order, so it is left out.
    if (sentNanos < lastSent[lane] || completedNanos < lastCompleted[lane]) {
      return;
    }
    lastSent[lane] = sentNanos;
    lastCompleted[lane] = completedNanos;
    estimator.onSent(direction, bytes, sentNanos);
    estimator.onCompleted(direction, completedNanos);
    partitioner.tell(new Partitioner.Observe(new Observation.TransferTimed(direction, bytes, sentNanos, completedNanos)));
  }
}
