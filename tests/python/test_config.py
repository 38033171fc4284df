"""paddlex_config (file or dict) and its precedence under keyword arguments."""

import pytest

from conftest import import_hpocr

hpocr = import_hpocr()

CONFIG = """\
pipeline_name: OCR
use_textline_orientation: False
SubModules:
  TextDetection:
    module_name: text_detection
    model_name: PP-OCRv4_mobile_det
    limit_side_len: 736
    limit_type: max
    thresh: 0.25
    box_thresh: 0.5
    unclip_ratio: 2.0
  TextRecognition:
    batch_size: 3
    score_thresh: 0.1
  TextLineOrientation:
    batch_size: 2
"""


@pytest.fixture()
def config_file(tmp_path):
    path = tmp_path / "OCR.yaml"
    path.write_text(CONFIG)
    return path


def test_file_values_are_defaults(ocr, config_file):
    o = hpocr.PaddleOCR(paddlex_config=config_file).options
    assert (o["text_det_limit_side_len"], o["text_det_limit_type"], o["text_det_thresh"], o["text_det_box_thresh"],
            o["text_det_unclip_ratio"]) == (736, "max", 0.25, 0.5, 2.0)
    assert o["text_recognition_batch_size"] == 3 and o["textline_orientation_batch_size"] == 2
    assert o["text_rec_score_thresh"] == 0.1
    assert o["use_textline_orientation"] is False


def test_keywords_override_the_file(ocr, config_file):
    o = hpocr.PaddleOCR(paddlex_config=str(config_file), text_det_box_thresh=0.7, use_textline_orientation=True).options
    assert o["text_det_box_thresh"] == 0.7 and o["use_textline_orientation"] is True
    assert o["text_det_limit_side_len"] == 736  # untouched keys keep the file's value


def test_dict_config_and_relative_model_dir(ocr, tmp_path, monkeypatch):
    import os

    home_models = os.path.join(hpocr._hpocr.hpocr_home(), "models")
    monkeypatch.chdir(home_models)
    config = {"SubModules": {"TextDetection": {"model_dir": "PP-OCRv4_mobile_det", "box_thresh": 0.4}}}
    o = hpocr.PaddleOCR(paddlex_config=config)
    assert o.options["text_detection_model_dir"] == os.path.join(home_models, "PP-OCRv4_mobile_det")
    assert o.options["text_det_box_thresh"] == 0.4
    assert config["SubModules"]["TextDetection"]["model_dir"] == "PP-OCRv4_mobile_det"  # caller's dict untouched


def test_bad_config_files(tmp_path):
    with pytest.raises(hpocr.InvalidArgumentError, match="cannot read"):
        hpocr.PaddleOCR(paddlex_config=tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("SubModules:\n  TextDetection:\n    thresh: [1, 2]\n")
    with pytest.raises(hpocr.InvalidArgumentError, match="thresh"):
        hpocr.PaddleOCR(paddlex_config=bad)
    with pytest.raises(TypeError, match="paddlex_config"):
        hpocr.PaddleOCR(paddlex_config=42)
    odd = tmp_path / "odd.yaml"
    odd.write_text("? [a, b]\n: 1\npipeline_name: OCR\n")  # a list as a key (found by fuzzing)
    with pytest.raises(hpocr.InvalidArgumentError, match="not a name"):
        hpocr.PaddleOCR(paddlex_config=odd)
