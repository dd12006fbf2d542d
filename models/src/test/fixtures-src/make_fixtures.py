#!/usr/bin/python3
"""Regenerates the ONNX test fixtures in ../resources/fixtures/.

Not needed at test time: the generated .onnx and .cuts.json files are committed.

Made with Debian bookworm's packages (PyTorch 1.13.1, torchvision 0.14.1, onnx 1.12.0):
    apt-get install -y python3-torch python3-torchvision python3-onnx python3-numpy
    /usr/bin/python3 make_fixtures.py            # writes the fixtures and their .cuts.json

All weights are random with fixed seeds; all models are exported in eval mode with the
exporter's default constant folding, except weights_identity.onnx, which is written with
onnx.helper because torch would fold the constructs it exercises away.
"""

import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "fixtures"))
sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, HERE)
import single_tensor_cuts  # noqa: E402


def export(model, args, name, opset, input_names, output_names, dynamic_axes=None):
    model.eval()
    path = os.path.join(OUT, name)
    with torch.no_grad():
        torch.onnx.export(model, args, path, opset_version=opset,
                          input_names=input_names, output_names=output_names,
                          dynamic_axes=dynamic_axes)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    return path


# ---------------------------------------------------------------- if_subgraph
class IfNet(nn.Module):
    """Data-dependent branch; both branches read tensors computed before the If
    (a, b) and one also runs a Conv whose weight lives in the outer graph."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.c2 = nn.Conv2d(8, 8, 3, padding=1)
        self.c3 = nn.Conv2d(8, 8, 1)
        self.c4 = nn.Conv2d(8, 4, 3, padding=1)

    def forward(self, x):
        a = F.relu(self.c1(x))
        b = self.c2(a)
        if bool(b.sum() > 0):
            y = a * 2.0 + b
        else:
            y = self.c3(a) - b
        return self.c4(F.relu(y))


def make_if_subgraph():
    torch.manual_seed(1)
    m = torch.jit.script(IfNet().eval())
    x = torch.randn(1, 3, 16, 16)
    return export(m, (x,), "if_subgraph.onnx", 13, ["input"], ["output"])


# ---------------------------------------------------------------- loop_scan
class LoopNet(nn.Module):
    """for-loop whose trip count depends on the input; the body reads g (computed
    before the loop) and Conv weights from the outer scope, and contains an If whose
    else-branch reads g2 (top level, two scopes out) and t (defined in the Loop body)."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.c2 = nn.Conv2d(8, 8, 1)
        self.c3 = nn.Conv2d(8, 8, 3, padding=1)
        self.c4 = nn.Conv2d(8, 4, 1)

    def forward(self, x):
        h = F.relu(self.c1(x))
        g = self.c2(h)
        n = int(torch.clamp(x.abs().mean() * 4.0, 1.0, 5.0).to(torch.int64))
        g2 = torch.sigmoid(g)  # read only by the If nested inside the Loop body
        acc = h
        for _ in range(n):
            t = self.c3(acc) + g
            if bool(t.mean() > 0):
                acc = F.relu(t)
            else:
                acc = F.relu(t) * g2
        return self.c4(acc)


def make_loop_scan():
    torch.manual_seed(2)
    m = torch.jit.script(LoopNet().eval())
    x = torch.randn(1, 3, 16, 16)
    return export(m, (x,), "loop_scan.onnx", 13, ["input"], ["output"])


# ---------------------------------------------------------------- nms_detector
class TinyDetector(nn.Module):
    """3 feature maps, 4 heads each (class, box, objectness, quality), box decode
    against fixed anchors, score filter, batched NMS."""

    NUM_CLASSES = 3
    ANCHORS = 2

    def __init__(self, size=64):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1), nn.ReLU(),
                                  nn.Conv2d(8, 12, 3, 2, 1), nn.ReLU())
        self.down = nn.ModuleList([nn.Sequential(nn.Conv2d(12, 12, 3, 2, 1), nn.ReLU()),
                                   nn.Sequential(nn.Conv2d(12, 12, 3, 2, 1), nn.ReLU())])
        a, k = self.ANCHORS, self.NUM_CLASSES
        self.cls = nn.ModuleList([nn.Conv2d(12, a * k, 3, padding=1) for _ in range(3)])
        self.box = nn.ModuleList([nn.Conv2d(12, a * 4, 3, padding=1) for _ in range(3)])
        self.obj = nn.ModuleList([nn.Conv2d(12, a, 1) for _ in range(3)])
        self.qual = nn.ModuleList([nn.Conv2d(12, a, 1) for _ in range(3)])
        anchors = []
        for lvl, stride in enumerate([4, 8, 16]):
            n = size // stride
            ys, xs = torch.meshgrid(torch.arange(n), torch.arange(n), indexing="ij")
            cx = (xs.reshape(-1).float() + 0.5) * stride
            cy = (ys.reshape(-1).float() + 0.5) * stride
            per = []
            for s in (1.0, 2.0):
                w = torch.full_like(cx, stride * 2.0 * s)
                per.append(torch.stack([cx, cy, w, w], 1))
            anchors.append(torch.stack(per, 1).reshape(-1, 4))  # (h*w*A, 4), order h,w,a
        self.register_buffer("anchors", torch.cat(anchors, 0))

    def forward(self, x):
        f = self.stem(x)
        feats = [f]
        for d in self.down:
            f = d(f)
            feats.append(f)
        heads = []
        for i, f in enumerate(feats):
            heads.append((self.cls[i](f), self.box[i](f), self.obj[i](f), self.qual[i](f)))
        k = self.NUM_CLASSES
        cls = torch.cat([c.permute(0, 2, 3, 1).reshape(1, -1, k) for c, _, _, _ in heads], 1)[0]
        box = torch.cat([b.permute(0, 2, 3, 1).reshape(1, -1, 4) for _, b, _, _ in heads], 1)[0]
        obj = torch.cat([o.permute(0, 2, 3, 1).reshape(1, -1) for _, _, o, _ in heads], 1)[0]
        qual = torch.cat([q.permute(0, 2, 3, 1).reshape(1, -1) for _, _, _, q in heads], 1)[0]
        an = self.anchors
        cx = an[:, 0] + box[:, 0] * an[:, 2]
        cy = an[:, 1] + box[:, 1] * an[:, 3]
        w = an[:, 2] * torch.exp(box[:, 2].clamp(max=4.0))
        h = an[:, 3] * torch.exp(box[:, 3].clamp(max=4.0))
        boxes = torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 1)
        prob = torch.sigmoid(cls) * torch.sigmoid(obj)[:, None] * torch.sigmoid(qual)[:, None]
        scores, labels = prob.max(1)
        keep = torch.where(scores > 0.05)[0]
        boxes, scores, labels = boxes[keep], scores[keep], labels[keep]
        kept = torchvision.ops.batched_nms(boxes, scores, labels, 0.5)
        return boxes[kept], scores[kept], labels[kept], keep[kept]


def make_nms_detector():
    torch.manual_seed(3)
    m = TinyDetector()
    x = torch.rand(1, 3, 64, 64)
    return export(m, (x,), "nms_detector.onnx", 11, ["image"],
                  ["boxes", "scores", "labels", "anchor_indices"])


# ---------------------------------------------------------------- shape_chain
class ShapeChainNet(nn.Module):
    """Batch-size-dependent reshapes: Shape/Gather/Unsqueeze/Concat/Reshape side chains."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, 2, 1)
        self.c2 = nn.Conv2d(8, 8, 3, 2, 1)
        self.fc1 = nn.Linear(8 * 4 * 4, 10)
        self.fc2 = nn.Linear(8 * 4 * 4, 10)
        self.fc3 = nn.Linear(8, 10)

    def forward(self, x):
        y = F.relu(self.c1(x))
        y = F.relu(self.c2(y))
        a = self.fc1(y.view(y.size(0), -1))
        b = self.fc2(y.flatten(1))
        c = self.fc3(y.reshape(y.size(0), y.size(1), -1).mean(2))
        return (a + b + c).reshape(y.size(0), 2, 5)


def make_shape_chain():
    torch.manual_seed(4)
    x = torch.randn(2, 3, 16, 16)
    return export(ShapeChainNet(), (x,), "shape_chain.onnx", 11, ["input"], ["output"],
                  dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})


# ---------------------------------------------------------------- residual
class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride, post_bn):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                      nn.BatchNorm2d(cout))
        # A BatchNorm after the Add cannot be folded into a Conv, so it stays in the graph.
        self.post = nn.BatchNorm2d(cout) if post_bn else None

    def forward(self, x):
        y = F.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        s = x if self.down is None else self.down(x)
        y = y + s
        if self.post is not None:
            y = self.post(y)
        return F.relu(y)


class ResidualNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 1, 1, bias=False), nn.BatchNorm2d(8),
                                  nn.ReLU(), nn.MaxPool2d(2))
        self.l1 = BasicBlock(8, 8, 1, True)
        self.l2 = BasicBlock(8, 16, 2, False)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.l2(self.l1(self.stem(x)))
        return self.fc(torch.flatten(self.pool(x), 1))


def randomize_bn(m):
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.running_mean.uniform_(-0.2, 0.2)
            mod.running_var.uniform_(0.5, 1.5)
            mod.weight.data.uniform_(0.5, 1.5)
            mod.bias.data.uniform_(-0.2, 0.2)
    return m


def make_residual(opset):
    torch.manual_seed(5)
    m = randomize_bn(ResidualNet())
    x = torch.randn(1, 3, 32, 32)
    return export(m, (x,), "opset%d_residual.onnx" % opset, opset, ["input"], ["logits"])


# ---------------------------------------------------------------- many_live
class ManyLiveFPN(nn.Module):
    """5-level backbone, FPN top-down path, 6 1x1 heads per level, all 30 head outputs
    flattened into one final Concat."""

    LEVELS = 5
    HEADS = 6

    def __init__(self):
        super().__init__()
        chans = [3, 8, 8, 12, 12, 16]
        self.body = nn.ModuleList([nn.Sequential(nn.Conv2d(chans[i], chans[i + 1], 3, 2, 1),
                                                 nn.ReLU()) for i in range(self.LEVELS)])
        self.lat = nn.ModuleList([nn.Conv2d(chans[i + 1], 8, 1) for i in range(self.LEVELS)])
        self.heads = nn.ModuleList([nn.ModuleList([nn.Conv2d(8, 2, 1) for _ in range(self.HEADS)])
                                    for _ in range(self.LEVELS)])

    def forward(self, x):
        cs = []
        for b in self.body:
            x = b(x)
            cs.append(x)
        ps = [None] * self.LEVELS
        p = self.lat[-1](cs[-1])
        ps[-1] = p
        for i in range(self.LEVELS - 2, -1, -1):
            p = self.lat[i](cs[i]) + F.interpolate(p, scale_factor=2.0, mode="nearest")
            ps[i] = p
        outs = []
        for i in range(self.LEVELS):
            for h in self.heads[i]:
                outs.append(h(ps[i]).reshape(1, 2, -1))
        return torch.cat(outs, 2)


def make_many_live():
    torch.manual_seed(6)
    x = torch.randn(1, 3, 64, 64)
    return export(ManyLiveFPN(), (x,), "many_live.onnx", 13, ["input"], ["output"])


# ---------------------------------------------------------------- int_outputs
class IntOutNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, 2, 1)
        self.c2 = nn.Conv2d(8, 8, 3, 1, 1)
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        f = F.relu(self.c1(x))
        g = self.c2(f)
        logits = self.fc(torch.flatten(F.adaptive_avg_pool2d(F.relu(g), 1), 1))
        cls = torch.argmax(logits, 1)
        top_vals, top_idx = torch.topk(logits, 3, 1)
        positive = logits > 0
        mask = g.amax(1) > 0
        return logits, cls, top_vals, top_idx, positive, mask


def make_int_outputs():
    torch.manual_seed(7)
    x = torch.randn(1, 3, 16, 16)
    return export(IntOutNet(), (x,), "int_outputs.onnx", 14, ["input"],
                  ["logits", "class", "top_values", "top_indices", "positive", "mask"])


# ---------------------------------------------------------------- two_inputs
class TwoInputNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1), nn.ReLU(),
                                  nn.Conv2d(8, 8, 3, 2, 1), nn.ReLU(),
                                  nn.Conv2d(8, 8, 3, 2, 1), nn.ReLU())
        self.fc = nn.Linear(8 + 4, 5)

    def forward(self, image, meta):
        f = torch.flatten(F.adaptive_avg_pool2d(self.body(image), 1), 1)
        return self.fc(torch.cat([f, meta], 1))


def make_two_inputs():
    torch.manual_seed(8)
    return export(TwoInputNet(), (torch.randn(1, 3, 32, 32), torch.randn(1, 4)),
                  "two_inputs.onnx", 13, ["image", "meta"], ["output"])


# ---------------------------------------------------------------- weights_identity
def make_weights_identity():
    """Hand-built (onnx.helper, opset 13) graph exercising weight-only producers:
    Identity over initializers, Identity chains over Constant nodes, a Constant-only
    arithmetic chain (Mul of Constant and initializer), Shape of an initializer, a graph
    input that has an initializer of the same name (an overridable constant), and a
    RandomNormal whose (zeroed) output is added: random ops are never constant."""
    rng = np.random.default_rng(9)

    def arr(*shape):
        return (rng.standard_normal(shape) * 0.2).astype(np.float32)

    inits = [
        numpy_helper.from_array(arr(8, 3, 3, 3), "w0"),
        numpy_helper.from_array(arr(8, 8, 3, 3), "w2_base"),
        numpy_helper.from_array(arr(4, 8), "fc_w"),
        numpy_helper.from_array(np.array([1.5], np.float32), "scale"),
    ]
    const = lambda name, value: helper.make_node(  # noqa: E731
        "Constant", [], [name], name=name + "_node", value=numpy_helper.from_array(value, name))
    nodes = [
        helper.make_node("Identity", ["w0"], ["w0_id"], name="w0_identity"),
        const("b0", arr(8)),
        const("w1", arr(8, 8, 1, 1)),
        helper.make_node("Identity", ["w1"], ["w1_id"], name="w1_identity"),
        helper.make_node("Identity", ["w1_id"], ["w1_id2"], name="w1_identity2"),
        const("two", np.array(2.0, np.float32)),
        helper.make_node("Mul", ["w2_base", "two"], ["w2"], name="w2_scale"),
        helper.make_node("Shape", ["fc_w"], ["fc_w_shape"], name="fc_w_shape"),
        helper.make_node("Conv", ["x", "w0_id", "b0"], ["c0"], name="conv0", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c0"], ["r0"], name="relu0"),
        helper.make_node("Conv", ["r0", "w1_id2"], ["c1"], name="conv1"),
        helper.make_node("RandomNormal", [], ["noise"], name="noise", shape=[1, 8, 8, 8],
                         seed=1.0),
        const("zero", np.array(0.0, np.float32)),
        helper.make_node("Mul", ["noise", "zero"], ["noise0"], name="noise_zero"),
        helper.make_node("Add", ["c1", "noise0"], ["c1n"], name="add_noise"),
        helper.make_node("Relu", ["c1n"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "w2"], ["c2"], name="conv2", pads=[1, 1, 1, 1]),
        helper.make_node("Mul", ["c2", "scale"], ["c2s"], name="mul_scale"),
        helper.make_node("GlobalAveragePool", ["c2s"], ["gap"], name="gap"),
        helper.make_node("Flatten", ["gap"], ["flat"], name="flatten", axis=1),
        helper.make_node("Gemm", ["flat", "fc_w"], ["y"], name="fc", transB=1),
        helper.make_node("Relu", ["y"], ["output"], name="relu_out"),
    ]
    graph = helper.make_graph(
        nodes, "weights_identity",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8]),
         helper.make_tensor_value_info("scale", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 4]),
         helper.make_tensor_value_info("fc_w_shape", TensorProto.INT64, [2])],
        initializer=inits)
    model = helper.make_model(graph, producer_name="partnner make_fixtures.py (onnx.helper)",
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    path = os.path.join(OUT, "weights_identity.onnx")
    onnx.save(model, path)
    return path


MAKERS = [make_if_subgraph, make_nms_detector, make_shape_chain,
          lambda: make_residual(9), lambda: make_residual(17), make_loop_scan,
          make_many_live, make_int_outputs, make_weights_identity, make_two_inputs]


def main():
    os.makedirs(OUT, exist_ok=True)
    for make in MAKERS:
        path = make()
        res = {"model": os.path.basename(path)}
        res.update(single_tensor_cuts.analyse(onnx.load(path)))
        with open(path[:-len(".onnx")] + ".cuts.json", "w") as f:
            f.write(json.dumps(res, indent=2) + "\n")
        print("%-24s %7d bytes  %3d compute nodes  %3d single-tensor cuts  max live %d"
              % (os.path.basename(path), os.path.getsize(path), res["compute_nodes"],
                 len(res["single_tensor_cuts"]),
                 res["max_crossing_tensors_any_prefix_of_file_order"]))


if __name__ == "__main__":
    main()
