"""The CLI and the Python API give the same JSON for the same image and options."""

import json
import subprocess

import numpy as np
import pytest

from conftest import LINES, import_hpocr

hpocr = import_hpocr()


def run_cli(cli, *args):
    proc = subprocess.run([cli, *args], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def assert_same_json(cli_json, py_json):
    assert list(cli_json) == list(py_json)
    for key in cli_json:
        if key == "rec_scores":
            np.testing.assert_allclose(cli_json[key], py_json[key], rtol=0, atol=1e-5)
        elif key == "text_det_params":
            assert cli_json[key] == pytest.approx(py_json[key])
        else:
            assert cli_json[key] == py_json[key], key


def test_cli_and_python_write_the_same_json(cli, ocr, page_path, tmp_path):
    out = run_cli(cli, "ocr", "-i", page_path, "--save_path", str(tmp_path / "cli"))
    assert all(line in out for line in LINES)
    with open(tmp_path / "cli" / "page_res.json", encoding="utf-8") as f:
        cli_json = json.load(f)

    res = ocr.predict(page_path)[0]
    assert_same_json(cli_json, res.json["res"])
    res.save_all(tmp_path / "py")
    with open(tmp_path / "py" / "page_res.json", encoding="utf-8") as f:
        assert_same_json(cli_json, json.load(f))
    for side in ("cli", "py"):
        assert (tmp_path / side / "page_ocr_res_img.png").is_file()


def test_same_json_with_options_and_paddlex_config(cli, ocr, page_path, tmp_path):
    config = tmp_path / "OCR.yaml"
    config.write_text(
        "pipeline_name: OCR\n"
        "use_textline_orientation: False\n"
        "SubModules:\n"
        "  TextDetection:\n"
        "    limit_side_len: 736\n"
        "    limit_type: max\n"
        "    box_thresh: 0.5\n"
        "  TextRecognition:\n"
        "    batch_size: 2\n"
        "    score_thresh: 0.2\n")
    run_cli(cli, "ocr", "-i", page_path, "--save_path", str(tmp_path / "cli"), "--paddlex_config", str(config),
            "--text_det_unclip_ratio", "1.8")
    with open(tmp_path / "cli" / "page_res.json", encoding="utf-8") as f:
        cli_json = json.load(f)
    o = hpocr.PaddleOCR(paddlex_config=str(config), text_det_unclip_ratio=1.8)
    assert_same_json(cli_json, o.predict(page_path)[0].json["res"])
    assert cli_json["text_det_params"]["limit_side_len"] == 736
    assert cli_json["text_det_params"]["unclip_ratio"] == pytest.approx(1.8)
