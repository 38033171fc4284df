"""bench/peer_tesseract.py: the scoring it reports is real (hpocr engine only: Tesseract is not a CI dependency)."""

import json
import os
import subprocess
import sys

import pytest

from conftest import LINES, REPO, models_present

SCRIPT = str(REPO / "bench" / "peer_tesseract.py")


def run_script(*args):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True, env=env, timeout=300)


def test_edit_distance_counts_code_points(hpocr):
    assert hpocr._hpocr._edit_distance("高性能", "高性能") == 0
    assert hpocr._hpocr._edit_distance("高性能", "高能") == 1
    assert hpocr._hpocr._edit_distance("Total", "Tota1") == 1
    assert hpocr._hpocr._edit_distance("", "abc") == 3


def test_set_without_ground_truth_is_refused(tmp_path):
    r = run_script(str(tmp_path))
    assert r.returncode != 0
    assert "ground_truth.json" in r.stderr and "--save_set" in r.stderr


def test_unknown_engine_is_refused(tmp_path):
    (tmp_path / "ground_truth.json").write_text("[]")
    r = run_script(str(tmp_path), "--engines", "hpi_on,abbyy")
    assert r.returncode != 0 and "abbyy" in r.stderr


def test_hpocr_engine_scores_rendered_lines(hpocr, tmp_path):
    if not models_present():
        pytest.skip("default models not installed: run scripts/setup.sh")
    if not hpocr._hpocr.find_font():
        pytest.skip("no font to render test text (fonts-noto-cjk)")
    truth = []
    for i, line in enumerate(LINES):
        hpocr._hpocr._write_image(str(tmp_path / f"line{i}.png"), hpocr._hpocr._render_lines([line], 32))
        truth.append({"image": f"line{i}.png", "kind": "line", "lines": [line]})
    # A wrong ground truth for one image must cost accuracy: the score is computed, not assumed.
    truth.append({"image": "line0.png", "kind": "receipt", "lines": ["XXXXXXXXXXXXX"]})
    (tmp_path / "ground_truth.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    r = run_script(str(tmp_path), "--engines", "hpi_on", "--repeats", "1", "--json", str(tmp_path / "peers.json"))
    assert r.returncode == 0, r.stderr
    figures = json.loads((tmp_path / "peers.json").read_text())["hpocr, HPI on"]
    assert figures["kinds"]["line"]["images"] == len(LINES)
    assert figures["kinds"]["line"]["char_accuracy"] == 1.0
    assert figures["kinds"]["receipt"]["char_accuracy"] == 0.0
    assert figures["kinds"]["line"]["ms_per_image"] > 0 and figures["peak_rss_mb"] > 0
    assert "| hpocr, HPI on |" in r.stdout
