"""Throughput of `hpocr batch` (hpocr.distributed) on local Dask clusters against the single-process API.

    build/release/apps/hpocr benchmark --save_set /tmp/benchset --configs hpi_off --repeats 1   # writes the set
    PYTHONPATH=build/release/python /usr/bin/python3 bench/bench_distributed.py /tmp/benchset --workers 1,2

For the image directory it prints, per configuration, processing time and images/s (cluster start and model
loading are reported apart, as "startup"), then the overhead per task: the same line crops on one worker as
one task per image against one task for all, the difference divided by the extra tasks. Configurations run
interleaved, in rounds; the fastest run of each is shown. Results go to a
temporary directory (resume off, so every run does all the work).
"""

import argparse
import os
import sys
import tempfile
import time

from hpocr import PaddleOCR
from hpocr.distributed import default_layout, expand_inputs, run_batch


def single_process(paths, cpu_threads):
    ocr = PaddleOCR(cpu_threads=cpu_threads)
    ocr.predict(paths[0])  # warm-up, as the workers' first task is not timed apart either
    start = time.perf_counter()
    for path in paths:
        ocr.predict(path)
    return time.perf_counter() - start


def batch(paths, workers, task_size=None, cpu_threads=None):
    with tempfile.TemporaryDirectory(prefix="hpocr_bench_") as out:
        s = run_batch(paths, out, local_workers=workers, task_size=task_size, resume=False, progress=False,
                      cpu_threads=cpu_threads)
    if s.failed:
        sys.exit(f"{s.failed} inputs failed: {s.errors[:3]}")
    return s.seconds - s.startup_seconds, s.startup_seconds


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("images", help="directory of images (hpocr benchmark --save_set DIR)")
    p.add_argument("--workers", default="1,2", help="local worker counts to run (comma-separated)")
    p.add_argument("--rounds", type=int, default=3,
                   help="rounds; each runs every configuration once (interleaved, so that a busy spell on a "
                        "shared machine hits all of them); the fastest run per configuration is shown")
    args = p.parse_args()
    paths = expand_inputs(args.images)
    crops = [path for path in paths if os.path.basename(path).startswith("line")]
    cores = len(os.sched_getaffinity(0))
    n = len(paths)

    configs = {}  # label -> (images, function returning (processing seconds, startup seconds))
    for threads in sorted({1, cores}):
        configs[f"single process, cpu_threads={threads}"] = (n, lambda t=threads: (single_process(paths, t), 0.0))
    for workers in (int(w) for w in args.workers.split(",")):
        for cpu_threads in sorted({1, default_layout(workers, 1)[2]}):
            configs[f"hpocr batch, {workers} worker(s) x 1 thread, cpu_threads={cpu_threads}"] = (
                n, lambda w=workers, c=cpu_threads: batch(paths, w, cpu_threads=c))
    if len(crops) > 1:
        configs["crops: single process, cpu_threads=1"] = (len(crops), lambda: (single_process(crops, 1), 0.0))
        configs["crops: 1 worker, 1 task per crop"] = (len(crops), lambda: batch(crops, 1, task_size=1, cpu_threads=1))
        configs["crops: 1 worker, 1 task for all"] = (len(crops),
                                                      lambda: batch(crops, 1, task_size=len(crops), cpu_threads=1))

    best = {}
    print(f"{n} images ({len(crops)} line crops), {cores} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
    for r in range(args.rounds):
        for label, (_, fn) in configs.items():
            result = fn()
            best[label] = min(best.get(label, result), result)
        print(f"round {r + 1} done, load average {os.getloadavg()[0]:.1f}", flush=True)
    for label, (count, _) in configs.items():
        seconds, startup = best[label]
        extra = f"  (startup {startup:.1f} s)" if startup else ""
        print(f"{label:55s} {seconds:7.2f} s  {count / seconds:6.2f} images/s{extra}")
    if len(crops) > 1:
        one, all_in_one = best["crops: 1 worker, 1 task per crop"][0], best["crops: 1 worker, 1 task for all"][0]
        print(f"overhead per task: {(one - all_in_one) / (len(crops) - 1) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
