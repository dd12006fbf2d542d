package io.partnner.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The dominator-based search for single-tensor cuts against checking every head directly. */
final class CutStructureTest {
  @Test
  void of_randomDags_dominatorsFindExactlyTheCutsOfTheDirectCheck() {
    SplittableRandom random = new SplittableRandom(7);
    int withCuts = 0;
    for (int trial = 0; trial < 300; trial++) {
      OnnxGraph graph = randomGraph(random, 2 + random.nextInt(40), random.nextInt(3) == 0);
      CutStructure fast = CutStructure.of(graph, false);
      CutStructure direct = CutStructure.of(graph, true);
      assertThat(new TreeSet<>(List.of(fast.singleCutTensors)))
          .as("trial %d", trial)
          .containsExactlyElementsOf(new TreeSet<>(List.of(direct.singleCutTensors)));
      assertThat(fast.singleCutPositions).containsExactly(direct.singleCutPositions);
      assertThat(fast.unnestedCuts).isZero();
      withCuts += fast.singleCutTensors.length > 0 ? 1 : 0;
    }
    // The random graphs must exercise both outcomes, or the comparison proves little.
    assertThat(withCuts).isBetween(20, 290);
  }

  @Test
  void of_everySingleCutIsAPrefixOfTheOrderWithOneTensorLeaving() {
    SplittableRandom random = new SplittableRandom(11);
    for (int trial = 0; trial < 100; trial++) {
      OnnxGraph graph = randomGraph(random, 2 + random.nextInt(30), false);
      CutStructure structure = CutStructure.of(graph);
      for (int i = 0; i < structure.singleCutPositions.length; i++) {
        Set<Integer> head = new HashSet<>();
        for (int k = 0; k < structure.singleCutPositions[i]; k++) {
          head.add(structure.order[k]);
        }
        Set<String> leaving = new HashSet<>();
        for (int k = structure.singleCutPositions[i]; k < structure.order.length; k++) {
          for (String input : graph.nodes.get(structure.order[k]).inputs()) {
            Integer producer = graph.producer.get(input);
            if ((producer != null && head.contains(producer)) || graph.graphInputs.contains(input)) {
              leaving.add(input);
            }
          }
        }
        assertThat(leaving).containsExactly(structure.singleCutTensors[i]);
      }
    }
  }

  /** A random DAG of Add and Relu over one or two inputs; unread tensors become outputs. */
  private static OnnxGraph randomGraph(SplittableRandom random, int nodes, boolean twoInputs) {
    TestingGraphs builder = new TestingGraphs().input("x", 1, 4);
    List<String> tensors = new ArrayList<>(List.of("x"));
    if (twoInputs) {
      builder.input("x2", 1, 4);
      tensors.add("x2");
    }
    Set<String> read = new HashSet<>();
    for (int i = 0; i < nodes; i++) {
      // Mostly read recent tensors, so chains with branches and joins appear.
      String a = tensors.get(Math.max(0, tensors.size() - 1 - random.nextInt(Math.min(tensors.size(), 4))));
      String out = "t" + i;
      if (random.nextInt(3) == 0 && tensors.size() > 1) {
        String b = tensors.get(random.nextInt(tensors.size()));
        builder.node("Add", List.of(a, b), List.of(out));
        read.add(b);
      } else {
        builder.node("Relu", List.of(a), List.of(out));
      }
      read.add(a);
      tensors.add(out);
    }
    for (String tensor : tensors) {
      if (!read.contains(tensor) && tensor.startsWith("t")) {
        builder.output(tensor);
      }
    }
    OnnxModel model = builder.build("random");
    return new OnnxGraph(model.proto(), "random");
  }
}
