"""hpocr against Tesseract (the classic peer) on the benchmark set: speed, accuracy and memory side by side.

    build/release/apps/hpocr benchmark --save_set /tmp/benchset --configs hpi_on --repeats 1   # images + ground_truth.json
    PYTHONPATH=build/release/python /usr/bin/python3 bench/peer_tesseract.py /tmp/benchset --json peers.json

Every engine runs in a fresh child process (so load time and peak RSS are its own), reads each image from
its file, is warmed up on the first image of each kind and then timed per image over --repeats passes
(median). Accuracy is 1 - edit distance / characters against the drawn text, with all whitespace removed
from both sides (Tesseract separates CJK characters with spaces and paragraphs with blank lines; hpocr's
recogniser drops some spaces between Latin words), per image kind.

Tesseract (Debian's tesseract-ocr 5.3 through python3-tesserocr, in-process, LSTM models from
tesseract-ocr-eng / tesseract-ocr-chi-sim) gets its best settings per kind: automatic page segmentation for
pages, the receipt and the scene, single-line mode for the line crops; languages chi_sim+eng because the set
mixes Chinese and English. When these packages are missing and this runs as root, they are installed with
apt-get; otherwise the script says which to install.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

TESSERACT_PACKAGES = ["python3-tesserocr", "tesseract-ocr-eng", "tesseract-ocr-chi-sim"]

# name -> (label in the table, engine spec passed to the child process)
ENGINES = {
    "hpi_on": ("hpocr, HPI on", {"kind": "hpocr", "enable_hpi": True}),
    "hpi_off": ("hpocr, HPI off", {"kind": "hpocr", "enable_hpi": False}),
    "hpi_on_1t": ("hpocr, HPI on, 1 thread", {"kind": "hpocr", "enable_hpi": True, "cpu_threads": 1}),
    "tesseract": ("Tesseract 5 chi_sim+eng", {"kind": "tesseract", "lang": "chi_sim+eng"}),
    "tesseract_1t": ("Tesseract 5 chi_sim+eng, 1 thread", {"kind": "tesseract", "lang": "chi_sim+eng", "omp_threads": 1}),
}


def ensure_tesseract():
    try:
        import tesserocr  # noqa: F401
        return
    except ImportError:
        pass
    if os.geteuid() != 0:
        sys.exit("Tesseract is not installed: run  sudo apt-get install " + " ".join(TESSERACT_PACKAGES))
    print("installing " + " ".join(TESSERACT_PACKAGES) + " (apt-get)...", file=sys.stderr)
    subprocess.run(["apt-get", "install", "-y", "-q", *TESSERACT_PACKAGES], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, stdout=subprocess.DEVNULL)


def make_reader(spec):
    """(load seconds, read(path, kind) -> text) for one engine, created in this process."""
    start = time.perf_counter()
    if spec["kind"] == "hpocr":
        from hpocr import PaddleOCR
        options = {k: v for k, v in spec.items() if k in ("enable_hpi", "cpu_threads")}
        ocr = PaddleOCR(**options)

        def read(path, kind):
            return "\n".join(ocr.predict(path)[0]["rec_texts"])
    else:
        import tesserocr
        apis = {mode: tesserocr.PyTessBaseAPI(lang=spec["lang"], psm=mode)
                for mode in (tesserocr.PSM.AUTO, tesserocr.PSM.SINGLE_LINE)}

        def read(path, kind):
            api = apis[tesserocr.PSM.SINGLE_LINE if kind == "line" else tesserocr.PSM.AUTO]
            api.SetImageFile(path)
            return api.GetUTF8Text()
    return time.perf_counter() - start, read


def run_engine(spec, set_dir, repeats):
    """Child process: runs one engine over the set and returns its figures (printed as JSON)."""
    from hpocr import _hpocr
    with open(os.path.join(set_dir, "ground_truth.json"), encoding="utf-8") as f:
        truth = json.load(f)
    load_s, read = make_reader(spec)
    warmed, by_kind = set(), {}
    for item in truth:
        path, kind = os.path.join(set_dir, item["image"]), item["kind"]
        if kind not in warmed:  # first inference of each shape class (allocations, kernel selection)
            read(path, kind)
            warmed.add(kind)
        times, text = [], ""
        for _ in range(repeats):
            start = time.perf_counter()
            text = read(path, kind)
            times.append(time.perf_counter() - start)
        got, want = "".join(text.split()), "".join("".join(item["lines"]).split())
        k = by_kind.setdefault(kind, {"images": 0, "seconds": [], "errors": 0, "chars": 0})
        k["images"] += 1
        k["seconds"].append(statistics.median(times))
        k["errors"] += _hpocr._edit_distance(got, want)
        k["chars"] += len(want)
    return {"load_s": load_s, "kinds": {kind: {"images": k["images"], "ms_per_image": 1000 * sum(k["seconds"]) / k["images"],
                                               "char_accuracy": 1 - k["errors"] / max(k["chars"], 1)}
                                        for kind, k in by_kind.items()}}


def run_child(label, spec, set_dir, repeats):
    env = dict(os.environ)
    if "omp_threads" in spec:
        env["OMP_THREAD_LIMIT"] = str(spec["omp_threads"])
    cmd = [sys.executable, __file__, set_dir, "--repeats", str(repeats), "--child", json.dumps(spec)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        sys.exit(f"{label}: the engine's process failed (status {status})")
    result = json.loads(out)
    result["peak_rss_mb"] = usage.ru_maxrss / 1024
    return result


def print_table(results):
    kinds = ["page", "receipt", "scene", "line"]
    head = "| engine | " + " | ".join(f"{k} ms/image" for k in kinds) + " | " + \
           " | ".join(f"{k} accuracy" for k in kinds) + " | load | peak RSS |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for label, r in results.items():
        ks = r["kinds"]
        cells = [f"{ks[k]['ms_per_image']:.0f}" if k in ks else "-" for k in kinds]
        cells += [f"{100 * ks[k]['char_accuracy']:.1f} %" if k in ks else "-" for k in kinds]
        print(f"| {label} | " + " | ".join(cells) + f" | {1000 * r['load_s']:.0f} ms | {r['peak_rss_mb']:.0f} MB |")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("set_dir", help="directory written by: hpocr benchmark --save_set DIR")
    p.add_argument("--engines", default=",".join(ENGINES), help="comma-separated, out of: " + ", ".join(ENGINES))
    p.add_argument("--repeats", type=int, default=2, help="timed passes per image (the median is used)")
    p.add_argument("--json", help="also write the figures to this file")
    p.add_argument("--child", help=argparse.SUPPRESS)  # internal: run one engine, print its figures
    args = p.parse_args()
    if args.repeats < 1:
        p.error("--repeats must be at least 1")
    if not os.path.isfile(os.path.join(args.set_dir, "ground_truth.json")):
        p.error(f"{args.set_dir} holds no ground_truth.json: write the set with  hpocr benchmark --save_set {args.set_dir}")
    if args.child:
        print(json.dumps(run_engine(json.loads(args.child), args.set_dir, args.repeats)))
        return
    names = [name.strip() for name in args.engines.split(",") if name.strip()]
    unknown = [name for name in names if name not in ENGINES]
    if unknown or not names:
        p.error(f"unknown engine(s) {unknown}; known: {', '.join(ENGINES)}")
    if any(ENGINES[name][1]["kind"] == "tesseract" for name in names):
        ensure_tesseract()
    results = {}
    for name in names:
        label, spec = ENGINES[name]
        print(f"running {label}...", file=sys.stderr)
        results[label] = run_child(label, spec, args.set_dir, args.repeats)
    print_table(results)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
