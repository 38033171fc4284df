"""Writes a "detection model" that is nothing but large 1x1 convolutions (GEMMs in ONNX Runtime's MLAS), so that
ONNX Runtime's own matrix-multiply rate on this machine can be measured through hpocr itself, the ceiling of the
roofline in docs/performance.md.

    /usr/bin/python3 bench/sgemm_probe.py /tmp/sgemm_det            # model dir; prints its GFLOP per 1024x1024 run
    hpocr ocr -i blank1024.png --text_detection_model_dir /tmp/sgemm_det --use_textline_orientation False \\
        --text_det_limit_type max --text_det_limit_side_len 1024 --enable_hpi True -v   # "det .../<infer>/..." ms

Input [1, 3, H, W] -> Conv 3->C -> `layers` x Conv C->C (1x1) -> Conv C->1 -> Sigmoid, weights random.
"""

import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def conv(name: str, x: str, cin: int, cout: int, rng: np.random.Generator) -> tuple:
    w = numpy_helper.from_array((rng.standard_normal((cout, cin, 1, 1)) * (1.0 / np.sqrt(cin))).astype(np.float32), name + "_w")
    return helper.make_node("Conv", [x, w.name], [name], kernel_shape=[1, 1]), w


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out_dir")
    p.add_argument("--channels", type=int, default=256)
    p.add_argument("--layers", type=int, default=4)
    args = p.parse_args()
    rng = np.random.default_rng(0)
    nodes, weights = [], []
    x, cin = "x", 3
    for i in range(args.layers + 1):
        n, w = conv(f"c{i}", x, cin, args.channels, rng)
        nodes.append(n), weights.append(w)
        x, cin = f"c{i}", args.channels
    n, w = conv("head", x, cin, 1, rng)
    nodes += [n, helper.make_node("Sigmoid", ["head"], ["y"])]
    weights.append(w)
    graph = helper.make_graph(nodes, "sgemm_probe",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, "h", "w"])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, "h", "w"])], weights)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    os.makedirs(args.out_dir, exist_ok=True)
    onnx.save(model, os.path.join(args.out_dir, "inference.onnx"))
    with open(os.path.join(args.out_dir, "inference.yml"), "w") as f:
        f.write("Global:\n  model_name: sgemm_probe\nPostProcess:\n  name: DBPostProcess\n")
    c, l = args.channels, args.layers
    macs_per_px = 3 * c + l * c * c + c
    print(f"{args.out_dir}: {2 * macs_per_px * 1024 * 1024 / 1e9:.1f} GFLOP per 1024x1024 input "
          f"({2 * l * c * c * 1024 * 1024 / 1e9:.1f} in the {c}x{c} GEMMs)")


if __name__ == "__main__":
    main()
