package io.partnner.models;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The single-tensor cuts of a graph and one order of its compute nodes that has each of them as a
 * prefix.
 *
 * <p>For a compute node {@code p} producing {@code t}, let the head {@code H(p)} be {@code p} and all
 * its compute ancestors. {@code t} is a single-tensor cut when {@code t} is the only tensor that
 * leaves {@code H(p)} for a compute node outside it (graph inputs the rest still needs count as
 * leaving). These heads are nested: a second head that is not inside the first would need a path
 * around {@code t}, which would be a second crossing tensor. So sorting them by size and emitting
 * each one's new nodes in turn gives an order holding all of them, which a plain Kahn order does
 * not (it interleaves independent branches).
 */
final class CutStructure {
  /** Compute node indices (into {@link OnnxGraph#nodes}) in cut order. */
  final int[] order;
  /** Positions in {@link #order} where a single-tensor cut falls, ascending. */
  final int[] singleCutPositions;
  /** The crossing tensor of each single-tensor cut, parallel to {@link #singleCutPositions}. */
  final String[] singleCutTensors;
  /** How many single-tensor cuts were found whose heads were not nested (should be none). */
  final int unnestedCuts;

  private CutStructure(int[] order, int[] positions, String[] tensors, int unnested) {
    this.order = order;
    this.singleCutPositions = positions;
    this.singleCutTensors = tensors;
    this.unnestedCuts = unnested;
  }

  static CutStructure of(OnnxGraph graph) {
    return of(graph, false);
  }

  /** @param direct check every head directly (quadratic) instead of through dominators; for tests */
  static CutStructure of(OnnxGraph graph, boolean direct) {
    List<Integer> computeList = new ArrayList<>();
    for (int node : graph.topologicalOrder) {
      if (graph.isCompute(node)) {
        computeList.add(node);
      }
    }
    int count = computeList.size();
    int[] compute = computeList.stream().mapToInt(Integer::intValue).toArray();
    Map<Integer, Integer> position = new HashMap<>();
    for (int i = 0; i < count; i++) {
      position.put(compute[i], i);
    }
    // Compute consumers, by topological position, of every non-constant tensor.
    Map<String, int[]> users = new HashMap<>();
    for (Map.Entry<String, List<Integer>> entry : graph.consumers.entrySet()) {
      if (graph.constantTensors.contains(entry.getKey())) {
        continue;
      }
      users.put(entry.getKey(), entry.getValue().stream().filter(graph::isCompute).mapToInt(position::get).toArray());
    }
    BitSet[] heads = new BitSet[count];
    for (int i = 0; i < count; i++) {
      BitSet head = new BitSet(count);
      for (String input : graph.nodes.get(compute[i]).inputs()) {
        Integer producer = graph.producer.get(input);
        if (producer != null && graph.isCompute(producer)) {
          head.or(heads[position.get(producer)]);
        }
      }
      head.set(i);
      heads[i] = head;
    }
    int[] dominated = direct ? null : dominatedCounts(graph, compute, position);
    List<String> consumedInputs = new ArrayList<>();
    for (String input : graph.graphInputs) {
      if (users.getOrDefault(input, new int[0]).length > 0) {
        consumedInputs.add(input);
      }
    }

    record Single(int node, String tensor, int size) {}
    List<Single> singles = new ArrayList<>();
    for (int p = 0; p < count; p++) {
      int headSize = heads[p].cardinality();
      String crossing;
      if (dominated != null) {
        // Only p's results leave its head exactly when p dominates every node outside the head.
        crossing = headSize + dominated[p] - 1 == count ? soleUsedOutput(graph, compute[p], users) : null;
      } else {
        crossing = soleCrossing(graph, compute, heads[p], users, consumedInputs);
      }
      if (crossing != null && graph.nodes.get(compute[p]).outputs().contains(crossing)) {
        singles.add(new Single(p, crossing, headSize));
      }
    }
    singles.sort(Comparator.comparingInt(Single::size));

    int[] order = new int[count];
    int filled = 0;
    BitSet placed = new BitSet(count);
    List<Integer> positions = new ArrayList<>();
    List<String> tensors = new ArrayList<>();
    int unnested = 0;
    for (Single single : singles) {
      BitSet fresh = (BitSet) heads[single.node()].clone();
      BitSet outside = (BitSet) placed.clone();
      outside.andNot(heads[single.node()]);
      if (!outside.isEmpty()) {
        unnested++;
        continue;
      }
      fresh.andNot(placed);
      for (int i = fresh.nextSetBit(0); i >= 0; i = fresh.nextSetBit(i + 1)) {
        order[filled++] = compute[i];
      }
      placed.or(fresh);
      positions.add(filled);
      tensors.add(single.tensor());
    }
    for (int i = placed.nextClearBit(0); i < count; i = placed.nextClearBit(i + 1)) {
      order[filled++] = compute[i];
    }
    return new CutStructure(
        order, positions.stream().mapToInt(Integer::intValue).toArray(), tensors.toArray(String[]::new), unnested);
  }

  /**
   * For each compute node, how many compute nodes it dominates (itself included) in the graph
   * rooted at a virtual source that feeds the graph inputs. In a DAG visited in topological order a
   * node's immediate dominator is the common dominator of its predecessors, found here by binary
   * lifting. Returns null when some compute node does not depend on any input (a random generator
   * with no inputs): the dominance argument needs every node reachable from the source, so the
   * caller then checks each head directly.
   */
  private static int[] dominatedCounts(OnnxGraph graph, int[] compute, Map<Integer, Integer> position) {
    int count = compute.length;
    int root = count;
    int levels = 1;
    while ((1 << levels) <= count + 1) {
      levels++;
    }
    int[][] up = new int[levels][count + 1];
    int[] depth = new int[count + 1];
    for (int[] row : up) {
      row[root] = root;
    }
    int[] idom = new int[count];
    for (int i = 0; i < count; i++) {
      int dominator = -1;
      boolean fromSource = false;
      for (String input : graph.nodes.get(compute[i]).inputs()) {
        Integer producer = graph.producer.get(input);
        if (producer != null && graph.isCompute(producer)) {
          int p = position.get(producer);
          dominator = dominator < 0 ? p : commonDominator(up, depth, dominator, p);
        } else if (!graph.constantTensors.contains(input)) {
          fromSource = true;
        }
      }
      if (dominator < 0 && !fromSource) {
        return null;
      }
      if (fromSource) {
        dominator = root;
      }
      idom[i] = dominator;
      depth[i] = depth[dominator] + 1;
      up[0][i] = dominator;
      for (int k = 1; k < levels; k++) {
        up[k][i] = up[k - 1][up[k - 1][i]];
      }
    }
    int[] size = new int[count + 1];
    for (int i = count - 1; i >= 0; i--) {
      size[i] += 1;
      size[idom[i]] += size[i];
    }
    return java.util.Arrays.copyOf(size, count);
  }

  /** The one output of {@code node} that compute nodes read, or null when none or several. */
  private static String soleUsedOutput(OnnxGraph graph, int node, Map<String, int[]> users) {
    String used = null;
    for (String output : graph.nodes.get(node).outputs()) {
      int[] consumers = users.get(output);
      if (consumers != null && consumers.length > 0) {
        if (used != null) {
          return null;
        }
        used = output;
      }
    }
    return used;
  }

  /** The one tensor leaving {@code head}, or null when none or several do (quadratic: the fallback). */
  private static String soleCrossing(
      OnnxGraph graph, int[] compute, BitSet head, Map<String, int[]> users, List<String> consumedInputs) {
    String found = null;
    for (String input : consumedInputs) {
      if (leaves(users.get(input), head)) {
        if (found != null) {
          return null;
        }
        found = input;
      }
    }
    for (int q = head.nextSetBit(0); q >= 0; q = head.nextSetBit(q + 1)) {
      for (String output : graph.nodes.get(compute[q]).outputs()) {
        int[] consumers = users.get(output);
        if (consumers != null && leaves(consumers, head)) {
          if (found != null) {
            return null;
          }
          found = output;
        }
      }
    }
    return found;
  }

  private static boolean leaves(int[] consumers, BitSet head) {
    for (int consumer : consumers) {
      if (!head.get(consumer)) {
        return true;
      }
    }
    return false;
  }

  private static int commonDominator(int[][] up, int[] depth, int a, int b) {
    if (depth[a] < depth[b]) {
      int swap = a;
      a = b;
      b = swap;
    }
    for (int k = up.length - 1; k >= 0; k--) {
      if (depth[a] - (1 << k) >= depth[b]) {
        a = up[k][a];
      }
    }
    if (a == b) {
      return a;
    }
    for (int k = up.length - 1; k >= 0; k--) {
      if (up[k][a] != up[k][b]) {
        a = up[k][a];
        b = up[k][b];
      }
    }
    return up[0][a];
  }

  /**
   * Reorders the nodes inside each block (between consecutive single-tensor cuts) so that fewer bytes
   * are live along the way, which is where cheap multi-tensor cuts appear. A ready node that frees
   * more bytes than it adds goes first; ties keep the structural order.
   */
  int[] reorderWithinBlocks(OnnxGraph graph, Map<String, Long> tensorBytes) {
    int[] result = order.clone();
    Map<Integer, Integer> rank = new HashMap<>();
    for (int i = 0; i < order.length; i++) {
      rank.put(order[i], i);
    }
    Map<String, Integer> remaining = new HashMap<>();
    for (Map.Entry<String, List<Integer>> entry : graph.consumers.entrySet()) {
      if (!graph.constantTensors.contains(entry.getKey())) {
        remaining.put(entry.getKey(), (int) entry.getValue().stream().filter(graph::isCompute).count());
      }
    }
    int start = 0;
    int[] bounds = new int[singleCutPositions.length + 1];
    System.arraycopy(singleCutPositions, 0, bounds, 0, singleCutPositions.length);
    bounds[singleCutPositions.length] = order.length;
    for (int end : bounds) {
      scheduleBlock(graph, tensorBytes, result, start, end, rank, remaining);
      start = end;
    }
    return result;
  }

  private void scheduleBlock(
      OnnxGraph graph,
      Map<String, Long> tensorBytes,
      int[] result,
      int start,
      int end,
      Map<Integer, Integer> rank,
      Map<String, Integer> remaining) {
    Map<Integer, Integer> waiting = new HashMap<>();
    for (int i = start; i < end; i++) {
      int node = order[i];
      int pendingInputs = 0;
      for (String input : graph.nodes.get(node).inputs()) {
        Integer producer = graph.producer.get(input);
        if (producer != null && graph.isCompute(producer)) {
          int producerRank = rank.get(producer);
          if (producerRank >= start && producerRank < end) {
            pendingInputs++;
          }
        }
      }
      waiting.put(node, pendingInputs);
    }
    // Ready nodes sorted by gain, then by structural rank. A node's gain rises only when another
    // consumer of one of its inputs runs and leaves it the last reader; then it is re-sorted.
    Map<Integer, Long> gains = new HashMap<>();
    java.util.TreeSet<Integer> ready = new java.util.TreeSet<>(
        Comparator.<Integer>comparingLong(n -> -gains.get(n)).thenComparingInt(rank::get));
    for (int i = start; i < end; i++) {
      if (waiting.get(order[i]) == 0) {
        gains.put(order[i], gain(graph, order[i], tensorBytes, remaining));
        ready.add(order[i]);
      }
    }
    int filled = start;
    while (!ready.isEmpty()) {
      int best = ready.pollFirst();
      result[filled++] = best;
      for (String input : graph.nodes.get(best).inputs()) {
        Integer left = remaining.computeIfPresent(input, (k, v) -> v - 1);
        if (left != null && left == 1) {
          for (int user : graph.consumers.getOrDefault(input, List.of())) {
            if (user != best && gains.containsKey(user) && ready.remove(user)) {
              gains.put(user, gain(graph, user, tensorBytes, remaining));
              ready.add(user);
            }
          }
        }
      }
      for (String output : graph.nodes.get(best).outputs()) {
        for (int user : graph.consumers.getOrDefault(output, List.of())) {
          Integer left = waiting.get(user);
          if (left != null) {
            waiting.put(user, left - 1);
            if (left - 1 == 0) {
              gains.put(user, gain(graph, user, tensorBytes, remaining));
              ready.add(user);
            }
          }
        }
      }
    }
    if (filled != end) {
      throw new ModelException("nodes " + start + ".." + end + " of the cut order could not be scheduled (a cycle?)");
    }
  }

  private static long gain(OnnxGraph graph, int node, Map<String, Long> tensorBytes, Map<String, Integer> remaining) {
    long gain = 0;
    for (String input : graph.nodes.get(node).inputs()) {
      Integer left = remaining.get(input);
      if (left != null && left == 1) {
        gain += tensorBytes.getOrDefault(input, 0L);
      }
    }
    for (String output : graph.nodes.get(node).outputs()) {
      if (remaining.getOrDefault(output, 0) > 0) {
        gain -= tensorBytes.getOrDefault(output, 0L);
      }
    }
    return gain;
  }
}
