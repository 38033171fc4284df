"""Throughput and overhead of `hpocr batch` (hpocr.distributed) on local Dask clusters against the
single-process API.

    build/release/apps/hpocr benchmark --save_set /tmp/benchset --configs hpi_off --repeats 1   # writes the set
    PYTHONPATH=build/release/python /usr/bin/python3 bench/bench_distributed.py /tmp/benchset --workers 1,2

Per configuration (every one writes each result's JSON): wall time and images/s of the processing (cluster start and model loading apart, as
"startup"), and the CPU time spent per image by every process involved (workers, plus the client process,
which hosts the local scheduler and the nannies). CPU time barely depends on what else runs on the machine,
wall time does: on a shared machine compare the CPU figures. Then the overhead per task: the line crops on
one worker as one task per image against one task for all, the difference divided by the extra tasks.
Every configuration uses cpu_threads=1 (one intra-op thread per worker thread). Results go to a temporary
directory, resume off.
"""

import argparse
import os
import tempfile
import time

import psutil  # a dependency of distributed
from distributed import Client

from hpocr import PaddleOCR
from hpocr.distributed import expand_inputs, local_cluster, run_batch


def _cpu_seconds() -> float:
    times = psutil.Process().cpu_times()
    return times.user + times.system


def single_process(paths):
    """(wall s, CPU s) of OCR over paths in this process, after a warm-up image, writing each result's JSON as
    the batch does (as ``hpocr ocr --save_path`` would)."""
    ocr = PaddleOCR(cpu_threads=1)
    ocr.predict(paths[0])
    with tempfile.TemporaryDirectory(prefix="hpocr_bench_") as out:
        wall, cpu = time.perf_counter(), _cpu_seconds()
        for path in paths:
            ocr.predict(path)[0].save_to_json(out)
        return time.perf_counter() - wall, _cpu_seconds() - cpu, 0.0


def batch(paths, workers, task_size=None):
    """(wall s, CPU s, startup s) of hpocr batch over paths on a fresh local cluster (the one hpocr batch starts)."""
    start = time.perf_counter()
    with local_cluster(workers, 1) as cluster, Client(cluster) as client, \
            tempfile.TemporaryDirectory(prefix="hpocr_bench_") as out:
        client.wait_for_workers(workers)
        # Load the pipelines first (a run on one image), so that the CPU figures are the processing's.
        run_batch(paths[:1], out, client=client, resume=False, progress=False, cpu_threads=1)
        startup = time.perf_counter() - start
        before = sum(client.run(_cpu_seconds).values()), _cpu_seconds()
        s = run_batch(paths, out, client=client, task_size=task_size, resume=False, progress=False, cpu_threads=1)
        after = sum(client.run(_cpu_seconds).values()), _cpu_seconds()
    if s.failed:
        raise SystemExit(f"{s.failed} inputs failed: {s.errors[:3]}")
    return s.seconds - s.startup_seconds, (after[0] - before[0]) + (after[1] - before[1]), startup


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("images", help="directory of images (hpocr benchmark --save_set DIR)")
    p.add_argument("--workers", default="1,2", help="local worker counts to run (comma-separated)")
    p.add_argument("--rounds", type=int, default=1,
                   help="rounds, each running every configuration once (interleaved); the fastest run is shown")
    args = p.parse_args()
    paths = expand_inputs(args.images)
    crops = [path for path in paths if os.path.basename(path).startswith("line")]
    n = len(paths)

    configs = {"single process": (n, lambda: single_process(paths))}
    for workers in (int(w) for w in args.workers.split(",")):
        configs[f"hpocr batch, {workers} worker(s) x 1 thread"] = (n, lambda w=workers: batch(paths, w))
    if len(crops) > 1:
        configs["crops: single process"] = (len(crops), lambda: single_process(crops))
        configs["crops: 1 worker, 1 task per crop"] = (len(crops), lambda: batch(crops, 1, task_size=1))
        configs["crops: 1 worker, 1 task for all"] = (len(crops), lambda: batch(crops, 1, task_size=len(crops)))

    best = {}
    print(f"{n} images ({len(crops)} line crops), {len(os.sched_getaffinity(0))} cores, "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    for r in range(args.rounds):
        for label, (_, fn) in configs.items():
            result = fn()
            best[label] = min(best.get(label, result), result)
        print(f"round {r + 1} done, load average {os.getloadavg()[0]:.1f}", flush=True)
    print(f"{'configuration':40s} {'wall':>8s} {'images/s':>9s} {'CPU/image':>10s}  startup")
    for label, (count, _) in configs.items():
        wall, cpu, startup = best[label]
        print(f"{label:40s} {wall:7.2f}s {count / wall:9.2f} {cpu / count * 1000:8.1f}ms  "
              + (f"{startup:.1f}s" if startup else "-"))
    if len(crops) > 1:
        (one_wall, one_cpu, _), (all_wall, all_cpu, _) = (best["crops: 1 worker, 1 task per crop"],
                                                          best["crops: 1 worker, 1 task for all"])
        extra = len(crops) - 1
        print(f"overhead per task: {(one_wall - all_wall) / extra * 1000:.1f} ms wall, "
              f"{(one_cpu - all_cpu) / extra * 1000:.1f} ms CPU")


if __name__ == "__main__":
    main()
