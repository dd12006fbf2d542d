package io.partnner.models;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The top-level graph of a model as nodes and tensors: who produces and who consumes each tensor,
 * which tensors are constant (weights and everything computed from weights alone), and a
 * topological order. Nodes with subgraphs are atomic; the outer-scope tensors their subgraphs read
 * count as their inputs.
 */
final class OnnxGraph {
  /** Ops whose output differs run to run, so they are never treated as constant. */
  private static final Set<String> RANDOM_OPS =
      Set.of("RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli");

  /** One top-level node. {@code inputs} holds distinct non-empty names, outer-scope reads included. */
  record Node(int index, OnnxMl.NodeProto proto, List<String> inputs, List<String> outputs) {
    String label() {
      String name = proto.getName().isEmpty() ? "#" + index : proto.getName();
      return name + " (" + proto.getOpType() + ")";
    }
  }

  final OnnxMl.ModelProto model;
  final OnnxMl.GraphProto graph;
  final List<Node> nodes;
  /** Graph inputs that are fed at run time (not overridable initializers). */
  final List<String> graphInputs;
  final List<String> graphOutputs;
  /** Weights by name, dense: the model's initializers, then tensors folded to constants for the fixed input shapes. */
  final Map<String, OnnxMl.TensorProto> initializers;
  /** Names of the model's sparse initializers (emitted as sparse, not from {@link #initializers}). */
  final Set<String> sparseInitializers;
  final Map<String, Integer> producer;
  final Map<String, List<Integer>> consumers;
  final boolean[] constantNode;
  /** Compute nodes none of whose results reach an output (unused branches, or feeding only folded constants); they run nowhere. */
  final boolean[] deadNode;
  final Set<String> constantTensors;
  /** All nodes, each after its producers; ties keep file order. */
  final int[] topologicalOrder;

  OnnxGraph(OnnxMl.ModelProto model, String modelName) {
    this(model, modelName, Map.of());
  }

  /**
   * @param folded node outputs known to be constant for the fixed input shapes (e.g. a {@code Shape}
   *     chain over a tensor of static shape), with their values
   */
  OnnxGraph(OnnxMl.ModelProto model, String modelName, Map<String, OnnxMl.TensorProto> folded) {
    this.model = model;
    this.graph = model.getGraph();
    this.initializers = new java.util.LinkedHashMap<>();
    for (OnnxMl.TensorProto tensor : graph.getInitializerList()) {
      initializers.put(tensor.getName(), tensor);
    }
    Set<String> sparse = new HashSet<>();
    for (OnnxMl.SparseTensorProto tensor : graph.getSparseInitializerList()) {
      initializers.put(tensor.getValues().getName(), tensor.getValues());
      sparse.add(tensor.getValues().getName());
    }
    this.sparseInitializers = Set.copyOf(sparse);
    List<String> inputs = new ArrayList<>();
    for (OnnxMl.ValueInfoProto input : graph.getInputList()) {
      if (!initializers.containsKey(input.getName())) {
        inputs.add(input.getName());
      }
    }
    this.graphInputs = List.copyOf(inputs);
    List<String> outputs = new ArrayList<>();
    for (OnnxMl.ValueInfoProto output : graph.getOutputList()) {
      outputs.add(output.getName());
    }
    this.graphOutputs = List.copyOf(outputs);

    List<Node> all = new ArrayList<>();
    Map<String, Integer> producers = new HashMap<>();
    for (int i = 0; i < graph.getNodeCount(); i++) {
      OnnxMl.NodeProto proto = graph.getNode(i);
      Set<String> nodeInputs = new LinkedHashSet<>();
      for (String name : proto.getInputList()) {
        if (!name.isEmpty()) {
          nodeInputs.add(name);
        }
      }
      nodeInputs.addAll(outerScopeReads(proto));
      List<String> nodeOutputs = new ArrayList<>();
      for (String name : proto.getOutputList()) {
        if (!name.isEmpty()) {
          nodeOutputs.add(name);
          Integer previous = producers.put(name, i);
          if (previous != null || graphInputs.contains(name) || (initializers.containsKey(name) && !folded.containsKey(name))) {
            throw new ModelException(
                "model " + modelName + ": tensor '" + name + "' is defined more than once (ONNX requires single assignment)");
          }
        }
      }
      all.add(new Node(i, proto, List.copyOf(nodeInputs), List.copyOf(nodeOutputs)));
    }
    this.nodes = List.copyOf(all);
    this.producer = Collections.unmodifiableMap(producers);

    Map<String, List<Integer>> users = new HashMap<>();
    Set<String> known = new HashSet<>(graphInputs);
    known.addAll(initializers.keySet());
    known.addAll(producers.keySet());
    for (Node node : nodes) {
      for (String input : node.inputs()) {
        if (!known.contains(input)) {
          throw new ModelException(
              "model " + modelName + ": node " + node.label() + " reads tensor '" + input
                  + "', which is no graph input, initializer or node output");
        }
        users.computeIfAbsent(input, k -> new ArrayList<>()).add(node.index());
      }
    }
    for (String output : graphOutputs) {
      if (!known.contains(output)) {
        throw new ModelException("model " + modelName + ": graph output '" + output + "' is never produced");
      }
    }
    this.consumers = Collections.unmodifiableMap(users);
    this.topologicalOrder = topologicalOrder(modelName);
    for (Map.Entry<String, OnnxMl.TensorProto> entry : folded.entrySet()) {
      initializers.putIfAbsent(entry.getKey(), entry.getValue().toBuilder().setName(entry.getKey()).build());
    }

    this.constantNode = new boolean[nodes.size()];
    this.constantTensors = new HashSet<>(initializers.keySet());
    for (int index : topologicalOrder) {
      Node node = nodes.get(index);
      if (!deterministic(node.proto())) {
        continue;
      }
      boolean constant = true;
      for (String input : node.inputs()) {
        if (!constantTensors.contains(input)) {
          constant = false;
          break;
        }
      }
      if (!constant && !node.outputs().isEmpty() && folded.keySet().containsAll(node.outputs())) {
        constant = true;
      }
      if (constant) {
        constantNode[index] = true;
        constantTensors.addAll(node.outputs());
      }
    }
    this.deadNode = new boolean[nodes.size()];
    markDead();
  }

  /**
   * Whether a node computes the same value each time from the same inputs, which a weight-only node
   * copied to both sides must. Custom-domain ops are not assumed to.
   */
  private static boolean deterministic(OnnxMl.NodeProto node) {
    String domain = node.getDomain();
    if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
      return false;
    }
    if (RANDOM_OPS.contains(node.getOpType())) {
      return false;
    }
    // Dropout in training mode draws a random mask.
    return !(node.getOpType().equals("Dropout") && node.getInputCount() > 2 && !node.getInput(2).isEmpty());
  }

  /** Marks compute nodes that feed only constant or dead nodes, latest first. */
  private void markDead() {
    Set<String> outputs = new HashSet<>(graphOutputs);
    for (int i = topologicalOrder.length - 1; i >= 0; i--) {
      int index = topologicalOrder[i];
      if (constantNode[index]) {
        continue;
      }
      boolean used = false;
      for (String output : nodes.get(index).outputs()) {
        if (outputs.contains(output)) {
          used = true;
          break;
        }
        for (int user : consumers.getOrDefault(output, List.of())) {
          if (!constantNode[user] && !deadNode[user]) {
            used = true;
            break;
          }
        }
      }
      deadNode[index] = !used;
    }
  }

  private int[] topologicalOrder(String modelName) {
    int[] pending = new int[nodes.size()];
    for (Node node : nodes) {
      for (String input : node.inputs()) {
        if (producer.containsKey(input)) {
          pending[node.index()]++;
        }
      }
    }
    // File order is usually topological already; a min-heap on the index keeps it where it is.
    java.util.PriorityQueue<Integer> ready = new java.util.PriorityQueue<>();
    for (Node node : nodes) {
      if (pending[node.index()] == 0) {
        ready.add(node.index());
      }
    }
    int[] order = new int[nodes.size()];
    int count = 0;
    while (!ready.isEmpty()) {
      int index = ready.poll();
      order[count++] = index;
      for (String output : nodes.get(index).outputs()) {
        for (int user : consumers.getOrDefault(output, List.of())) {
          if (--pending[user] == 0) {
            ready.add(user);
          }
        }
      }
    }
    if (count != nodes.size()) {
      for (Node node : nodes) {
        if (pending[node.index()] > 0) {
          throw new ModelException("model " + modelName + ": the graph has a cycle through node " + node.label());
        }
      }
    }
    return order;
  }

  boolean isCompute(int node) {
    return !constantNode[node] && !deadNode[node];
  }

  /** Names a node's subgraphs read from enclosing scopes, recursively. */
  static Set<String> outerScopeReads(OnnxMl.NodeProto node) {
    Set<String> reads = new LinkedHashSet<>();
    for (OnnxMl.AttributeProto attribute : node.getAttributeList()) {
      if (attribute.hasG()) {
        reads.addAll(freeNames(attribute.getG()));
      }
      for (OnnxMl.GraphProto sub : attribute.getGraphsList()) {
        reads.addAll(freeNames(sub));
      }
    }
    return reads;
  }

  private static Set<String> freeNames(OnnxMl.GraphProto graph) {
    Set<String> defined = new HashSet<>();
    for (OnnxMl.ValueInfoProto input : graph.getInputList()) {
      defined.add(input.getName());
    }
    for (OnnxMl.TensorProto tensor : graph.getInitializerList()) {
      defined.add(tensor.getName());
    }
    for (OnnxMl.SparseTensorProto sparse : graph.getSparseInitializerList()) {
      defined.add(sparse.getValues().getName());
    }
    for (OnnxMl.NodeProto node : graph.getNodeList()) {
      defined.addAll(node.getOutputList());
    }
    Set<String> free = new LinkedHashSet<>();
    ArrayDeque<String> used = new ArrayDeque<>();
    for (OnnxMl.NodeProto node : graph.getNodeList()) {
      used.addAll(node.getInputList());
      used.addAll(outerScopeReads(node));
    }
    for (OnnxMl.ValueInfoProto output : graph.getOutputList()) {
      used.add(output.getName());
    }
    for (String name : used) {
      if (!name.isEmpty() && !defined.contains(name)) {
        free.add(name);
      }
    }
    return free;
  }
}
