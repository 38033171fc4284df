#!/usr/bin/env python3
"""Soak test of `hpocr serve`: hours of mixed good and bad traffic from several clients, while the server's
resident memory, open file descriptors, threads and latency are sampled every minute.

    /usr/bin/python3 bench/soak.py --minutes 30 --clients 4 --out /tmp/soak

Traffic (seeded, in turn per client): rendered text images of several sizes, a two-page PDF, malformed JSON,
invalid base64, bytes that are no image, a truncated PNG, an image whose header exceeds --max_image_pixels
(413), a body above --max_body_bytes (413), and a bad parameter (422). Every request must be answered with
200, 4xx, 503 or 504 and a JSON body with errorCode and errorMsg; anything else (no answer, 500, a body that is
not JSON) is a failure. At the end the script compares the last 10 minutes with minutes 5-10 (RSS, fds,
threads within 10 %) and writes soak.json and soak.png (needs python3-pil) to --out. Exit code 1 when a
request failed or a resource kept growing.
"""
import argparse
import base64
import io
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from PIL import Image, ImageDraw, ImageFont

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
GOOD = {"small image", "page image", "two-page PDF", "small image, word boxes"}  # requests that run OCR
WORDS = "invoice total order shipped receipt gate boarding seat class room floor price date batch".split()


def render(lines, width, seed):
    """An RGB image with `lines` of black text on white, as PNG bytes."""
    font = ImageFont.truetype(FONT, 28) if os.path.exists(FONT) else ImageFont.load_default()
    image = Image.new("RGB", (width, 60 + 50 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((30, 30 + 50 * i), line, font=font, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def sentence(rng):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6))) + f" {rng.randint(1, 9999)}"


def payloads(max_body_bytes):
    """(name, body bytes, content type) of the traffic mix; the same for every run."""
    rng = random.Random(20261130)
    b64 = lambda data: base64.b64encode(data).decode("ascii")
    req = lambda obj: json.dumps(obj).encode()
    small = render([sentence(rng)], 500, 1)
    page = render([sentence(rng) for _ in range(12)], 1000, 2)
    pages = [Image.open(io.BytesIO(render([sentence(rng) for _ in range(4)], 800, 3 + i))).convert("RGB") for i in range(2)]
    pdf = io.BytesIO()
    pages[0].save(pdf, "PDF", save_all=True, append_images=pages[1:])
    huge_header = bytearray(small)
    huge_header[16:24] = (30000).to_bytes(4, "big") * 2  # IHDR width and height
    return [
        ("small image", req({"file": b64(small), "fileType": 1, "visualize": False}), "application/json"),
        ("page image", req({"file": b64(page), "fileType": 1}), "application/json"),
        ("two-page PDF", req({"file": b64(pdf.getvalue()), "fileType": 0, "visualize": False}), "application/json"),
        ("small image, word boxes", req({"file": b64(small), "returnWordBox": True, "visualize": False}), "application/json"),
        ("malformed JSON", b'{"file": "abc', "application/json"),
        ("invalid base64", req({"file": "@@@@not base64@@@@"}), "application/json"),
        ("not an image", req({"file": b64(b"hello, this is text " * 20), "fileType": 1}), "application/json"),
        ("truncated PNG", req({"file": b64(page[: len(page) // 2]), "fileType": 1}), "application/json"),
        ("header above max pixels", req({"file": b64(bytes(huge_header)), "fileType": 1}), "application/json"),
        ("body above max bytes", b'{"file": "' + b"A" * (max_body_bytes + 16) + b'"}', "application/json"),
        ("bad parameter", req({"file": b64(small), "textDetThresh": 7}), "application/json"),
    ]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_stats(pid):
    """(RSS MB, open fds, threads) of a process, from /proc."""
    rss = threads = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss, len(os.listdir(f"/proc/{pid}/fd")), threads


class Traffic:
    """Client threads posting the mix until stopped; counts answers and records latencies."""

    def __init__(self, url, mix, clients, seed):
        self.url, self.mix, self.clients, self.seed = url, mix, clients, seed
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.latencies = []       # (finish time, seconds, payload name)
        self.statuses = {}        # status -> count
        self.failures = []        # (payload name, why)

    def post(self, body, ctype):
        request = urllib.request.Request(self.url + "/ocr", data=body, headers={"Content-Type": ctype})
        try:
            with urllib.request.urlopen(request, timeout=120) as res:
                return res.status, res.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def client(self, index):
        rng = random.Random(self.seed + index)
        while not self.stop.is_set():
            name, body, ctype = rng.choice(self.mix)
            start = time.monotonic()
            try:
                status, data = self.post(body, ctype)
                why = None
                if status == 200 or 400 <= status < 500 or status in (503, 504):
                    try:
                        answer = json.loads(data)
                        if "errorCode" not in answer or "errorMsg" not in answer:
                            why = f"{status} without errorCode/errorMsg"
                    except ValueError:
                        why = f"{status} with a body that is not JSON"
                else:
                    why = f"status {status}: {data[:200]!r}"
            except Exception as e:  # no answer at all: connection refused/reset, timeout
                status, why = -1, f"no answer: {e}"
            end = time.monotonic()
            with self.lock:
                self.latencies.append((end, end - start, name))
                self.statuses[status] = self.statuses.get(status, 0) + 1
                if why:
                    self.failures.append((name, why))

    def start(self):
        self.threads = [threading.Thread(target=self.client, args=(i,), daemon=True) for i in range(self.clients)]
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(180)


def percentile(values, q):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def plot(samples, path):
    """Three stacked panels (RSS; fds and threads; p50/p95 latency of good requests) as a PNG, drawn with PIL."""
    panels = [("resident memory, VmRSS (MB)", [("RSS", "rss_mb", (200, 40, 40))]),
              ("open fds / threads", [("fds", "fds", (40, 90, 200)), ("threads", "threads", (40, 160, 60))]),
              ("latency of good requests (s)", [("p50", "p50_s", (90, 90, 90)), ("p95", "p95_s", (230, 140, 0))])]
    width, height, left, top = 900, 260, 70, 30
    image = Image.new("RGB", (width, height * len(panels)), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 13) if os.path.exists(FONT) else ImageFont.load_default()
    minutes = [s["minute"] for s in samples] or [0]
    x_max = max(minutes[-1], 1)
    for p, (title, series) in enumerate(panels):
        y0 = p * height
        values = [s[key] for _, key, _ in series for s in samples]
        v_max = max(values + [1e-9]) * 1.15
        box = (left, y0 + top, width - 20, y0 + height - 35)
        draw.rectangle(box, outline=(120, 120, 120))
        draw.text((left, y0 + 8), title, fill=(0, 0, 0), font=font)
        for k in range(5):  # y grid and labels
            v = v_max * k / 4
            y = box[3] - (box[3] - box[1]) * k / 4
            draw.line((box[0], y, box[2], y), fill=(230, 230, 230))
            draw.text((8, y - 7), f"{v:.3g}", fill=(60, 60, 60), font=font)
        for m in range(0, int(x_max) + 1, max(1, int(x_max) // 10)):
            x = box[0] + (box[2] - box[0]) * m / x_max
            draw.text((x - 4, box[3] + 4), str(m), fill=(60, 60, 60), font=font)
        draw.text((box[2] - 60, box[3] + 18), "minute", fill=(60, 60, 60), font=font)
        for n, (label, key, colour) in enumerate(series):
            points = [(box[0] + (box[2] - box[0]) * s["minute"] / x_max, box[3] - (box[3] - box[1]) * s[key] / v_max)
                      for s in samples]
            if len(points) > 1:
                draw.line(points, fill=colour, width=2)
            draw.text((box[2] - 150 + 70 * n, y0 + 8), label, fill=colour, font=font)
    image.save(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hpocr", default=os.path.join(REPO, "build", "release", "apps", "hpocr"))
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--interval", type=float, default=60, help="seconds between samples (default 60)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default="soak-out")
    parser.add_argument("--serve_args", default="--enable_hpi True", help="extra hpocr serve options")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    max_body = 4 << 20
    port = free_port()
    cmd = [args.hpocr, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
           "--max_queue", "8", "--request_timeout", "60", "--max_body_bytes", str(max_body),
           "--max_image_pixels", "20000000", "--max_pdf_pages", "5", *args.serve_args.split()]
    log = open(os.path.join(args.out, "serve.log"), "w")
    server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(url + "/health", timeout=5) as res:
                if res.status == 200:
                    break
        except Exception:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"hpocr serve did not start ({' '.join(cmd)}); see {args.out}/serve.log")
        time.sleep(0.5)

    traffic = Traffic(url, payloads(max_body), args.clients, seed=7)
    start = time.monotonic()
    traffic.start()
    samples, seen = [], 0
    try:
        while time.monotonic() - start < args.minutes * 60:
            time.sleep(min(args.interval, max(0.0, args.minutes * 60 - (time.monotonic() - start))))
            if server.poll() is not None:
                traffic.failures.append(("server", f"exited with {server.returncode}"))
                break
            rss, fds, threads = proc_stats(server.pid)
            with traffic.lock:
                window = traffic.latencies[seen:]
                seen = len(traffic.latencies)
                failures = len(traffic.failures)
            good = [t for _, t, name in window if name in GOOD]
            sample = {"minute": round((time.monotonic() - start) / 60, 2), "rss_mb": round(rss, 1), "fds": fds,
                      "threads": threads, "requests": len(window), "p50_s": round(percentile(good, 0.5), 3),
                      "p95_s": round(percentile(good, 0.95), 3), "failures_so_far": failures}
            samples.append(sample)
            print(json.dumps(sample), flush=True)
    finally:
        traffic.finish()
        server.terminate()
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()

    def mean(key, lo, hi):
        vals = [s[key] for s in samples if lo < s["minute"] <= hi]
        return statistics.mean(vals) if vals else None

    total = samples[-1]["minute"] if samples else 0
    verdict = {}
    if total >= 15:
        for key in ("rss_mb", "fds", "threads"):
            early, late = mean(key, 5, 10), mean(key, total - 10, total)
            verdict[key] = {"minutes_5_10": early, "last_10": late,
                            "flat": early is not None and late is not None and late <= early * 1.10}
    result = {"command": cmd, "minutes": total, "clients": args.clients, "statuses": traffic.statuses,
              "requests": len(traffic.latencies), "failures": traffic.failures[:50],
              "failure_count": len(traffic.failures), "flat": verdict, "samples": samples}
    with open(os.path.join(args.out, "soak.json"), "w") as f:
        json.dump(result, f, indent=1)
    if samples:
        plot(samples, os.path.join(args.out, "soak.png"))
    print(f"{len(traffic.latencies)} requests in {total:.1f} min from {args.clients} clients; statuses "
          f"{dict(sorted(traffic.statuses.items()))}; failures {len(traffic.failures)}")
    for key, v in verdict.items():
        print(f"{key}: minutes 5-10 {v['minutes_5_10']:.1f}, last 10 {v['last_10']:.1f} -> {'flat' if v['flat'] else 'GROWING'}")
    for name, why in traffic.failures[:10]:
        print(f"failure: {name}: {why}")
    ok = not traffic.failures and all(v["flat"] for v in verdict.values())
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
