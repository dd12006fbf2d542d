package io.partnner.examples.cli;

import io.partnner.actors.Partnner;
import io.partnner.actors.PartnnerNode;
import io.partnner.models.InputShapes;
import io.partnner.models.OnnxModel;
import io.partnner.models.OrtModelLoader;
import io.partnner.models.PartitionedModel;
import io.partnner.runtime.exec.LoadedModel;
import io.partnner.runtime.serve.InferenceResult;
import io.partnner.runtime.tensor.Tensor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code node}: one node of a partnner cluster. */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Run one cluster node. An edge node serves MODEL and keeps a closed loop of inferences on sample "
        + "inputs going (one summary line per second); a cloud node fetches whatever model an edge offers and runs "
        + "tails of it.")
final class NodeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--role", required = true, paramLabel = "edge|cloud", description = "edge or cloud")
  String role;

  @Option(names = "--port", paramLabel = "P", description = "port to listen on (default: 25520 for an edge, any free one for a cloud node)")
  Integer port;

  @Option(names = "--host", paramLabel = "HOST",
      description = "the address other nodes reach this one at (default 127.0.0.1, or $PARTNNER_HOST)")
  String host;

  @Option(names = "--seed", paramLabel = "HOST:PORT", description = "a node of the cluster to join (an edge without one starts the cluster)")
  String seed;

  @Option(names = "--model", paramLabel = "MODEL", description = "edge: an .onnx file or zoo:NAME[@SCALE]")
  String model;

  @Option(names = "--input-shape", paramLabel = "NAME=DIMS", description = "edge: fix an input's symbolic dimensions (repeatable)")
  List<String> inputShapes = new ArrayList<>();

  @Option(names = "--device", paramLabel = "xF", description = "edge: emulated device slowdown, e.g. x4 (default x1: this machine)")
  String device = "x1";

  @Option(names = "--link", paramLabel = "PRESET", description = "edge: emulated link preset 3g, lte, wifi, 5g (default: none)")
  String link;

  @Option(names = "--trace", paramLabel = "FILE", description = "edge: emulated link following a t_s,mbps trace")
  Path trace;

  @Option(names = "--rtt-ms", paramLabel = "X", description = "edge: round-trip time of a trace link (default ${DEFAULT-VALUE})")
  double rttMs = 20;

  @Option(names = "--strategy", paramLabel = "S", description = "edge: partnner (default), edge-only, cloud-only or fixed:K")
  String strategy = "partnner";

  @Option(names = "--requests", paramLabel = "N", description = "edge: stop after N inferences (default: run until stopped)")
  long requests = -1;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (role.equals("cloud")) {
      if (seed == null) {
        throw new CommandFailure("node --role cloud needs --seed HOST:PORT (the edge, or any node of the cluster)");
      }
      java.util.Map<String, Object> overrides = Nodes.port(port == null ? 0 : port);
      if (host != null) {
        overrides.put("pekko.remote.artery.canonical.hostname", host);
      }
      ActorSystem<PartnnerNode.Command> cloud = Partnner.startCloud(new OrtModelLoader(), Nodes.cloudConfig(overrides),
          Optional.of(Nodes.address(seed)));
      out.println("cloud node up at " + cloud.address() + ", joining " + Nodes.address(seed));
      cloud.getWhenTerminated().toCompletableFuture().get();
      return 0;
    }
    if (!role.equals("edge")) {
      throw new CommandFailure("--role '" + role + "': expected edge or cloud");
    }
    if (model == null) {
      throw new CommandFailure("node --role edge needs --model MODEL");
    }
    if (link != null && trace != null) {
      throw new CommandFailure("give --link or --trace, not both");
    }
    java.util.Map<String, Object> overrides = Nodes.port(port == null ? 25520 : port);
    if (host != null) {
      overrides.put("pekko.remote.artery.canonical.hostname", host);
    }
    overrides.put("partnner.edge.device", device);
    overrides.put("partnner.edge.link", trace != null ? trace.toString() : link != null ? link : "none");
    overrides.put("partnner.edge.trace-rtt", Math.round(rttMs * 1000) + "us");
    overrides.put("partnner.planner.strategy", strategy);
    if (seed != null) {
      overrides.put("pekko.cluster.seed-nodes", List.of(Nodes.address(seed)));
    }
    OnnxModel onnx = ModelOptions.resolve(model);
    PartitionedModel analysed = PartitionedModel.analyze(onnx, InputShapes.parse(inputShapes));
    LoadedModel loaded = OrtModelLoader.of(analysed, InputShapes.parse(inputShapes).given());
    try (Partnner edge = Partnner.start(loaded, Nodes.edgeConfig(overrides))) {
      out.printf(Locale.ROOT, "edge node up at %s: model %s (%s), %d candidate cuts, device %s, link %s, strategy %s%n",
          edge.address(), onnx.name(), onnx.contentHash().substring(0, 16), analysed.profile().cuts().size(), device,
          overrides.get("partnner.edge.link"), strategy);
      drive(edge, analysed.sampleInputs(), requests, out);
    }
    return 0;
  }

  /** A closed loop of inferences: one in flight at a time, a summary line per second. */
  static void drive(Partnner edge, Map<String, Tensor> inputs, long requests, PrintWriter out) throws Exception {
    long sent = 0;
    long windowStart = System.nanoTime();
    List<InferenceResult> window = new ArrayList<>();
    while (requests < 0 || sent < requests) {
      InferenceResult result = edge.infer(inputs).toCompletableFuture().get(10, TimeUnit.MINUTES);
      sent++;
      window.add(result);
      long now = System.nanoTime();
      if (now - windowStart >= 1_000_000_000L || sent == requests) {
        double mean = window.stream().mapToLong(r -> r.latency().totalNanos()).average().orElse(0) / 1e6;
        long cloud = window.stream().filter(r -> !r.servedBy().equals("edge")).count();
        InferenceResult last = window.get(window.size() - 1);
        out.printf(Locale.ROOT, "%6d requests  mean %8.2f ms  cut %3d %-6s  cloud-served %3d/%-3d  last: %s%n", sent, mean,
            last.plan().cut(), last.plan().codec(), cloud, window.size(), last.latency());
        window.clear();
        windowStart = now;
      }
    }
  }
}
