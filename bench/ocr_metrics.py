"""Scoring of OCR results against labelled text lines (stdlib only; imported by bench/accuracy.py and peers).

Ground truth: ``<set_dir>/labels.json`` =
``{"images": [{"file": "000_clean_latin.png", "kind": "clean_latin", "lines": [{"text": "...", "poly": [[x, y]] * 4}]}]}``
with polygons in image pixels, clockwise from the top-left corner of the text as read (so an upside-down line
starts at its bottom-right pixel corner).

Predictions: ``{file_name: [{"text": str, "poly": [[x, y], ...]}, ...]}`` (any polygon of three or more points).

Metrics, overall and per image kind:

* ``det_precision`` / ``det_recall`` / ``det_hmean``: one-to-one matching of predicted and labelled lines by the
  IoU of their axis-aligned bounding boxes (>= 0.5), greedily, highest IoU first.
* ``cer``: edit distance (Unicode code points, spaces counted) between each labelled line and the text read for it,
  summed and divided by the number of labelled characters. ``cer_nows``: the same with all whitespace removed
  from both sides (the PP-OCR recognisers drop some spaces between Latin words).
* ``line_exact``: the fraction of labelled lines read exactly (leading/trailing spaces stripped).
* ``word_f1``: per image, the F1 of the multiset of words (whitespace-separated) read against the labelled ones,
  wherever on the page they were read; summed counts over the images. ``char_f1``: the same over characters,
  whitespace left out (the fair one for Chinese, which has no spaces).
* ``order``: the fraction of consecutive predictions (in the order the system gave them) that are assigned to
  labelled lines in the labelled reading order (the same line, or a later one).
* ``lines``, ``chars``: the labelled lines and characters scored.

The text read for a labelled line is every prediction assigned to it, in reading order (by the centre's position
along the line's direction, so a line split into several boxes is joined back, also when it is tilted or upside
down), each stripped, empty ones left out, joined with one space. A prediction goes to the labelled line its
polygon overlaps most, among those where the overlap is at least half the smaller of the two areas: a word box
inside a line qualifies, and so does a box padded around a short line's tight ink box (detectors' boxes are
larger than the ink). Polygons rather than bounding boxes, so that the neighbours of a tilted line do not take
its pieces. Predictions assigned to no line count against detection precision only.
"""

import json
import os
from collections import Counter

METRICS = ["det_precision", "det_recall", "det_hmean", "cer", "cer_nows", "line_exact", "word_f1", "char_f1", "order",
           "lines", "chars"]
_COUNTS = ["images", "gt", "pred", "matched", "dist", "dist_nows", "chars", "chars_nows", "exact", "words_gt", "words_pred",
           "words_hit", "chars_gt", "chars_pred", "chars_hit", "pairs", "pairs_in_order"]


def load_labels(set_dir):
    """The image records of ``<set_dir>/labels.json``."""
    with open(os.path.join(set_dir, "labels.json"), encoding="utf-8") as f:
        return json.load(f)["images"]


def unturn(poly, angle, width, height):
    """A polygon given on the page turned counter-clockwise by ``angle`` (PaddleOCR's ``doc_preprocessor_res``: boxes
    are in the turned page's coordinates) mapped back onto the input image of ``width`` x ``height``."""
    if angle == 90:
        return [[width - y, x] for x, y in poly]
    if angle == 180:
        return [[width - x, height - y] for x, y in poly]
    if angle == 270:
        return [[y, height - x] for x, y in poly]
    return poly


def load_hpocr_results(out_dir, labels):
    """Predictions from the ``<stem>_res.json`` files that ``hpocr ocr --save_path out_dir`` wrote (keys
    ``rec_texts`` and ``rec_polys``; with the document orientation stage, mapped back onto the input image). An
    image without a result file gets no predictions."""
    preds = {}
    for image in labels:
        stem = os.path.splitext(image["file"])[0]
        path = os.path.join(out_dir, stem + "_res.json")
        if not os.path.exists(path):
            preds[image["file"]] = []
            continue
        with open(path, encoding="utf-8") as f:
            res = json.load(f)
        angle = (res.get("doc_preprocessor_res") or {}).get("angle", 0)
        preds[image["file"]] = [{"text": t, "poly": unturn(p, angle, image.get("width", 0), image.get("height", 0))}
                                for t, p in zip(res["rec_texts"], res["rec_polys"])]
    return preds


def edit_distance(a, b):
    """Levenshtein distance between two strings, over Unicode code points."""
    if len(a) < len(b):
        a, b = b, a
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev_diag, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev_diag, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev_diag + (ca != cb))
    return row[-1]


def _bbox(poly):
    xs, ys = [p[0] for p in poly], [p[1] for p in poly]
    return min(xs), min(ys), max(xs), max(ys)


def _bbox_iou(a, b):
    iw = min(a[2], b[2]) - max(a[0], b[0])
    ih = min(a[3], b[3]) - max(a[1], b[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def _area(poly):
    """Unsigned area of a simple polygon (shoelace)."""
    n = len(poly)
    return abs(sum(poly[i][0] * poly[(i + 1) % n][1] - poly[(i + 1) % n][0] * poly[i][1] for i in range(n))) / 2


def _clip(subject, convex):
    """``subject`` clipped to the convex polygon ``convex`` (Sutherland-Hodgman; either orientation)."""
    n = len(convex)
    sign = 1 if sum(convex[i][0] * convex[(i + 1) % n][1] - convex[(i + 1) % n][0] * convex[i][1]
                    for i in range(n)) >= 0 else -1

    def side(a, b, p):  # > 0: p is on the inner side of edge a->b
        return sign * ((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]))

    out = [tuple(p) for p in subject]
    for i in range(n):
        a, b = convex[i], convex[(i + 1) % n]
        points, out = out, []
        for j, cur in enumerate(points):
            prev = points[j - 1]
            s_cur, s_prev = side(a, b, cur), side(a, b, prev)
            if (s_cur >= 0) != (s_prev >= 0):
                t = s_prev / (s_prev - s_cur)
                out.append((prev[0] + t * (cur[0] - prev[0]), prev[1] + t * (cur[1] - prev[1])))
            if s_cur >= 0:
                out.append(cur)
        if not out:
            break
    return out


def _intersection(pred_poly, gt_poly):
    """(intersection area, the smaller of the two areas) of a prediction's polygon and a labelled line's quad."""
    inside = _clip(pred_poly, gt_poly)
    return _area(inside) if len(inside) >= 3 else 0.0, min(_area(pred_poly), _area(gt_poly))


def detection_matches(gt_lines, pred_lines):
    """The number of one-to-one matches (bbox IoU >= 0.5, greedy by IoU) between labelled and predicted lines."""
    gt_boxes = [_bbox(g["poly"]) for g in gt_lines]
    pred_boxes = [_bbox(p["poly"]) for p in pred_lines]
    pairs = sorted(((_bbox_iou(g, p), gi, pi) for gi, g in enumerate(gt_boxes) for pi, p in enumerate(pred_boxes)),
                   reverse=True)
    used_gt, used_pred = set(), set()
    for iou, gi, pi in pairs:
        if iou < 0.5:
            break
        if gi not in used_gt and pi not in used_pred:
            used_gt.add(gi)
            used_pred.add(pi)
    return len(used_gt)


def assign(gt_lines, pred_lines):
    """For each prediction, the index of the labelled line it is assigned to (see the module docstring), or None."""
    out = []
    for p in pred_lines:
        if len(p["poly"]) < 3:
            out.append(None)
            continue
        overlaps = [_intersection(p["poly"], g["poly"]) for g in gt_lines]
        candidates = [(inter, i) for i, (inter, smaller) in enumerate(overlaps) if smaller > 0 and inter >= 0.5 * smaller]
        out.append(max(candidates)[1] if candidates else None)
    return out


def read_lines(gt_lines, pred_lines):
    """The text read for each labelled line: the predictions assigned to it, in reading order, joined by a space."""
    assigned = [[] for _ in gt_lines]
    for p, i in zip(pred_lines, assign(gt_lines, pred_lines)):
        if i is not None:
            assigned[i].append(p)
    texts = []
    for g, preds in zip(gt_lines, assigned):
        (x0, y0), (x1, y1) = g["poly"][0], g["poly"][1]  # the top edge, in reading direction

        def along(p):
            cx = sum(q[0] for q in p["poly"]) / len(p["poly"])
            cy = sum(q[1] for q in p["poly"]) / len(p["poly"])
            return (cx - x0) * (x1 - x0) + (cy - y0) * (y1 - y0)

        texts.append(" ".join(t for t in (p["text"].strip() for p in sorted(preds, key=along)) if t))
    return texts


def line_pairs(labels, preds):
    """``(image record, labelled text, text read)`` for every labelled line."""
    for image in labels:
        gt = image["lines"]
        for g, text in zip(gt, read_lines(gt, preds.get(image["file"], []))):
            yield image, g["text"], text


def _image_counts(image, pred_lines):
    gt = image["lines"]
    c = dict.fromkeys(_COUNTS, 0)
    c.update(images=1, gt=len(gt), pred=len(pred_lines), matched=detection_matches(gt, pred_lines))
    for g, text in zip(gt, read_lines(gt, pred_lines)):
        truth = g["text"]
        truth_nows, text_nows = "".join(truth.split()), "".join(text.split())
        c["dist"] += edit_distance(truth, text)
        c["dist_nows"] += edit_distance(truth_nows, text_nows)
        c["chars"] += len(truth)
        c["chars_nows"] += len(truth_nows)
        c["exact"] += truth.strip() == text.strip()
    for unit, split in (("words", str.split), ("chars", lambda s: [ch for ch in s if not ch.isspace()])):
        truth = Counter(x for g in gt for x in split(g["text"]))
        read = Counter(x for p in pred_lines for x in split(p["text"]))
        c[unit + "_gt"] += sum(truth.values())
        c[unit + "_pred"] += sum(read.values())
        c[unit + "_hit"] += sum((truth & read).values())
    order = [i for i in assign(gt, pred_lines) if i is not None]
    c["pairs"] += max(len(order) - 1, 0)
    c["pairs_in_order"] += sum(b >= a for a, b in zip(order, order[1:]))
    return c


def _f1(hit, truth, read):
    precision, recall = _ratio(hit, read, 1.0 if truth == 0 else 0.0), _ratio(hit, truth, 1.0)
    return _ratio(2 * precision * recall, precision + recall, 0.0)


def _ratio(num, den, empty):
    return num / den if den else empty


def _finish(c):
    precision = _ratio(c["matched"], c["pred"], 1.0 if c["gt"] == 0 else 0.0)
    recall = _ratio(c["matched"], c["gt"], 1.0)
    return {
        "det_precision": precision,
        "det_recall": recall,
        "det_hmean": _ratio(2 * precision * recall, precision + recall, 0.0),
        "cer": _ratio(c["dist"], c["chars"], 0.0),
        "cer_nows": _ratio(c["dist_nows"], c["chars_nows"], 0.0),
        "line_exact": _ratio(c["exact"], c["gt"], 1.0),
        "word_f1": _f1(c["words_hit"], c["words_gt"], c["words_pred"]),
        "char_f1": _f1(c["chars_hit"], c["chars_gt"], c["chars_pred"]),
        "order": _ratio(c["pairs_in_order"], c["pairs"], 1.0),
        "lines": c["gt"],
        "chars": c["chars"],
        "images": c["images"],
    }


def score(labels, preds):
    """``{"overall": metrics, "per_kind": {kind: metrics}}`` for predictions against labels (see the module
    docstring for the metrics). Images missing from ``preds`` count as read with no lines."""
    totals = {"overall": dict.fromkeys(_COUNTS, 0)}
    for image in labels:
        counts = _image_counts(image, preds.get(image["file"], []))
        for key in ("overall", image.get("kind", "unknown")):
            total = totals.setdefault(key, dict.fromkeys(_COUNTS, 0))
            for name, value in counts.items():
                total[name] += value
    overall = totals.pop("overall")
    return {"overall": _finish(overall), "per_kind": {k: _finish(totals[k]) for k in sorted(totals)}}


def _cell(metric, value):
    return str(value) if metric in ("lines", "chars") else f"{100 * value:.2f}"


def _markdown(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def format_table(results):
    """Markdown tables for ``{system name: score(...)}``: the overall metrics (one row per system, rates in %),
    then one kind x system table for each of det_hmean, cer, cer_nows, line_exact, word_f1 and order."""
    overall = [[name] + [_cell(m, r["overall"][m]) for m in METRICS] for name, r in results.items()]
    out = ["overall (rates in %)\n\n" + _markdown(["system"] + METRICS, overall)]
    kinds = sorted({k for r in results.values() for k in r["per_kind"]})
    for metric in ("det_hmean", "cer", "cer_nows", "line_exact", "word_f1", "order"):
        rows = [[kind] + [_cell(metric, r["per_kind"][kind][metric]) if kind in r["per_kind"] else "-"
                          for r in results.values()] for kind in kinds]
        out.append(f"{metric} (%) per kind\n\n" + _markdown(["kind"] + list(results), rows))
    return "\n\n".join(out) + "\n"
