package io.partnner.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partnner.models.PartitionedModel;
import io.partnner.runtime.model.CutPoint;
import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.model.TensorSpec;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code inspect MODEL}: the candidate cuts with their crossing tensors, bytes and FLOPs share. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "List the candidate cuts: index, crossing tensors, bytes, cumulative FLOPs share.")
final class InspectCommand implements Callable<Integer> {
  @Mixin ModelOptions model;

  @Option(names = "--json", description = "print one JSON object instead of the table")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PartitionedModel analysed = model.analyze();
    ModelProfile profile = analysed.profile();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(new ObjectMapper().writeValueAsString(toJson(profile)));
      out.flush();
      return 0;
    }
    out.printf("model %s  (sha256 %s)%n", profile.modelName(), profile.contentHash().substring(0, 12));
    for (TensorSpec input : profile.inputs()) {
      out.printf("input  %s %s [%s]%n", input.name(), input.dataType().label(), input.shapeText());
    }
    for (TensorSpec output : profile.outputs()) {
      out.printf("output %s %s [%s]%n", output.name(), output.dataType().label(), output.shapeText());
    }
    int largest = profile.cuts().stream().mapToInt(c -> c.crossing().size()).max().orElse(0);
    out.printf("compute nodes %d, candidate cuts %d, single-tensor cuts %d, largest crossing set %d tensors, %.3f GMAC%n",
        analysed.computeNodeCount(), profile.cuts().size(), analysed.singleTensorCutCount(), largest,
        profile.totalFlops() / 1e9);
    out.printf("%5s %6s %12s %8s  %s%n", "cut", "kind", "bytes", "flops", "crossing");
    for (CutPoint cut : profile.cuts()) {
      String kind = cut.index() == 0 ? "cloud" : cut.index() == profile.cuts().size() - 1 ? "edge" : cut.singleTensor() ? "single" : "multi";
      out.printf("%5d %6s %12d %7.1f%%  %s%n", cut.index(), kind, cut.crossingBytes(), cut.flopsBefore() * 100,
          describe(cut.crossing()));
    }
    out.flush();
    return 0;
  }

  private static String describe(List<TensorSpec> crossing) {
    StringBuilder text = new StringBuilder();
    int shown = 0;
    for (TensorSpec tensor : crossing) {
      if (shown == 4) {
        text.append(" ... +").append(crossing.size() - shown).append(" more");
        break;
      }
      if (shown > 0) {
        text.append(", ");
      }
      text.append(tensor.name()).append(' ').append(tensor.dataType().label()).append('[').append(tensor.shapeText()).append(']');
      shown++;
    }
    return text.length() == 0 ? "-" : text.toString();
  }

  static ObjectNode toJson(ModelProfile profile) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("model", profile.modelName());
    ArrayNode inputs = root.putArray("inputs");
    for (TensorSpec input : profile.inputs()) {
      putTensor(inputs.addObject(), input);
    }
    ArrayNode cuts = root.putArray("cuts");
    for (CutPoint cut : profile.cuts()) {
      ObjectNode node = cuts.addObject();
      node.put("index", cut.index());
      ArrayNode crossing = node.putArray("crossing");
      for (TensorSpec tensor : cut.crossing()) {
        putTensor(crossing.addObject(), tensor).put("bytes", tensor.bytes());
      }
      node.put("bytes", cut.crossingBytes());
      node.put("flops_before", cut.flopsBefore());
    }
    return root;
  }

  private static ObjectNode putTensor(ObjectNode node, TensorSpec tensor) {
    node.put("name", tensor.name());
    node.put("dtype", tensor.dataType().label());
    ArrayNode shape = node.putArray("shape");
    tensor.shape().forEach(shape::add);
    return node;
  }
}
