package io.partnner.actors;

import io.partnner.runtime.estimate.CloudLoadEstimator;
import io.partnner.runtime.exec.LoadedModel;
import io.partnner.runtime.exec.ModelLoader;
import io.partnner.runtime.exec.SegmentExecutor;
import io.partnner.runtime.link.BandwidthTrace;
import io.partnner.runtime.link.LinkEmulator;
import io.partnner.runtime.link.LinkEstimator;
import io.partnner.runtime.link.LinkPreset;
import io.partnner.runtime.link.ProbePolicy;
import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.plan.CodecSizes;
import io.partnner.runtime.plan.CloudOnly;
import io.partnner.runtime.plan.EdgeOnly;
import io.partnner.runtime.plan.FixedCut;
import io.partnner.runtime.plan.PartnnerPlanner;
import io.partnner.runtime.plan.PlanListener;
import io.partnner.runtime.plan.Strategy;
import io.partnner.runtime.time.Ticker;
import io.partnner.runtime.wire.BulkInbox;
import io.partnner.runtime.wire.BulkReceiver;
import io.partnner.runtime.wire.BulkSender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The guardian of a partnner node: on an edge it starts the model source, partitioner, link monitor, edge
 * executor and gateway (which starts the downlink and the cloud-load monitor); on a cloud node the cloud
 * host. A node can be both.
 */
public final class PartnnerNode {
  /** What the guardian answers. */
  public sealed interface Command extends LocalMessage {}

  /** Report the edge's actors. */
  public record GetEdge(ActorRef<Optional<EdgeRefs>> replyTo) implements Command {}

  /** Emulation only: the emulated link carries nothing for {@code length}; answers false when it is not emulated. */
  public record LinkOutage(java.time.Duration length, ActorRef<Boolean> replyTo) implements Command {}

  /** The edge's actors. */
  public record EdgeRefs(ActorRef<EdgeGateway.Command> gateway, ActorRef<Partitioner.Command> partitioner,
      ActorRef<LinkMonitor.Command> linkMonitor) implements LocalMessage {}

  /** Most requests' tensors a cloud node's bulk inbox tracks at once. */
  private static final int BULK_ENTRIES = 4096;
  /**
   * The gateway and the edge's executor share one thread: a request passes between them without waking another
   * thread (0.15-0.2 ms each time on a small VM); both only do bookkeeping there.
   */
  private static final org.apache.pekko.actor.typed.Props EDGE_DISPATCHER =
      org.apache.pekko.actor.typed.DispatcherSelector.fromConfig("partnner.edge-dispatcher");

  private PartnnerNode() {}

  /** What an edge node starts from: its model, an executor already warmed up, and the emulated link, if any. */
  public record PreparedEdge(LoadedModel model, SegmentExecutor executor, Optional<LinkEmulator> emulator) {}

  /** A node that is an edge for {@code edge} if present and a cloud host with {@code cloudLoader} if present. */
  public static Behavior<Command> create(Optional<PreparedEdge> edge, Optional<ModelLoader> cloudLoader,
      PartnnerSettings settings) {
    return Behaviors.setup(context -> {
      Ticker ticker = Ticker.system();
      Optional<BulkReceiver> lane = cloudLoader.isPresent() ? bulkReceiver(settings, ticker, context.getLog())
          : Optional.empty();
      cloudLoader.ifPresent(loader ->
          context.spawn(resilient(CloudHost.create(loader, settings.cloud(), lane)), "cloud-host"));
      if (edge.isEmpty()) {
        return Behaviors.receive(Command.class)
            .onMessage(GetEdge.class, get -> {
              get.replyTo().tell(Optional.empty());
              return Behaviors.same();
            })
            .onMessage(LinkOutage.class, outage -> {
              outage.replyTo().tell(false);
              return Behaviors.same();
            })
            .onSignal(PostStop.class, stop -> {
              lane.ifPresent(BulkReceiver::close);
              return Behaviors.same();
            })
            .build();
      }
      LoadedModel model = edge.get().model();
      ModelProfile profile = model.profile();
      EmulatedLink link = edge.get().emulator().map(EmulatedLink::of).orElseGet(EmulatedLink::none);
      PartnnerSettings.BulkSettings lanes = settings.bulk();
      Optional<BulkSender> bulk = !lanes.enabled() ? Optional.empty()
          : Optional.of(new BulkSender(lanes.maxHeld(), lanes.timeout(), replyTimeout(settings),
              (int) lanes.maxTensorBytes(), new java.security.SecureRandom(), ticker));
      context.getLog().info("edge: model {} ({} candidate cuts), device {}, link {}", profile.modelName(),
          profile.cuts().size(), settings.device(), link);
      ActorRef<ModelSource.Command> source =
          context.spawn(ModelSource.create(Map.of(profile.contentHash(), model.bytes())), "model-source");
      ActorRef<Partitioner.Command> partitioner = context.spawn(resilient(Partitioner.create(
          listener -> strategy(settings.strategy(), profile, settings, ticker, listener),
          new io.partnner.runtime.plan.Plan(profile.cuts().size() - 1, CodecSizes.RAW), ticker)), "partitioner");
      LinkEstimator estimator = new LinkEstimator(settings.planner().link(), ticker);
      ActorRef<LinkMonitor.Command> linkMonitor = context.spawn(resilient(LinkMonitor.create(
          estimator, new ProbePolicy(settings.planner().probes(), estimator), link, partitioner, ticker)), "link-monitor");
      ActorRef<SegmentExecutorActor.Command> edgeExecutor = context.spawn(SegmentExecutorActor.create("edge", profile,
          edge.get().executor(), settings.maxInFlight(),
          settings.serviceWeight(),
          false, Optional.empty()), "edge-executor", EDGE_DISPATCHER);
      CloudHost.Provide offer = new CloudHost.Provide(profile.modelName(), profile.contentHash(), model.bytes().length,
          model.inputShapes(), source);
      ActorRef<EdgeGateway.Command> gateway = context.spawn(resilient(EdgeGateway.create(profile, settings.gateway(), edgeExecutor,
          partitioner, linkMonitor,
          self -> CloudLoadMonitor.create(new CloudLoadEstimator(settings.planner().cloudLoad(), ticker),
              settings.loadPollInterval(), self, partitioner, ticker),
          offer, link, bulk, ticker)), "gateway", EDGE_DISPATCHER);
      EdgeRefs refs = new EdgeRefs(gateway, partitioner, linkMonitor);
      return Behaviors.receive(Command.class)
          .onMessage(GetEdge.class, get -> {
            get.replyTo().tell(Optional.of(refs));
            return Behaviors.same();
          })
          .onMessage(LinkOutage.class, outage -> {
            outage.replyTo().tell(link.outage(outage.length()));
            return Behaviors.same();
          })
          .onSignal(PostStop.class, stop -> {
            link.close();
            bulk.ifPresent(BulkSender::close);
            lane.ifPresent(BulkReceiver::close);
            return Behaviors.same();
          })
          .build();
    });
  }

  /**
   * A cloud node's bulk lane receiver on its canonical host, unless the lane is off. A node that cannot listen
   * serves without one (its executors then get their inputs over Artery), with the reason logged.
   */
  private static Optional<BulkReceiver> bulkReceiver(PartnnerSettings settings, Ticker ticker, org.slf4j.Logger log) {
    PartnnerSettings.BulkSettings lanes = settings.bulk();
    if (!lanes.enabled()) {
      return Optional.empty();
    }
    try {
      BulkInbox inbox = new BulkInbox(lanes.maxHeld(), BULK_ENTRIES, lanes.ttl(), ticker);
      BulkReceiver receiver = new BulkReceiver(settings.host(), lanes.port(), inbox, lanes.timeout(),
          (int) lanes.maxTensorBytes(), lanes.maxHeld(),
          new io.partnner.runtime.wire.ReceiveBuffers(lanes.receiveBufferBytes()));
      log.info("cloud: bulk lane listening on {}", receiver.endpoint());
      return Optional.of(receiver);
    } catch (java.io.UncheckedIOException cannotListen) {
      log.error("cloud: no bulk lane, crossings come over Artery: {}", cannotListen.getMessage());
      return Optional.empty();
    }
  }

  /**
   * How long the edge keeps waiting for an answer on the bulk lane: past every deadline the gateway gives a request,
   * so that it is never the lane that gives up first.
   */
  static java.time.Duration replyTimeout(PartnnerSettings settings) {
    return settings.cloudDeadline().multipliedBy(settings.maxCloudAttempts() + 1L).plus(settings.bulk().timeout());
  }

  /** Keeps an actor and its state through an unexpected exception: its requests must not be lost with it. */
  static <T> Behavior<T> resilient(Behavior<T> behavior) {
    return Behaviors.supervise(behavior).onFailure(RuntimeException.class, SupervisorStrategy.resume());
  }

  static Strategy strategy(String name, ModelProfile profile, PartnnerSettings settings, Ticker ticker,
      PlanListener listener) {
    CodecSizes sizes = CodecSizes.rawOnly(profile);
    int edgeOnly = profile.cuts().size() - 1;
    if (name.equals("partnner")) {
      return new PartnnerPlanner(profile, sizes, settings.planner(), ticker, listener);
    } else if (name.equals("edge-only")) {
      return new EdgeOnly(profile);
    } else if (name.equals("cloud-only")) {
      return new CloudOnly(profile, sizes, settings.planner(), ticker);
    } else if (name.startsWith("fixed:")) {
      int cut;
      try {
        cut = Integer.parseInt(name.substring("fixed:".length()));
      } catch (NumberFormatException e) {
        cut = -1;
      }
      if (cut < 0 || cut > edgeOnly) {
        throw new IllegalArgumentException("partnner.planner.strategy '" + name + "': the cut must be in 0.." + edgeOnly
            + " for " + profile.modelName());
      }
      return new FixedCut(cut, CodecSizes.RAW);
    }
    throw new IllegalArgumentException("partnner.planner.strategy '" + name
        + "': expected partnner, edge-only, cloud-only or fixed:K");
  }

  /**
   * Runs the whole model once on its sample input, so sessions exist and block times are calibrated before the
   * first request: a real user's first inference should not pay for them.
   */
  static void warmUp(SegmentExecutor executor, LoadedModel model) {
    executor.run(0, model.profile().cuts().size() - 1, model.sampleInputs());
  }

  /**
   * The link emulator {@code partnner.edge.link} names, if any.
   *
   * @throws IllegalArgumentException naming the key and what it accepts
   */
  static Optional<LinkEmulator> emulator(PartnnerSettings settings) {
    String link = settings.link().strip();
    if (link.isEmpty() || link.equals("none")) {
      return Optional.empty();
    }
    Ticker ticker = Ticker.system();
    for (LinkPreset preset : LinkPreset.values()) {
      if (preset.label().equals(link)) {
        return Optional.of(LinkEmulator.ofPreset(preset, ticker));
      }
    }
    BandwidthTrace trace;
    if (Files.exists(Path.of(link))) {
      trace = BandwidthTrace.read(Path.of(link));
    } else if (BandwidthTrace.SHIPPED.contains(link)) {
      trace = BandwidthTrace.shipped(link);
    } else {
      throw new IllegalArgumentException("partnner.edge.link '" + link + "': not 'none', a preset ("
          + java.util.Arrays.stream(LinkPreset.values()).map(LinkPreset::label).toList()
          + "), a shipped trace " + BandwidthTrace.SHIPPED + " or an existing trace file");
    }
    return Optional.of(LinkEmulator.ofTraces(trace, trace, settings.traceRtt(), ticker));
  }
}
