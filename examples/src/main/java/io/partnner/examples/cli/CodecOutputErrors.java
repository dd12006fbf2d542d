package io.partnner.examples.cli;

import io.partnner.models.OrtSegmentExecutor;
import io.partnner.models.PartitionedModel;
import io.partnner.runtime.exec.DevicePacer;
import io.partnner.runtime.exec.DeviceProfile;
import io.partnner.runtime.exec.ExecutorSettings;
import io.partnner.runtime.model.TensorSpec;
import io.partnner.runtime.sim.MeasuredProfile;
import io.partnner.runtime.sim.MeasuredProfile.CodecCost;
import io.partnner.runtime.sim.MeasuredProfile.CutCost;
import io.partnner.runtime.tensor.Tensor;
import io.partnner.runtime.time.Ticker;
import io.partnner.runtime.wire.WireCodec;
import io.partnner.runtime.wire.WireCodecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/*
 * Design. A lossy codec may only be chosen when its effect on the model output is measured and within a
 * bound (DESIGN section 6); the block profiler measures the codecs' error on the crossing tensors, which
 * says little about the output (a ReLU or a softmax may shrink or amplify it). So for every candidate cut
 * this runs the head on the model's sample input, sends the crossing through each lossy codec and back,
 * runs the tail, and compares the outputs with the tail run on the raw crossing: the same sessions (one per
 * block, as the profiler runs them), so the only difference is the codec. A floating-point output counts
 * its largest absolute difference over its largest magnitude; any other output (class indices, a detector's
 * selected boxes) must come out identical, or the error is infinite and the codec is never allowed at that
 * cut. A codec that took none of the crossing tensors (a uint8 frame under int8) sent them raw: error 0.
 * The result is cached beside the block profiles, by the model's content hash.
 */

/** The measured effect of each lossy wire codec on the model output, per candidate cut. */
final class CodecOutputErrors {
  private static final String HEADER = "partnner-codec-output-errors 1";

  private final Map<Integer, Map<String, Double>> errors;

  private CodecOutputErrors(Map<Integer, Map<String, Double>> errors) {
    this.errors = errors;
  }

  /**
   * The errors of {@code model} from {@code cacheDir} when saved there for the same model content, else
   * measured now (ONNX Runtime, a few runs of the model per cut) and saved there.
   *
   * @throws UncheckedIOException when the cache cannot be written
   */
  static CodecOutputErrors cached(PartitionedModel model, Path cacheDir) {
    String hash = model.model().contentHash();
    String name = model.model().name().replaceAll("[^A-Za-z0-9._-]", "_");
    Path file = cacheDir.resolve(name + "-" + hash.substring(0, Math.min(16, hash.length())) + "-output-errors.txt");
    if (Files.isRegularFile(file)) {
      try {
        CodecOutputErrors saved = read(file, hash);
        if (saved.errors.size() == model.profile().blockCount()) {
          return saved;
        }
      } catch (IOException | IllegalArgumentException e) {
        // A damaged or foreign cache entry is measured again and overwritten.
      }
    }
    CodecOutputErrors measured = measure(model);
    try {
      Files.createDirectories(cacheDir);
      measured.write(file, hash);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the codec output errors of " + model.model().name() + " to " + file, e);
    }
    return measured;
  }

  /** Measures every lossy codec at every cut that crosses something. */
  static CodecOutputErrors measure(PartitionedModel model) {
    int edgeOnly = model.profile().blockCount();
    List<WireCodec> lossy = WireCodecs.all().stream().filter(WireCodec::lossy).toList();
    WireCodec raw = WireCodecs.byName("raw");
    Map<Integer, Map<String, Double>> errors = new LinkedHashMap<>();
    ExecutorSettings perBlock = ExecutorSettings.defaults().withGroupFlopShare(0).uncoarsened();
    try (OrtSegmentExecutor executor =
        new OrtSegmentExecutor(model, perBlock, new DevicePacer(DeviceProfile.NATIVE, nanos -> { }), Ticker.system())) {
      for (int cut = 0; cut < edgeOnly; cut++) {
        Map<String, Tensor> head = new HashMap<>(model.sampleInputs());
        head.putAll(executor.run(0, cut, model.sampleInputs()).outputs());
        List<TensorSpec> crossing = model.profile().cuts().get(cut).crossing();
        Map<String, Tensor> reference = tail(executor, cut, edgeOnly, head, crossing, raw);
        Map<String, Double> atCut = new LinkedHashMap<>();
        for (WireCodec codec : lossy) {
          boolean takesAny = crossing.stream().anyMatch(spec -> codec.supports(head.get(spec.name())));
          atCut.put(codec.name(),
              takesAny ? difference(reference, tail(executor, cut, edgeOnly, head, crossing, codec)) : 0.0);
        }
        errors.put(cut, atCut);
      }
    }
    return new CodecOutputErrors(errors);
  }

  /** The model outputs the tail gives from the crossing sent through {@code codec}. */
  private static Map<String, Tensor> tail(OrtSegmentExecutor executor, int cut, int edgeOnly, Map<String, Tensor> head,
      List<TensorSpec> crossing, WireCodec codec) {
    Map<String, Tensor> inputs = new HashMap<>();
    for (TensorSpec spec : crossing) {
      Tensor value = head.get(spec.name());
      inputs.put(spec.name(), codec.supports(value) ? codec.decode(codec.encode(value)) : value);
    }
    return executor.run(cut, edgeOnly, inputs).outputs();
  }

  /**
   * The largest relative difference over the outputs: for floating-point ones the largest absolute difference
   * over the largest reference magnitude, for others 0 when identical and infinity otherwise.
   */
  static double difference(Map<String, Tensor> reference, Map<String, Tensor> got) {
    double worst = 0;
    for (Map.Entry<String, Tensor> entry : reference.entrySet()) {
      Tensor expected = entry.getValue();
      Tensor actual = got.get(entry.getKey());
      if (actual == null || !actual.shape().equals(expected.shape()) || actual.dataType() != expected.dataType()) {
        return Double.POSITIVE_INFINITY;
      }
      if (!expected.dataType().isFloatingPoint()) {
        if (!expected.data().equals(actual.data())) {
          return Double.POSITIVE_INFINITY;
        }
        continue;
      }
      double largestDifference = 0;
      double largestMagnitude = 0;
      for (long i = 0; i < expected.elementCount(); i++) {
        double want = expected.elementAsDouble(i);
        largestMagnitude = Math.max(largestMagnitude, Math.abs(want));
        double off = Math.abs(actual.elementAsDouble(i) - want);
        largestDifference = off > largestDifference || Double.isNaN(off) ? off : largestDifference;
      }
      if (largestDifference > 0 || Double.isNaN(largestDifference)) {
        worst = Math.max(worst, largestMagnitude > 0 && !Double.isNaN(largestDifference)
            ? largestDifference / largestMagnitude : Double.POSITIVE_INFINITY);
      }
    }
    return worst;
  }

  /** The error of {@code codec} at {@code cut}: 0 for a lossless codec or one not measured as lossy. */
  double error(int cut, String codec) {
    return errors.getOrDefault(cut, Map.of()).getOrDefault(codec, 0.0);
  }

  /**
   * {@code measured} with each codec's error replaced by its measured effect on the model output, which is
   * what the simulator and the planners hold a lossy codec's error bound against.
   */
  MeasuredProfile applyTo(MeasuredProfile measured) {
    List<CutCost> cuts = new ArrayList<>(measured.cuts().size());
    for (int cut = 0; cut < measured.cuts().size(); cut++) {
      CutCost cost = measured.cuts().get(cut);
      Map<String, CodecCost> codecs = new LinkedHashMap<>();
      for (Map.Entry<String, CodecCost> codec : cost.codecs().entrySet()) {
        CodecCost old = codec.getValue();
        double output = WireCodecs.byName(codec.getKey()).lossy() ? error(cut, codec.getKey()) : 0;
        codecs.put(codec.getKey(), new CodecCost(old.bytes(), old.encodeNanos(), old.decodeNanos(), output));
      }
      cuts.add(new CutCost(cost.rawBytes(), codecs));
    }
    return new MeasuredProfile(measured.modelName(), measured.contentHash(), measured.runs(), measured.blocks(), cuts,
        measured.resultBytes());
  }

  private void write(Path file, String hash) throws IOException {
    StringBuilder text = new StringBuilder(HEADER).append('\n').append("hash ").append(hash).append('\n');
    errors.forEach((cut, byCodec) -> byCodec.forEach((codec, error) ->
        text.append(String.format(Locale.ROOT, "cut %d %s %s%n", cut, codec, Double.toString(error)))));
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    Files.writeString(partial, text);
    Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static CodecOutputErrors read(Path file, String hash) throws IOException {
    List<String> lines = Files.readAllLines(file);
    if (lines.size() < 2 || !lines.get(0).equals(HEADER) || !lines.get(1).equals("hash " + hash)) {
      throw new IllegalArgumentException(file + ": not the codec output errors of model " + hash);
    }
    Map<Integer, Map<String, Double>> errors = new LinkedHashMap<>();
    for (String line : lines.subList(2, lines.size())) {
      String[] fields = line.split(" ");
      if (fields.length != 4 || !fields[0].equals("cut")) {
        throw new IllegalArgumentException(file + ": bad line '" + line + "'");
      }
      double error = Double.parseDouble(fields[3]);
      if (!(error >= 0)) {
        throw new IllegalArgumentException(file + ": bad error in '" + line + "'");
      }
      errors.computeIfAbsent(Integer.parseInt(fields[1]), cut -> new LinkedHashMap<>()).put(fields[2], error);
    }
    return new CodecOutputErrors(errors);
  }
}
