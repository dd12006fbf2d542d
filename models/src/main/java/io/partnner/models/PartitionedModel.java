package io.partnner.models;

import ai.onnx.proto.OnnxMl;
import io.partnner.runtime.model.CutPoint;
import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.model.TensorSpec;
import io.partnner.runtime.tensor.Tensor;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model analysed for splitting: its candidate cuts with the crossing tensors' measured shapes and
 * sizes, FLOPs per block, and the head, tail and block pieces as ONNX bytes.
 *
 * <p>Shapes and sizes come from ONNX Runtime, not from shape inference of our own: the model is run
 * once on a seeded sample input with every intermediate tensor exposed as an extra output. Those
 * recorded values are kept, so a split can be checked against them without running the whole model
 * again.
 */
public final class PartitionedModel {
  /** Seed of the sample input used for measuring shapes. */
  public static final long SAMPLE_SEED = 20241;

  private final OnnxModel model;
  private final OnnxGraph graph;
  private final SegmentExtractor extractor;
  private final int[] order;
  private final Map<Integer, Integer> positionOf = new HashMap<>();
  private final List<TensorSpec> inputs;
  private final Map<String, Tensor> sampleInputs;
  private final Map<String, Tensor> recorded;
  private final Map<String, TensorSpec> specs = new HashMap<>();
  private final Set<String> computeOutputsAll = new HashSet<>();
  private final Map<Long, List<TensorSpec>> segmentInputs = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<Long, List<String>> segmentOutputs = new java.util.concurrent.ConcurrentHashMap<>();
  private final int[] cutPositions;
  private final ModelProfile profile;
  private final int singleTensorCuts;
  private final List<String> singleTensorCutTensors;

  private PartitionedModel(OnnxModel model, InputShapes shapes, boolean foldShapes) {
    this.model = model;
    OnnxGraph declared = new OnnxGraph(model.proto(), model.name());
    this.inputs = shapes.resolve(declared, model.name());
    Map<String, OnnxMl.TensorProto> folded =
        foldShapes ? ShapeFolding.fold(declared, inputs, model.name()) : Map.of();
    this.graph = folded.isEmpty() ? declared : new OnnxGraph(model.proto(), model.name(), folded);
    this.extractor = new SegmentExtractor(graph);
    CutStructure structure = CutStructure.of(graph);
    this.sampleInputs = SampleInputs.random(inputs, SAMPLE_SEED);
    List<CutPoint> cuts = new ArrayList<>();
    List<Double> blockFlops = new ArrayList<>();
    try (ReferenceRun reference = ReferenceRun.start(graph, model.name(), sampleInputs)) {
      for (TensorSpec input : inputs) {
        specs.put(input.name(), input);
      }
      specs.putAll(reference.specs());
      Map<String, Long> sizes = new HashMap<>();
      specs.forEach((name, spec) -> sizes.put(name, spec.bytes()));
      this.order = structure.reorderWithinBlocks(graph, sizes);
      for (int i = 0; i < order.length; i++) {
        positionOf.put(order[i], i);
        computeOutputsAll.addAll(graph.nodes.get(order[i]).outputs());
      }
      long[] bytes = new long[order.length + 1];
      List<String> inputCrossing = liveSets(Set.of(0), bytes).get(0);
      Set<Integer> singles = new LinkedHashSet<>();
      for (int position : structure.singleCutPositions) {
        singles.add(position);
      }
      boolean inputCutIsSingle = inputCrossing.size() == 1;
      this.singleTensorCuts = singles.size() + (inputCutIsSingle ? 1 : 0);
      List<String> singleTensors = new ArrayList<>(List.of(structure.singleCutTensors));
      if (inputCutIsSingle) {
        singleTensors.add(inputCrossing.get(0));
      }
      this.singleTensorCutTensors = List.copyOf(singleTensors);

      Map<String, List<Long>> shapesByName = new HashMap<>();
      specs.forEach((name, spec) -> shapesByName.put(name, spec.shape()));
      FlopCounter flops = new FlopCounter(graph, shapesByName);
      double[] prefix = new double[order.length + 1];
      for (int i = 0; i < order.length; i++) {
        prefix[i + 1] = prefix[i] + flops.of(order[i]);
      }
      this.cutPositions = choosePositions(bytes, singles, prefix);
      Set<Integer> chosen = new HashSet<>();
      for (int position : cutPositions) {
        chosen.add(position);
      }
      Map<Integer, List<String>> crossing = liveSets(chosen, new long[order.length + 1]);
      double total = prefix[order.length] > 0 ? prefix[order.length] : 1;
      Set<String> kept = new LinkedHashSet<>(graph.graphOutputs);
      for (int index = 0; index < cutPositions.length; index++) {
        int position = cutPositions[index];
        List<String> names = crossing.get(position);
        kept.addAll(names);
        List<TensorSpec> crossingSpecs = names.stream().map(specs::get).toList();
        boolean single = position == 0 ? inputCutIsSingle : singles.contains(position);
        cuts.add(new CutPoint(index, position, crossingSpecs, single, prefix[position] / total));
        if (index > 0) {
          blockFlops.add(prefix[position] - prefix[cutPositions[index - 1]]);
        }
      }
      this.recorded = reference.copy(kept);
    }
    List<TensorSpec> outputs = new ArrayList<>();
    for (String output : graph.graphOutputs) {
      TensorSpec spec = specs.get(output);
      // A sequence or map output has no dense spec; it is listed with no bytes so the result size
      // counts what can be measured.
      outputs.add(spec != null ? spec : new TensorSpec(output, io.partnner.runtime.model.DataType.FLOAT32, List.of(0L)));
    }
    this.profile = new ModelProfile(model.name(), model.contentHash(), inputs, outputs, cuts, blockFlops);
  }

  /**
   * Analyses {@code model}: finds its candidate cuts and measures the crossing tensors by running it
   * once in ONNX Runtime.
   *
   * @throws ModelException naming the model and the reason when it cannot be analysed or run
   */
  public static PartitionedModel analyze(OnnxModel model, InputShapes shapes) {
    return new PartitionedModel(model, shapes, true);
  }

  /** The same without folding shape constants: the graph's structure exactly as written. */
  static PartitionedModel analyzeStructure(OnnxModel model, InputShapes shapes) {
    return new PartitionedModel(model, shapes, false);
  }

  /** The candidate cuts, blocks and FLOPs prior. */
  public ModelProfile profile() {
    return profile;
  }

  /** The model this was cut from. */
  public OnnxModel model() {
    return model;
  }

  /** Number of single-tensor cuts in the graph (the input cut included when one input crosses). */
  public int singleTensorCutCount() {
    return singleTensorCuts;
  }

  /** The crossing tensor of each single-tensor cut. */
  List<String> singleTensorCutTensors() {
    return singleTensorCutTensors;
  }

  /** Number of compute nodes (weights-only nodes excluded). */
  public int computeNodeCount() {
    return order.length;
  }

  /** The seeded sample input the shapes were measured with. */
  public Map<String, Tensor> sampleInputs() {
    return sampleInputs;
  }

  /** Value of every tensor on the sample input, as the whole model computed it. */
  Map<String, Tensor> recordedValues() {
    return recorded;
  }

  /** Recorded values plus the sample inputs: everything a piece could be fed. */
  Map<String, Tensor> recordedValuesWithInputs() {
    Map<String, Tensor> all = new HashMap<>(recorded);
    all.putAll(sampleInputs);
    return all;
  }

  /** The edge part for cut {@code cut}: everything before it. */
  public byte[] head(int cut) {
    return segment(0, cut);
  }

  /** The cloud part for cut {@code cut}: everything after it. */
  public byte[] tail(int cut) {
    return segment(cut, profile.cuts().size() - 1);
  }

  /** Blocks {@code fromCut .. toCut-1} as one model. */
  public byte[] segment(int fromCut, int toCut) {
    return segmentProto(fromCut, toCut).toByteArray();
  }

  /** Inputs of the piece between two cuts, in the order the piece declares them. */
  public List<TensorSpec> segmentInputs(int fromCut, int toCut) {
    // Remembered: a walk over the range's nodes costs a few tenths of a millisecond on a large model, every run.
    return segmentInputs.computeIfAbsent(rangeKey(fromCut, toCut),
        key -> java.util.Collections.unmodifiableList(pieceInputs(position(fromCut), position(toCut))));
  }

  /** Outputs of the piece between two cuts. */
  public List<String> segmentOutputs(int fromCut, int toCut) {
    return segmentOutputs.computeIfAbsent(rangeKey(fromCut, toCut),
        key -> pieceOutputs(position(fromCut), position(toCut)));
  }

  private long rangeKey(int fromCut, int toCut) {
    // Checked first, so that a bad cut is refused rather than remembered.
    position(fromCut);
    position(toCut);
    return ((long) fromCut << 32) | toCut;
  }

  OnnxMl.ModelProto segmentProto(int fromCut, int toCut) {
    int from = position(fromCut);
    int to = position(toCut);
    if (from >= to) {
      throw new ModelException("model " + model.name() + ": the piece from cut " + fromCut + " to cut " + toCut
          + " is empty" + (from > to ? " (the first comes after the second)" : ""));
    }
    BitSet nodes = SegmentExtractor.nodesOf(order, from, to);
    String name = model.name() + "_cuts_" + fromCut + "_" + toCut;
    return extractor.extract(nodes, pieceInputs(from, to), pieceOutputs(from, to), name);
  }

  private int position(int cut) {
    int last = cutPositions.length - 1;
    if (cut < 0 || cut > last) {
      throw new ModelException("cut " + cut + " is out of range: model " + model.name() + " has cuts 0.." + last);
    }
    return cutPositions[cut];
  }

  private List<TensorSpec> pieceInputs(int from, int to) {
    Set<String> produced = new HashSet<>();
    for (int i = from; i < to; i++) {
      produced.addAll(graph.nodes.get(order[i]).outputs());
    }
    Set<String> wanted = new LinkedHashSet<>();
    for (int i = from; i < to; i++) {
      for (String input : graph.nodes.get(order[i]).inputs()) {
        if (!produced.contains(input) && !graph.constantTensors.contains(input)) {
          wanted.add(input);
        }
      }
    }
    if (to == order.length) {
      for (String output : graph.graphOutputs) {
        if (graph.graphInputs.contains(output)) {
          wanted.add(output);
        }
      }
    }
    List<TensorSpec> result = new ArrayList<>();
    for (String name : wanted) {
      result.add(specs.get(name));
    }
    return result;
  }

  private List<String> pieceOutputs(int from, int to) {
    Set<String> outputs = new LinkedHashSet<>();
    Set<String> graphOutputs = new HashSet<>(graph.graphOutputs);
    for (int i = from; i < to; i++) {
      for (String output : graph.nodes.get(order[i]).outputs()) {
        if (graphOutputs.contains(output) || usedAtOrAfter(output, to)) {
          outputs.add(output);
        }
      }
    }
    boolean last = to == order.length && (from < to || from == 0);
    if (last) {
      for (String output : graph.graphOutputs) {
        if (!computeOutputsAll.contains(output)) {
          outputs.add(output);
        }
      }
    }
    return List.copyOf(outputs);
  }

  private boolean usedAtOrAfter(String tensor, int position) {
    for (int user : graph.consumers.getOrDefault(tensor, List.of())) {
      Integer at = positionOf.get(user);
      if (at != null && at >= position) {
        return true;
      }
    }
    return false;
  }

  /**
   * Walks the order keeping the tensors live after each prefix: produced (or fed) before, consumed
   * after. Fills {@code bytes} for every position ({@link Long#MAX_VALUE} where a value that is not
   * a dense tensor is live, since it cannot be sent) and returns the live names at {@code wanted}.
   * A graph input that is also a graph output stays live to the end: the last piece returns it.
   */
  private Map<Integer, List<String>> liveSets(Set<Integer> wanted, long[] bytes) {
    Map<String, Integer> remaining = new HashMap<>();
    for (Map.Entry<String, List<Integer>> entry : graph.consumers.entrySet()) {
      if (!graph.constantTensors.contains(entry.getKey())) {
        remaining.put(entry.getKey(), (int) entry.getValue().stream().filter(graph::isCompute).count());
      }
    }
    for (String output : graph.graphOutputs) {
      if (graph.graphInputs.contains(output)) {
        remaining.merge(output, 1, Integer::sum);
      }
    }
    LinkedHashSet<String> live = new LinkedHashSet<>();
    for (String input : graph.graphInputs) {
      if (remaining.getOrDefault(input, 0) > 0) {
        live.add(input);
      }
    }
    Map<Integer, List<String>> result = new HashMap<>();
    long liveBytes = 0;
    int opaque = 0;
    for (String name : live) {
      TensorSpec spec = specs.get(name);
      if (spec == null) {
        opaque++;
      } else {
        liveBytes += spec.bytes();
      }
    }
    for (int position = 0; position <= order.length; position++) {
      if (position > 0) {
        int node = order[position - 1];
        for (String input : graph.nodes.get(node).inputs()) {
          Integer left = remaining.get(input);
          if (left != null) {
            remaining.put(input, left - 1);
            if (left - 1 == 0 && live.remove(input)) {
              TensorSpec spec = specs.get(input);
              if (spec == null) {
                opaque--;
              } else {
                liveBytes -= spec.bytes();
              }
            }
          }
        }
        for (String output : graph.nodes.get(node).outputs()) {
          if (remaining.getOrDefault(output, 0) > 0 && live.add(output)) {
            TensorSpec spec = specs.get(output);
            if (spec == null) {
              opaque++;
            } else {
              liveBytes += spec.bytes();
            }
          }
        }
      }
      boolean last = position == order.length;
      bytes[position] = last ? 0 : opaque > 0 ? Long.MAX_VALUE : liveBytes;
      if (wanted.contains(position)) {
        result.put(position, last ? List.of() : List.copyOf(live));
      }
    }
    return result;
  }

  /**
   * Cloud-only, every single-tensor cut, edge-only, and the multi-tensor positions that could win:
   * a local minimum of crossing bytes below the single-tensor cuts on both sides of it (edge-only
   * does not bound it, since it sends nothing but also offloads nothing). A multi-tensor position is
   * dropped when the candidate before it sends no more bytes and no work lies between them.
   */
  private int[] choosePositions(long[] bytes, Set<Integer> singles, double[] prefixFlops) {
    int last = order.length;
    List<Integer> anchors = new ArrayList<>();
    anchors.add(0);
    for (int position : singles) {
      if (bytes[position] != Long.MAX_VALUE && position > 0 && position < last) {
        anchors.add(position);
      }
    }
    anchors.add(last);
    List<Integer> chosen = new ArrayList<>();
    for (int a = 0; a < anchors.size(); a++) {
      int left = anchors.get(a);
      chosen.add(left);
      if (a + 1 == anchors.size()) {
        break;
      }
      int right = anchors.get(a + 1);
      long bound = Math.min(bytes[left], right == last ? Long.MAX_VALUE : bytes[right]);
      double negligible = 1e-6 * prefixFlops[last];
      int previous = left;
      for (int j = left + 1; j < right; j++) {
        if (bytes[j] < bound && bytes[j] < bytes[j - 1] && bytes[j] <= bytes[j + 1]) {
          boolean dominated = bytes[previous] <= bytes[j] && prefixFlops[j] - prefixFlops[previous] <= negligible;
          if (!dominated) {
            chosen.add(j);
            previous = j;
          }
        }
      }
    }
    return chosen.stream().mapToInt(Integer::intValue).distinct().sorted().toArray();
  }

}
