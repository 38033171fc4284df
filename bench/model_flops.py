"""Multiply-add work of an ONNX model at a given input shape, for the roofline in docs/performance.md.

    python3 bench/model_flops.py ~/.cache/hpocr/models/PP-OCRv4_mobile_det/inference.onnx 1,3,1024,768
    python3 bench/model_flops.py ~/.cache/hpocr/models/PP-OCRv4_mobile_rec/inference.onnx 1,3,48,1000

Counts 2 FLOPs per multiply-add of Conv, ConvTranspose, MatMul and Gemm (the ops that hold almost all of the
work of the PP-OCR models); element-wise ops, pooling and normalisation are left out and listed by count.
Needs the python3-onnx package (shape inference fills in every intermediate shape).
"""

import argparse
import collections
import math

import onnx
from onnx import shape_inference


def tensor_shapes(model: onnx.ModelProto) -> dict:
    """Static shape of every value the shape inference could resolve (name -> list of ints)."""
    shapes = {}
    for vi in list(model.graph.value_info) + list(model.graph.input) + list(model.graph.output):
        dims = [d.dim_value if d.HasField("dim_value") else None for d in vi.type.tensor_type.shape.dim]
        if dims and all(d is not None for d in dims):
            shapes[vi.name] = dims
    for init in model.graph.initializer:
        shapes[init.name] = list(init.dims)
    return shapes


def node_flops(node: onnx.NodeProto, shapes: dict) -> int:
    """FLOPs of one node (2 per multiply-add); 0 for ops not counted or shapes not known."""
    out = shapes.get(node.output[0])
    if node.op_type in ("Conv", "ConvTranspose"):
        w = shapes.get(node.input[1])
        if not out or not w:
            return 0
        group = next((a.i for a in node.attribute if a.name == "group"), 1)
        if node.op_type == "Conv":  # W: [Cout, Cin/group, kh, kw]; every output element needs Cin/group*kh*kw MACs
            return 2 * math.prod(out) * math.prod(w[1:])
        x = shapes.get(node.input[0])  # ConvTranspose W: [Cin, Cout/group, kh, kw]; every input element scatters
        return 2 * math.prod(x) * math.prod(w[1:]) if x else 0
    if node.op_type in ("MatMul", "Gemm"):
        a = shapes.get(node.input[0])
        if not out or not a:
            return 0
        trans_a = next((a_.i for a_ in node.attribute if a_.name == "transA"), 0)
        k = a[-2] if (node.op_type == "Gemm" and trans_a) else a[-1]
        return 2 * math.prod(out) * k
    return 0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model")
    p.add_argument("shape", help="input shape, e.g. 1,3,48,320")
    args = p.parse_args()
    model = onnx.load(args.model)
    shape = [int(v) for v in args.shape.split(",")]
    inp = model.graph.input[0]
    for d, v in zip(inp.type.tensor_type.shape.dim, shape):
        d.ClearField("dim_param")
        d.dim_value = v
    model = shape_inference.infer_shapes(model, data_prop=True)  # follows Shape->Reshape chains
    shapes = tensor_shapes(model)
    per_op = collections.Counter()
    unknown = 0
    for node in model.graph.node:
        f = node_flops(node, shapes)
        per_op[node.op_type] += f
        if f == 0 and node.op_type in ("Conv", "ConvTranspose", "MatMul", "Gemm"):
            unknown += 1
    total = sum(per_op.values())
    print(f"{args.model} at {shape}: {total / 1e9:.3f} GFLOP")
    for op, f in per_op.most_common():
        if f:
            print(f"  {op:14s} {f / 1e9:8.3f} GFLOP")
    if unknown:
        print(f"  ({unknown} counted ops had shapes the inference could not resolve; the total is a lower bound)")


if __name__ == "__main__":
    main()
