"""Single-model classes: TextDetection, TextRecognition, TextLineOrientationClassification."""

import pathlib
import shutil

import numpy as np
import pytest

from conftest import LINES, import_hpocr, models_present

hpocr = import_hpocr()

pytestmark = pytest.mark.skipif(not models_present(), reason="default models not installed: run scripts/setup.sh")


@pytest.fixture(scope="module")
def crops(page_result, page):
    """The page's text lines cut out along their boxes (with a small margin)."""
    out = []
    for x0, y0, x1, y1 in page_result["rec_boxes"].astype(int):
        out.append(np.ascontiguousarray(page[max(y0 - 2, 0):y1 + 2, max(x0 - 2, 0):x1 + 2]))
    return out


def test_text_detection(page, page_path, page_result):
    det = hpocr.TextDetection()
    assert det.model_name == hpocr._hpocr.DEFAULT_MODELS["text_detection"]
    res = det.predict(page_path)[0]
    assert set(res) == {"input_path", "page_index", "dt_polys", "dt_scores"}
    assert res["input_path"] == page_path
    assert res["dt_polys"].dtype == np.int16 and res["dt_polys"].shape == (3, 4, 2)
    assert len(res["dt_scores"]) == 3 and all(0.6 <= s <= 1 for s in res["dt_scores"])
    # The module's own resize (960/max) finds the same lines as the pipeline (64/min); compare by top edge.
    tops = sorted(int(p[:, 1].min()) for p in res["dt_polys"])
    assert np.allclose(tops, sorted(page_result["dt_polys"][:, :, 1].min(axis=1)), atol=3)
    # Per-call parameters: nothing passes a box threshold of 1.
    assert det.predict(page, box_thresh=1.0)[0]["dt_polys"].shape == (0, 4, 2)
    assert hpocr.TextDetection(limit_side_len=64, limit_type="min").predict(page)[0]["dt_polys"].shape == (3, 4, 2)
    assert res.json["res"]["dt_polys"][0][0] == res["dt_polys"][0][0].tolist()


def test_text_recognition(crops):
    rec = hpocr.TextRecognition(batch_size=2)
    assert rec.model_name == hpocr._hpocr.DEFAULT_MODELS["text_recognition"]
    results = rec.predict(crops)
    assert [r["rec_text"] for r in results] == LINES
    assert all(r["rec_score"] > 0.9 for r in results)
    assert set(results[0]) == {"input_path", "page_index", "rec_text", "rec_score"}
    # Batch size does not change the texts.
    assert [r["rec_text"] for r in rec.predict(crops, batch_size=1)] == LINES


def test_textline_orientation(crops):
    cls = hpocr.TextLineOrientationClassification()
    assert cls.model_name == hpocr._hpocr.DEFAULT_MODELS["textline_orientation"]
    upright = cls.predict(crops)
    turned = cls.predict([np.ascontiguousarray(c[::-1, ::-1]) for c in crops])
    assert all(cls.labels[r["class_ids"][0]] == r["label_names"][0] for r in upright + turned)
    assert all("180" not in r["label_names"][0] for r in upright)
    assert sum("180" in r["label_names"][0] for r in turned) >= 2
    assert upright[0]["scores"].dtype == np.float64 and upright[0]["class_ids"].shape == (1,)


def test_model_errors(tmp_path):
    with pytest.raises(hpocr.InvalidArgumentError, match="model_name"):
        hpocr.TextRecognition(model_name="PP-OCRv9_server_rec")
    with pytest.raises(hpocr.ModelFormatError, match="not installed"):
        hpocr.TextRecognition(model_name="PP-OCRv5_server_rec")
    with pytest.raises(hpocr.ModelFormatError):
        hpocr.TextDetection(model_dir=str(tmp_path))
    with pytest.raises(hpocr.InvalidArgumentError, match="thresh"):
        hpocr.TextDetection(thresh=3)
    with pytest.raises(hpocr.InvalidArgumentError, match="batch_size"):
        hpocr.TextRecognition(batch_size=0)
    with pytest.raises(TypeError, match="unknown_arg"):
        hpocr.TextLineOrientationClassification(unknown_arg=1)
    rec = hpocr.TextRecognition()
    with pytest.raises(hpocr.InvalidInputError, match="dtype"):
        rec.predict(np.zeros((8, 8), complex))


def test_paddle_textline_model_is_converted_on_first_use(crops, tmp_path):
    """A PIR-format PP-LCNet textline orientation model works through the API with enable_hpi=True."""
    shared = pathlib.Path(__file__).resolve().parents[3] / "shared" / "models" / "paddle" / "PP-LCNet_x0_25_textline_ori"
    if not shared.is_dir():
        pytest.skip("../shared/models/paddle is absent")
    model_dir = tmp_path / shared.name
    shutil.copytree(shared, model_dir)  # the conversion cache goes into the model directory
    cls = hpocr.TextLineOrientationClassification(model_dir=str(model_dir), enable_hpi=True)
    assert cls.model_name == "PP-LCNet_x0_25_textline_ori"
    upright = cls.predict(crops)
    turned = cls.predict([np.ascontiguousarray(c[::-1, ::-1]) for c in crops])
    assert [r["label_names"][0] for r in upright] == ["0_degree"] * len(crops)
    assert [r["label_names"][0] for r in turned] == ["180_degree"] * len(crops)
    assert any(p.name.startswith("paddle2onnx-") for p in (model_dir / ".cache" / "hpocr").iterdir())


def test_precision_reaches_the_model_engine(tmp_path, capfd):
    """precision= is applied to the single model's engine, not only checked: a model with no INT8 version asked
    for int8 runs fp32 with the engine loader's warning."""
    with pytest.raises(hpocr.InvalidArgumentError, match="precision"):
        hpocr.TextRecognition(precision="int4")
    model_dir = tmp_path / "cls"
    shutil.copytree(pathlib.Path(hpocr._hpocr.hpocr_home()) / "models" / "ch_ppocr_mobile_v2.0_cls", model_dir)
    capfd.readouterr()
    cls = hpocr.TextLineOrientationClassification(model_dir=str(model_dir), precision="int8")
    assert "precision int8 refused, using fp32" in capfd.readouterr().err
    assert cls.predict(np.full((48, 192, 3), 255, np.uint8))[0]["class_ids"].shape == (1,)
