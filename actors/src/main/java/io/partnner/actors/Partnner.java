package io.partnner.actors;

import com.typesafe.config.Config;
import io.partnner.runtime.exec.LoadedModel;
import io.partnner.runtime.exec.ModelLoader;
import io.partnner.runtime.model.TensorSpec;
import io.partnner.runtime.serve.InferenceException;
import io.partnner.runtime.serve.InferenceResult;
import io.partnner.runtime.tensor.Tensor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;

/**
 * The embedding API: one call starts an edge for a model, then {@link #infer} runs inferences, split between
 * this process and whatever cloud nodes join the cluster; the split is invisible to the caller.
 *
 * <pre>{@code
 * try (Partnner edge = Partnner.start(model, ConfigFactory.load())) {
 *   InferenceResult result = edge.infer(input).toCompletableFuture().join();
 * }
 * }</pre>
 */
public final class Partnner implements AutoCloseable {
  /** Name of every partnner actor system: nodes of one cluster must share it. */
  public static final String SYSTEM_NAME = "partnner";

  /** Name of the thread that completes the stages {@link #infer} returns. */
  static final String ANSWER_THREAD = "partnner-answers";

  private final ActorSystem<PartnnerNode.Command> system;
  private final PartnnerNode.EdgeRefs edge;
  /**
   * Runs the callbacks applications chain on the stages they get. An ask's own stage runs every dependent stage
   * on {@code ForkJoinPool.commonPool()}, which on a machine of one or two cores is a new thread per call (about
   * 0.2 ms a request here); callbacks must not run on the gateway's thread either. One thread of our own does it.
   */
  private final java.util.concurrent.ExecutorService answers = java.util.concurrent.Executors.newSingleThreadExecutor(
      runnable -> {
        Thread thread = new Thread(runnable, ANSWER_THREAD);
        thread.setDaemon(true);
        return thread;
      });
  private final Duration askTimeout;
  private final List<TensorSpec> inputs;

  private Partnner(ActorSystem<PartnnerNode.Command> system, PartnnerNode.EdgeRefs edge, Duration askTimeout,
      List<TensorSpec> inputs) {
    this.system = system;
    this.edge = edge;
    this.askTimeout = askTimeout;
    this.inputs = inputs;
  }

  /**
   * Starts an edge node for {@code model} with {@code config} (for example {@code ConfigFactory.load()}, or
   * the {@code partnner-edge} role file). It joins the seed nodes of {@code pekko.cluster.seed-nodes}, or
   * forms a cluster of its own when there are none, for cloud nodes to join.
   */
  public static Partnner start(LoadedModel model, Config config) {
    PartnnerSettings settings = PartnnerSettings.fromConfig(config);
    // Checked here, where a bad value can still be one clear error, rather than inside the actors.
    PartnnerNode.strategy(settings.strategy(), model.profile(), settings, io.partnner.runtime.time.Ticker.system(),
        io.partnner.runtime.plan.PlanListener.NONE);
    io.partnner.runtime.exec.SegmentExecutor executor = model.newExecutor(settings.device(), settings.executor());
    Optional<io.partnner.runtime.link.LinkEmulator> emulator;
    try {
      try {
        PartnnerNode.warmUp(executor, model);
      } catch (RuntimeException failure) {
        throw new IllegalArgumentException("model " + model.profile().modelName()
            + " does not run on its sample input: " + failure.getMessage(), failure);
      }
      // After the warm-up, so that an emulated trace starts when the node does.
      emulator = PartnnerNode.emulator(settings);
    } catch (RuntimeException failure) {
      executor.close();
      throw failure;
    }
    ActorSystem<PartnnerNode.Command> system = ActorSystem.create(PartnnerNode.create(
        Optional.of(new PartnnerNode.PreparedEdge(model, executor, emulator)), Optional.empty(), settings),
        SYSTEM_NAME, config);
    try {
      joinCluster(system, config);
      Optional<PartnnerNode.EdgeRefs> refs = AskPattern.<PartnnerNode.Command, Optional<PartnnerNode.EdgeRefs>>ask(
          system, PartnnerNode.GetEdge::new, Duration.ofSeconds(30), system.scheduler())
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      Duration askTimeout = settings.cloudDeadline().multipliedBy(settings.maxCloudAttempts() + 1L)
          .plus(Duration.ofMinutes(2));
      return new Partnner(system, refs.orElseThrow(), askTimeout, model.profile().inputs());
    } catch (Exception | Error failure) {
      system.terminate();
      throw failure instanceof RuntimeException runtime ? runtime
          : new IllegalStateException("the edge node did not start: " + failure, failure);
    }
  }

  /**
   * Starts a cloud node: it joins the cluster of {@code pekko.cluster.seed-nodes} (or {@code seed}, when
   * given) and serves every model an edge offers, fetching its bytes from that edge.
   */
  public static ActorSystem<PartnnerNode.Command> startCloud(ModelLoader loader, Config config, Optional<String> seed) {
    PartnnerSettings settings = PartnnerSettings.fromConfig(config);
    ActorSystem<PartnnerNode.Command> system = ActorSystem.create(
        PartnnerNode.create(Optional.empty(), Optional.of(loader), settings), SYSTEM_NAME, config);
    if (seed.isPresent()) {
      Cluster.get(system).manager().tell(new JoinSeedNodes(List.of(AddressFromURIString.parse(seed.get()))));
    } else {
      joinCluster(system, config);
    }
    return system;
  }

  private static void joinCluster(ActorSystem<?> system, Config config) {
    List<String> seeds = config.getStringList("pekko.cluster.seed-nodes");
    if (seeds.isEmpty()) {
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    // With seed nodes configured, Pekko joins them by itself.
  }

  /** Runs one inference on a model with one input. */
  public CompletionStage<InferenceResult> infer(Tensor input) {
    if (inputs.size() != 1) {
      return CompletableFuture.failedFuture(new InferenceException("invalid-input",
          "the model has " + inputs.size() + " inputs " + inputs.stream().map(TensorSpec::name).toList()
              + "; pass them by name"));
    }
    return infer(Map.of(inputs.get(0).name(), input));
  }

  /**
   * Runs one inference. The stage completes with the result, or with an {@link InferenceException} naming
   * the reason: {@code overloaded} (too many requests in flight), {@code invalid-input}, or {@code failed}.
   * Callbacks chained on it without an executor run on the runtime's answer thread: keep them short, or pass an
   * executor of your own.
   */
  public CompletionStage<InferenceResult> infer(Map<String, Tensor> inputs) {
    AnswerStage<InferenceResult> result = new AnswerStage<>(answers);
    AskPattern.<EdgeGateway.Command, EdgeGateway.Answer>ask(edge.gateway(),
            replyTo -> new EdgeGateway.Infer(inputs, replyTo), askTimeout, system.scheduler())
        // Run where the answer arrives (a direct executor is not redirected like the ask stage's own methods).
        .whenCompleteAsync((answer, failure) -> {
          if (failure != null) {
            result.completeExceptionally(failure);
          } else if (answer instanceof EdgeGateway.Answered answered) {
            result.complete(answered.result());
          } else {
            EdgeGateway.Rejected rejected = (EdgeGateway.Rejected) answer;
            result.completeExceptionally(new InferenceException(rejected.kind(), rejected.reason()));
          }
        }, Runnable::run);
    return result;
  }

  /**
   * Runs one inference and sends its one {@link EdgeGateway.Answer} to {@code replyTo}: for callers that are
   * actors themselves, or that count answers (the chaos tests do, to prove none is lost or duplicated).
   */
  public void infer(Map<String, Tensor> inputs, org.apache.pekko.actor.typed.ActorRef<EdgeGateway.Answer> replyTo) {
    edge.gateway().tell(new EdgeGateway.Infer(inputs, replyTo));
  }

  /** The plan in force, its prediction and the plan switches so far. */
  public CompletionStage<Partitioner.Status> status() {
    return AskPattern.ask(edge.partitioner(), Partitioner.GetStatus::new, Duration.ofSeconds(10), system.scheduler());
  }

  /** The gateway's counts. */
  public CompletionStage<EdgeGateway.Stats> stats() {
    return AskPattern.ask(edge.gateway(), EdgeGateway.GetStats::new, Duration.ofSeconds(10), system.scheduler());
  }

  /** The link monitor's estimates. */
  public CompletionStage<LinkMonitor.Estimates> linkEstimates() {
    return AskPattern.ask(edge.linkMonitor(), LinkMonitor.GetEstimate::new, Duration.ofSeconds(10), system.scheduler());
  }

  /**
   * Fault injection in emulation: the emulated link carries nothing for {@code length} from now. Completes with
   * false when the link is not emulated.
   */
  public CompletionStage<Boolean> linkOutage(Duration length) {
    return AskPattern.<PartnnerNode.Command, Boolean>ask(system, replyTo -> new PartnnerNode.LinkOutage(length, replyTo),
        Duration.ofSeconds(10), system.scheduler());
  }

  /** This node's cluster address, {@code pekko://partnner@host:port}, for cloud nodes to join. */
  public String address() {
    Address address = Cluster.get(system).selfMember().address();
    return address.toString();
  }

  /** The actor system, for applications that add actors of their own. */
  public ActorSystem<?> system() {
    return system;
  }

  /** Stops the node and waits for it. */
  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the edge node did not stop within 30 s", e);
    } finally {
      // After the system, so that answers already given still reach the application.
      answers.shutdown();
    }
  }
}
