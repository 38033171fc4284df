"""bench/ocr_metrics.py on hand-made labels and predictions, and bench/accuracy.py generate's determinism."""

import subprocess
import sys

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
import ocr_metrics  # noqa: E402


def box(x0, y0, x1, y1):
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


LABELS = [
    {"file": "a.png", "kind": "clean_latin", "lines": [
        {"text": "Seat 23A Economy Class", "poly": box(10, 10, 300, 40)},
        {"text": "Gate B12", "poly": box(10, 60, 120, 90)},
    ]},
    {"file": "b.png", "kind": "chinese", "lines": [{"text": "欢迎光临", "poly": box(5, 5, 105, 35)}]},
]


def perfect():
    return {im["file"]: [dict(line) for line in im["lines"]] for im in LABELS}


def test_perfect_match():
    s = ocr_metrics.score(LABELS, perfect())
    o = s["overall"]
    assert o["cer"] == 0 and o["cer_nows"] == 0
    assert o["det_precision"] == o["det_recall"] == o["det_hmean"] == 1
    assert o["line_exact"] == 1
    assert o["lines"] == 3 and o["chars"] == len("Seat 23A Economy Class") + len("Gate B12") + 4
    assert set(s["per_kind"]) == {"clean_latin", "chinese"}
    assert s["per_kind"]["chinese"]["chars"] == 4


def test_dropped_space_counts_only_with_spaces():
    preds = perfect()
    preds["a.png"][1] = {"text": "GateB12", "poly": box(12, 58, 118, 92)}
    o = ocr_metrics.score(LABELS, preds)["overall"]
    assert o["cer"] > 0 and o["cer_nows"] == 0
    assert o["line_exact"] == pytest.approx(2 / 3)
    assert o["det_hmean"] == 1


def test_missed_line_lowers_recall():
    preds = perfect()
    del preds["a.png"][1]
    s = ocr_metrics.score(LABELS, preds)
    o = s["overall"]
    assert o["det_recall"] == pytest.approx(2 / 3) and o["det_precision"] == 1
    assert o["cer"] == pytest.approx(len("Gate B12") / o["chars"])
    assert s["per_kind"]["chinese"]["det_recall"] == 1


def test_missing_image_counts_as_misses():
    preds = perfect()
    del preds["b.png"]
    s = ocr_metrics.score(LABELS, preds)
    assert s["per_kind"]["chinese"]["cer"] == 1 and s["per_kind"]["chinese"]["det_recall"] == 0


def test_split_line_is_joined_in_reading_order():
    preds = perfect()
    # Right half first: the order of predictions must not matter.
    preds["a.png"][0:1] = [{"text": "Economy Class", "poly": box(140, 8, 302, 42)},
                           {"text": "Seat 23A", "poly": box(8, 8, 130, 42)}]
    o = ocr_metrics.score(LABELS, preds)["overall"]
    assert o["cer"] == 0 and o["line_exact"] == 1
    # Detection: the right half overlaps the line enough (IoU 0.51) to match it, the left half is a false positive.
    assert o["det_recall"] == 1 and o["det_precision"] == pytest.approx(3 / 4)


def test_upside_down_line_is_read_along_its_direction():
    # A line rotated by 180 degrees: point 0 (its start as read) is the bottom-right corner.
    labels = [{"file": "u.png", "kind": "upside_down",
               "lines": [{"text": "left right", "poly": [[200, 40], [0, 40], [0, 0], [200, 0]]}]}]
    preds = {"u.png": [{"text": "left", "poly": box(110, 0, 200, 40)}, {"text": "right", "poly": box(0, 0, 90, 40)}]}
    assert ocr_metrics.score(labels, preds)["overall"]["line_exact"] == 1


def test_padded_box_is_read_even_when_too_loose_to_match():
    preds = perfect()
    preds["a.png"][1] = {"text": "Gate B12", "poly": box(5, 45, 125, 105)}  # twice the line's ink height
    o = ocr_metrics.score(LABELS, preds)["overall"]
    assert o["cer"] == 0 and o["line_exact"] == 1
    assert o["det_recall"] == pytest.approx(2 / 3)  # IoU 0.46


def test_box_over_two_lines_goes_to_the_one_it_covers_most():
    preds = perfect()
    preds["a.png"] = [{"text": "Seat 23A Economy Class Gate B12", "poly": box(8, 8, 302, 70)}]
    s = ocr_metrics.score(LABELS, preds)["per_kind"]["clean_latin"]
    assert s["cer"] == pytest.approx((len(" Gate B12") + len("Gate B12")) / s["chars"])


def test_stray_prediction_lowers_precision_only():
    preds = perfect()
    preds["a.png"].append({"text": "noise", "poly": box(400, 400, 450, 420)})
    o = ocr_metrics.score(LABELS, preds)["overall"]
    assert o["det_precision"] == pytest.approx(3 / 4) and o["det_recall"] == 1 and o["cer"] == 0


def test_edit_distance_counts_code_points():
    assert ocr_metrics.edit_distance("高性能", "高能") == 1
    assert ocr_metrics.edit_distance("Total", "Tota1") == 1
    assert ocr_metrics.edit_distance("", "abc") == 3
    assert ocr_metrics.edit_distance("kitten", "sitting") == 3


def test_load_hpocr_results(tmp_path):
    (tmp_path / "a_res.json").write_text('{"rec_texts": ["Gate B12"], "rec_polys": [[[10, 60], [120, 60], [120, 90], '
                                         '[10, 90]]], "rec_scores": [0.9]}', encoding="utf-8")
    preds = ocr_metrics.load_hpocr_results(str(tmp_path), LABELS)
    assert preds == {"a.png": [{"text": "Gate B12", "poly": box(10, 60, 120, 90)}], "b.png": []}


def test_format_table_lists_systems_and_kinds():
    table = ocr_metrics.format_table({"exact": ocr_metrics.score(LABELS, perfect()),
                                      "blind": ocr_metrics.score(LABELS, {})})
    assert "| exact |" in table and "| blind |" in table
    assert "| chinese |" in table and "cer_nows (%) per kind" in table


def test_generate_is_deterministic(tmp_path):
    pytest.importorskip("PIL", reason="python3-pil not installed")
    outputs = []
    for name in ("one", "two"):
        out = tmp_path / name
        subprocess.run([sys.executable, str(REPO / "bench" / "accuracy.py"), "generate", str(out), "--count", "6"],
                       check=True, capture_output=True, timeout=120)
        outputs.append((out / "labels.json").read_bytes())
    assert outputs[0] == outputs[1]
    labels = ocr_metrics.load_labels(str(tmp_path / "one"))
    assert len(labels) == 6 and all(image["lines"] for image in labels)
    assert all((tmp_path / "one" / image["file"]).is_file() for image in labels)


def test_word_f1_and_reading_order():
    assert ocr_metrics.score(LABELS, perfect())["overall"]["word_f1"] == 1.0
    swapped = perfect()
    swapped["a.png"].reverse()  # every line read, in the wrong order
    overall = ocr_metrics.score(LABELS, swapped)["overall"]
    assert overall["word_f1"] == 1.0 and overall["char_f1"] == 1.0
    assert overall["order"] == 0.0
    missing = perfect()
    missing["a.png"][0] = {"text": "Seat 23A", "poly": box(10, 10, 300, 40)}  # two of seven words not read
    words = ocr_metrics.score(LABELS, missing)["overall"]["word_f1"]
    assert words == pytest.approx(2 * 1.0 * (5 / 7) / (1.0 + 5 / 7))
