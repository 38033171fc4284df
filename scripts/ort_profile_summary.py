#!/usr/bin/env python3
"""Where ONNX Runtime spends a model's time: per operator type, from profiles written with
HPOCR_ORT_PROFILE=<prefix> (docs/int8.md, "Where INT8 time goes"), and the node census of an optimised
graph (the engine cache's model.optimized.onnx).

    scripts/ort_profile_summary.py --profile prof_rec_*.json [--optimized model.optimized.onnx] [--skip 1]

--skip N drops the first N runs of each profile (warm-up). Times are summed over the remaining runs and
divided by their count (ms per run). Needs only the standard library (and the onnx package for --optimized).
"""
import argparse
import bisect
import collections
import json


def load_runs(path):
    """[{"ops": op_type -> [nodes, us]}] per model run (Session "model_run" event), from one ORT profile."""
    with open(path) as f:
        events = json.load(f)
    runs = sorted((e["ts"], e["ts"] + e["dur"]) for e in events if e.get("cat") == "Session" and e.get("name") == "model_run")
    out = [{"ops": collections.defaultdict(lambda: [0, 0])} for _ in runs]
    starts = [r[0] for r in runs]
    for e in events:
        if e.get("cat") != "Node" or not e.get("name", "").endswith("_kernel_time"):
            continue
        i = bisect.bisect_right(starts, e["ts"]) - 1
        if i < 0 or e["ts"] > runs[i][1]:
            continue
        op = e.get("args", {}).get("op_name", "?")
        out[i]["ops"][op][0] += 1
        out[i]["ops"][op][1] += e.get("dur", 0)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile", nargs="*", default=[])
    ap.add_argument("--optimized", nargs="*", default=[])
    ap.add_argument("--skip", type=int, default=1)
    a = ap.parse_args()
    for path in a.profile:
        runs = load_runs(path)[a.skip:]
        if not runs:
            print(f"{path}: no runs")
            continue
        total = collections.defaultdict(lambda: [0, 0])
        for r in runs:
            for op, (n, us) in r["ops"].items():
                total[op][0] += n
                total[op][1] += us
        all_us = sum(v[1] for v in total.values())
        print(f"\n{path}: {len(runs)} runs, {all_us / len(runs) / 1000:.1f} ms of kernels per run")
        print(f"| op | nodes per run | ms per run | share |\n|---|---|---|---|")
        for op, (n, us) in sorted(total.items(), key=lambda kv: -kv[1][1]):
            print(f"| {op} | {n / len(runs):.0f} | {us / len(runs) / 1000:.2f} | {100 * us / all_us:.1f} % |")
    for path in a.optimized:
        import onnx  # only needed here
        m = onnx.load(path, load_external_data=False)
        count = collections.Counter(n.op_type for n in m.graph.node)
        print(f"\n{path}: {len(m.graph.node)} nodes")
        print(", ".join(f"{op} {n}" for op, n in count.most_common()))


if __name__ == "__main__":
    main()
