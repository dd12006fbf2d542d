#!/usr/bin/python3
"""Brute-force reference computation of the single-tensor cuts of an ONNX model.

Independent of the Java implementation; used to produce the ``*.cuts.json`` files
that the Java graph analysis is checked against. Needs only the ``onnx`` package
(protobuf access and ``onnx.load``).

Definition (this script implements exactly this):

* Constant tensors: initializers; outputs of nodes all of whose inputs (including
  the outer-scope names read inside their subgraphs, recursively) are constant,
  which includes nodes with no inputs (e.g. ``Constant``) -- except random
  generator ops (RandomNormal, RandomUniform, RandomNormalLike, RandomUniformLike,
  Multinomial, Bernoulli), which are never constant. Graph inputs that have an
  initializer of the same name are constant. A node producing constants is a
  "constant node"; all others are "compute nodes".
* A node's inputs are its non-empty input names plus the outer-scope names its
  subgraphs (attributes of type GRAPH/GRAPHS, e.g. If/Loop/Scan bodies,
  recursively) read: names used inside the subgraph (node inputs and subgraph
  outputs) that are not defined inside it, i.e. not a subgraph input,
  initializer or node output of that subgraph or of its enclosing subgraphs.
* For a compute node p: H(p) = p plus all compute-node ancestors of p.
  crossing(H) = the set of non-constant tensors that are either graph inputs or
  produced by a node in H, and that are consumed by at least one compute node
  outside H (being a graph output alone does not make a tensor cross).
* A tensor t produced by compute node p is a single-tensor cut iff
  crossing(H(p)) == {t}. Additionally the empty head: if the set of
  (non-constant) graph inputs consumed by compute nodes has exactly one element
  t, t is a single-tensor cut.

Output JSON (stdout, or the file given with -o):
  {"model": file name, "compute_nodes": N,
   "single_tensor_cuts": [sorted tensor names],
   "max_crossing_tensors_any_prefix_of_file_order": M}
where M is the largest |crossing(H)| over the heads H = {compute nodes among the
first k top-level nodes in file order}, k = 0..number of nodes.

Usage: single_tensor_cuts.py MODEL.onnx [-o OUT.json]
"""

import argparse
import json
import os
import sys

import onnx
from onnx import AttributeProto

RANDOM_OPS = {"RandomNormal", "RandomUniform", "RandomNormalLike",
              "RandomUniformLike", "Multinomial", "Bernoulli"}


def subgraphs_of(node):
    for attr in node.attribute:
        if attr.type == AttributeProto.GRAPH:
            yield attr.g
        elif attr.type == AttributeProto.GRAPHS:
            for g in attr.graphs:
                yield g


def outer_reads(graph, enclosing_defined):
    """Names read inside ``graph`` (and its nested subgraphs) that are defined neither
    in ``graph`` nor in ``enclosing_defined`` (names defined by enclosing subgraphs)."""
    defined = set(enclosing_defined)
    defined.update(i.name for i in graph.input)
    defined.update(i.name for i in graph.initializer)
    defined.update(i.name for i in graph.sparse_initializer if i.values.name)
    for n in graph.node:
        defined.update(o for o in n.output if o)
    used = set()
    for n in graph.node:
        used.update(i for i in n.input if i)
        for g in subgraphs_of(n):
            used.update(outer_reads(g, defined))
    used.update(o.name for o in graph.output if o.name)
    return {u for u in used if u not in defined}


def node_inputs(node):
    """Non-empty inputs plus outer-scope names read by its subgraphs (deduplicated,
    order kept)."""
    names = [i for i in node.input if i]
    for g in subgraphs_of(node):
        names.extend(sorted(outer_reads(g, set())))
    seen = set()
    out = []
    for n in names:
        if n not in seen:
            seen.add(n)
            out.append(n)
    return out


def analyse(model):
    g = model.graph
    nodes = list(g.node)
    n_nodes = len(nodes)
    inputs = [node_inputs(n) for n in nodes]
    init_names = {i.name for i in g.initializer}
    init_names.update(i.values.name for i in g.sparse_initializer)
    graph_inputs = [i.name for i in g.input]

    producer = {}
    for idx, n in enumerate(nodes):
        for o in n.output:
            if o:
                producer[o] = idx

    known = set(init_names) | set(graph_inputs) | set(producer)
    for idx, ins in enumerate(inputs):
        for t in ins:
            if t not in known:
                raise ValueError("node %d (%s %s) reads undefined tensor %r"
                                 % (idx, nodes[idx].op_type, nodes[idx].name, t))

    # Topological order (Kahn); do not trust file order.
    deps = [set() for _ in range(n_nodes)]
    users = [set() for _ in range(n_nodes)]
    for idx, ins in enumerate(inputs):
        for t in ins:
            p = producer.get(t)
            if p is not None and t not in init_names:
                if p == idx:
                    raise ValueError("node %d reads its own output %r" % (idx, t))
                deps[idx].add(p)
                users[p].add(idx)
    indeg = [len(d) for d in deps]
    ready = [i for i in range(n_nodes) if indeg[i] == 0]
    topo = []
    while ready:
        i = ready.pop()
        topo.append(i)
        for u in users[i]:
            indeg[u] -= 1
            if indeg[u] == 0:
                ready.append(u)
    if len(topo) != n_nodes:
        raise ValueError("graph has a cycle")

    # Constant propagation.
    constant = set(init_names)  # includes graph inputs that have an initializer
    is_const_node = [False] * n_nodes
    for i in topo:
        n = nodes[i]
        if n.op_type in RANDOM_OPS:
            continue
        if all(t in constant for t in inputs[i]):
            is_const_node[i] = True
            constant.update(o for o in n.output if o)

    compute = [i for i in range(n_nodes) if not is_const_node[i]]
    free_inputs = [t for t in graph_inputs if t not in constant]

    # Tensor -> compute consumers (bitmask over node indices).
    consumers = {}
    for i in compute:
        for t in inputs[i]:
            if t in constant:
                continue
            consumers[t] = consumers.get(t, 0) | (1 << i)

    # Compute-ancestor closure H(p) as bitmasks, in topological order.
    head = [0] * n_nodes
    for i in topo:
        if is_const_node[i]:
            continue
        m = 1 << i
        for d in deps[i]:
            if not is_const_node[d]:
                m |= head[d]
        head[i] = m

    def produced_tensors(i):
        return [o for o in nodes[i].output if o and o not in constant]

    def crosses(t, hmask):
        return (consumers.get(t, 0) & ~hmask) != 0

    cuts = set()
    consumed_inputs = [t for t in free_inputs if t in consumers]
    if len(consumed_inputs) == 1:
        cuts.add(consumed_inputs[0])

    for p in compute:
        hmask = head[p]
        outs = produced_tensors(p)
        cand = [t for t in outs if crosses(t, hmask)]
        if len(cand) != 1:
            continue
        t = cand[0]
        ok = True
        for gi in free_inputs:
            if crosses(gi, hmask):
                ok = False
                break
        if ok:
            # Walk the other head nodes, most recent (in topo order) first for early exit.
            m = hmask & ~(1 << p)
            while m:
                q = m.bit_length() - 1
                m &= ~(1 << q)
                for o in produced_tensors(q):
                    if crosses(o, hmask):
                        ok = False
                        break
                if not ok:
                    break
        if ok:
            cuts.add(t)

    # Max crossing over prefixes of the file order (incremental).
    remaining = {}  # tensor -> number of compute consumers not yet in head
    for t, m in consumers.items():
        remaining[t] = bin(m).count("1")
    available = set(free_inputs)  # tensors produced by head or graph inputs
    live = {t for t in available if remaining.get(t, 0) > 0}
    best = len(live)
    for i in range(n_nodes):
        if is_const_node[i]:
            continue
        for t in set(inputs[i]):
            if t in constant:
                continue
            remaining[t] -= 1
            if remaining[t] == 0:
                live.discard(t)
        for o in produced_tensors(i):
            available.add(o)
            if remaining.get(o, 0) > 0:
                live.add(o)
        best = max(best, len(live))

    return {
        "compute_nodes": len(compute),
        "single_tensor_cuts": sorted(cuts),
        "max_crossing_tensors_any_prefix_of_file_order": best,
    }


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("-o", "--out")
    args = ap.parse_args(argv)
    model = onnx.load(args.model, load_external_data=False)
    res = {"model": os.path.basename(args.model)}
    res.update(analyse(model))
    text = json.dumps(res, indent=2) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main(sys.argv[1:])
