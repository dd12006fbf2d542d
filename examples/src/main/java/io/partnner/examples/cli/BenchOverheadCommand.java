package io.partnner.examples.cli;

import io.partnner.actors.Partnner;
import io.partnner.models.InputShapes;
import io.partnner.models.OrtModelLoader;
import io.partnner.models.PartitionedModel;
import io.partnner.models.PlainOrt;
import io.partnner.runtime.model.CutPoint;
import io.partnner.runtime.model.TensorSpec;
import io.partnner.runtime.serve.InferenceResult;
import io.partnner.runtime.serve.MeasuredLatency;
import io.partnner.runtime.tensor.Tensor;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bench overhead}: what the actor runtime costs against plain ONNX Runtime in the same process, (a) for the
 * whole model on the edge and (b) for a mid-model split over unshaped loopback against a head session, a raw socket
 * transfer of the same bytes and a tail session.
 */
@Command(name = "overhead", mixinStandardHelpOptions = true,
    description = "Runtime overhead against plain ONNX Runtime: edge-only through the actors against one session of the "
        + "whole model, and a mid-model split through an edge and a cloud node on loopback against head + socket + tail.")
final class BenchOverheadCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "an .onnx file or zoo:NAME[@SCALE]")
  String model;

  @Option(names = "--input-shape", paramLabel = "NAME=DIMS", description = "fix an input's symbolic dimensions (repeatable)")
  List<String> inputShapes = new java.util.ArrayList<>();

  @Option(names = "--cut", paramLabel = "K", description = "the split's cut (default: the single-tensor cut nearest half the FLOPs)")
  Integer cut;

  @Option(names = "--runs", paramLabel = "N", description = "timed runs per variant (default ${DEFAULT-VALUE})")
  int runs = 60;

  @Option(names = "--warmup", paramLabel = "N", description = "untimed runs of each variant first, enough for the JIT "
      + "to compile the request path as in a node that has served a while (default ${DEFAULT-VALUE})")
  int warmup = 200;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (runs < 1 || warmup < 0) {
      throw new CommandFailure("--runs must be at least 1 and --warmup at least 0");
    }
    PartitionedModel analysed = PartitionedModel.analyze(ModelOptions.resolve(model), InputShapes.parse(inputShapes));
    Map<String, List<Long>> shapes = InputShapes.parse(inputShapes).given();
    List<CutPoint> cuts = analysed.profile().cuts();
    int last = cuts.size() - 1;
    int split = cut != null ? cut : middleCut(cuts);
    if (split <= 0 || split >= last) {
      throw new CommandFailure("--cut " + split + ": a split needs a cut in 1.." + (last - 1));
    }
    Map<String, Tensor> inputs = analysed.sampleInputs();
    out.printf(Locale.ROOT, "model %s: %d candidate cuts; split at cut %d (%.0f%% of FLOPs before it, %d bytes cross)%n",
        analysed.model().name(), cuts.size(), split, 100 * cuts.get(split).flopsBefore(), cuts.get(split).crossingBytes());
    long threshold = io.partnner.actors.PartnnerSettings.fromConfig(edgeConfig("edge-only")).bulk().threshold();
    out.printf(Locale.ROOT, "%d timed runs after %d warm-up, each pair alternating which goes first; the split's "
        + "crossing goes %s (partnner.bulk.threshold = %d bytes)%n", runs, warmup,
        io.partnner.runtime.serve.TransferPath.forBytes(cuts.get(split).crossingBytes(), threshold, true)
            == io.partnner.runtime.serve.TransferPath.BULK ? "on the bulk lane" : "inside the Artery message", threshold);

    long[] plainWhole = new long[runs];
    long[] actorsWhole = new long[runs];
    try (PlainOrt whole = PlainOrt.open(analysed.model().bytes(), "the whole model", 0);
        Partnner edge = Partnner.start(OrtModelLoader.of(analysed, shapes), edgeConfig("edge-only"))) {
      for (int i = -warmup; i < runs; i++) {
        // The two alternate which goes first: ONNX Runtime's pool threads spin on after a run, and whichever comes
        // second would always meet them.
        long plain = i % 2 == 0 ? timed(() -> whole.run(inputs)) : 0;
        long[] actors = new long[1];
        InferenceResult result = timed(() -> edge.infer(inputs).toCompletableFuture().get(5, TimeUnit.MINUTES), actors);
        if (i % 2 != 0) {
          plain = timed(() -> whole.run(inputs));
        }
        if (!result.servedBy().equals("edge")) {
          throw new CommandFailure("edge-only request was served by " + result.servedBy());
        }
        if (i >= 0) {
          plainWhole[i] = plain;
          actorsWhole[i] = actors[0];
        }
      }
    }

    long[] plainSplit = new long[runs];
    long[] actorsSplit = new long[runs];
    long[] plainHead = new long[runs];
    List<MeasuredLatency> splitTerms = new java.util.ArrayList<>();
    List<String> crossing = cuts.get(split).crossing().stream().map(TensorSpec::name).toList();
    try (PlainOrt head = PlainOrt.open(analysed.segment(0, split), "the head", 0);
        PlainOrt tail = PlainOrt.open(analysed.segment(split, last), "the tail", 0);
        SocketTail remote = new SocketTail(tail);
        Partnner edge = Partnner.start(OrtModelLoader.of(analysed, shapes), edgeConfig("fixed:" + split))) {
      ActorSystem<?> cloud = Nodes.startCloud(edge.address(), Map.of());
      try {
        Nodes.awaitExecutors(edge, 1, Duration.ofMinutes(3));
        long[] headNanos = new long[1];
        Timed plainRun = () -> {
          long headStart = System.nanoTime();
          Map<String, Tensor> headOut = head.run(inputs);
          headNanos[0] = System.nanoTime() - headStart;
          Map<String, Tensor> sent = new LinkedHashMap<>();
          for (String name : crossing) {
            sent.put(name, headOut.get(name));
          }
          return remote.call(sent);
        };
        for (int i = -warmup; i < runs; i++) {
          long plain = i % 2 == 0 ? timed(plainRun) : 0;
          long[] actors = new long[1];
          InferenceResult result = timed(() -> edge.infer(inputs).toCompletableFuture().get(5, TimeUnit.MINUTES), actors);
          if (i % 2 != 0) {
            plain = timed(plainRun);
          }
          if (result.servedBy().equals("edge")) {
            throw new CommandFailure("split request was served by the edge: " + result.fallback().orElse("?"));
          }
          if (i >= 0) {
            plainSplit[i] = plain;
            plainHead[i] = headNanos[0];
            actorsSplit[i] = actors[0];
            splitTerms.add(result.latency());
          }
        }
      } finally {
        Nodes.stop(cloud);
      }
    }
    double x = median(actorsWhole) / median(plainWhole);
    double y = median(actorsSplit) / median(plainSplit);
    out.printf(Locale.ROOT, "%-34s %12s %12s %8s%n", "variant", "median ms", "p90 ms", "ratio");
    row(out, "plain ORT, whole model", plainWhole, 1);
    row(out, "partnner edge-only (actors)", actorsWhole, x);
    row(out, "plain ORT head + socket + tail", plainSplit, 1);
    row(out, "partnner split at cut " + split + " (2 nodes)", actorsSplit, y);
    out.printf(Locale.ROOT, "split, medians in ms: plain head %.2f, head + socket + tail %.2f; partnner %s%n",
        median(plainHead) / 1e6, median(plainSplit) / 1e6, medianTerms(splitTerms));
    out.printf(Locale.ROOT, "overhead ratio edge-only %.3f, split %.3f%n", x, y);
    return 0;
  }

  /** Something timed; it may throw. */
  @FunctionalInterface
  private interface Timed {
    Object run() throws Exception;
  }

  private static long timed(Timed what) throws Exception {
    long start = System.nanoTime();
    what.run();
    return System.nanoTime() - start;
  }

  @SuppressWarnings("unchecked")
  private static <T> T timed(Timed what, long[] nanos) throws Exception {
    long start = System.nanoTime();
    Object value = what.run();
    nanos[0] = System.nanoTime() - start;
    return (T) value;
  }

  private static Map<String, Object> overrides(String strategy) {
    Map<String, Object> overrides = Nodes.port(0);
    overrides.put("partnner.planner.strategy", strategy);
    return overrides;
  }

  private static com.typesafe.config.Config edgeConfig(String strategy) {
    return Nodes.edgeConfig(overrides(strategy));
  }

  /** Each term's median over the runs, as a latency. */
  private static MeasuredLatency medianTerms(List<MeasuredLatency> terms) {
    java.util.function.ToLongFunction<java.util.function.ToLongFunction<MeasuredLatency>> m =
        term -> (long) median(terms.stream().mapToLong(term).toArray());
    return new MeasuredLatency(m.applyAsLong(MeasuredLatency::edgeNanos),
        m.applyAsLong(MeasuredLatency::encodeNanos),
        m.applyAsLong(MeasuredLatency::linkUpNanos),
        m.applyAsLong(MeasuredLatency::queueNanos),
        m.applyAsLong(MeasuredLatency::cloudNanos),
        m.applyAsLong(MeasuredLatency::linkDownNanos),
        m.applyAsLong(MeasuredLatency::fallbackNanos),
        m.applyAsLong(MeasuredLatency::totalNanos));
  }

  /** The single-tensor cut with the FLOPs share nearest one half. */
  static int middleCut(List<CutPoint> cuts) {
    int best = -1;
    for (int i = 1; i < cuts.size() - 1; i++) {
      if (cuts.get(i).singleTensor() && (best < 0
          || Math.abs(cuts.get(i).flopsBefore() - 0.5) < Math.abs(cuts.get(best).flopsBefore() - 0.5))) {
        best = i;
      }
    }
    return best < 0 ? cuts.size() / 2 : best;
  }

  private static void row(PrintWriter out, String name, long[] nanos, double ratio) {
    out.printf(Locale.ROOT, "%-34s %12.2f %12.2f %8.3f%n", name, median(nanos) / 1e6, percentile(nanos, 0.9) / 1e6, ratio);
  }

  static double median(long[] values) {
    return percentile(values, 0.5);
  }

  private static double percentile(long[] values, double quantile) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))];
  }

  /**
   * The plain baseline's far end: a thread behind a loopback socket that reads the crossing tensors (name, dtype,
   * shape, bytes), runs the tail and writes its outputs back the same way.
   */
  private static final class SocketTail implements AutoCloseable {
    private final ServerSocket server;
    private final Thread thread;
    private final Socket client;
    private final DataOutputStream toTail;
    private final DataInputStream fromTail;

    SocketTail(PlainOrt tail) throws IOException {
      server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      thread = new Thread(() -> serve(tail), "plain-tail");
      thread.setDaemon(true);
      thread.start();
      client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
      client.setTcpNoDelay(true);
      toTail = new DataOutputStream(new java.io.BufferedOutputStream(client.getOutputStream(), 1 << 16));
      fromTail = new DataInputStream(new java.io.BufferedInputStream(client.getInputStream(), 1 << 16));
    }

    Map<String, Tensor> call(Map<String, Tensor> tensors) throws IOException {
      write(toTail, tensors);
      return read(fromTail);
    }

    private void serve(PlainOrt tail) {
      try (Socket socket = server.accept()) {
        socket.setTcpNoDelay(true);
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16));
        DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(socket.getOutputStream(), 1 << 16));
        while (true) {
          write(out, tail.run(read(in)));
        }
      } catch (IOException closed) {
        // The benchmark is over.
      }
    }

    private static void write(DataOutputStream out, Map<String, Tensor> tensors) throws IOException {
      out.writeInt(tensors.size());
      for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
        Tensor tensor = entry.getValue();
        out.writeUTF(entry.getKey());
        out.writeUTF(tensor.dataType().name());
        out.writeInt(tensor.shape().size());
        for (long dim : tensor.shape()) {
          out.writeLong(dim);
        }
        byte[] bytes = tensor.toByteArray();
        out.writeInt(bytes.length);
        out.write(bytes);
      }
      out.flush();
    }

    private static Map<String, Tensor> read(DataInputStream in) throws IOException {
      int count = in.readInt();
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        io.partnner.runtime.model.DataType type = io.partnner.runtime.model.DataType.valueOf(in.readUTF());
        int rank = in.readInt();
        Long[] shape = new Long[rank];
        for (int d = 0; d < rank; d++) {
          shape[d] = in.readLong();
        }
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        tensors.put(name, Tensor.of(type, List.of(shape), ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)));
      }
      return tensors;
    }

    @Override
    public void close() throws IOException {
      client.close();
      server.close();
    }
  }
}
