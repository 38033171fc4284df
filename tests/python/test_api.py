"""PaddleOCR-compatible API on rendered text: inputs, results, saving."""

import json
import os
import struct
import types

import numpy as np
import pytest

from conftest import LINES, import_hpocr, make_pdf, same_ocr

hpocr = import_hpocr()


def test_recognises_rendered_lines(page_result, page_path, page):
    r = page_result
    assert r["rec_texts"] == LINES
    assert r["input_path"] == page_path
    assert r["page_index"] is None
    assert all(s > 0.9 for s in r["rec_scores"])
    # PaddleOCR's types: int16 (N, 4, 2) polygons, int16 (N, 4) boxes, a float score array.
    assert r["dt_polys"].dtype == np.int16 and r["dt_polys"].shape == (3, 4, 2)
    assert r["rec_polys"].dtype == np.int16 and r["rec_polys"].shape == (3, 4, 2)
    assert r["rec_boxes"].dtype == np.int16 and r["rec_boxes"].shape == (3, 4)
    assert r["rec_scores"].dtype.kind == "f" and r["rec_scores"].shape == (3,)
    # Boxes lie inside the image and top to bottom.
    h, w = page.shape[:2]
    assert (r["rec_boxes"][:, [0, 2]] <= w).all() and (r["rec_boxes"][:, [1, 3]] <= h).all()
    assert list(r["rec_boxes"][:, 1]) == sorted(r["rec_boxes"][:, 1])
    assert list(r["textline_orientation_angles"]) == [0, 0, 0]
    assert r["model_settings"] == {"use_doc_preprocessor": False, "use_textline_orientation": True}


def test_json_has_paddleocr_layout(page_result):
    j = page_result.json
    assert list(j) == ["res"]
    res = j["res"]
    assert list(res) == ["input_path", "page_index", "model_settings", "dt_polys", "text_det_params", "text_type",
                         "textline_orientation_angles", "text_rec_score_thresh", "return_word_box", "rec_texts",
                         "rec_scores", "rec_polys", "rec_boxes"]
    assert res["rec_texts"] == LINES
    assert isinstance(res["dt_polys"], list) and isinstance(res["rec_scores"][0], float)
    json.dumps(j)  # serialisable as is
    assert res["text_det_params"]["limit_side_len"] == 64 and res["text_det_params"]["limit_type"] == "min"


def test_array_and_path_give_identical_results(ocr, page, page_result):
    r = ocr.predict(page)[0]
    assert r["input_path"] is None
    same_ocr(r, page_result)


@pytest.mark.parametrize("convert", [
    pytest.param(lambda a: a[:, :, 0].copy(), id="gray HxW"),
    pytest.param(lambda a: a[:, :, :1].copy(), id="gray HxWx1"),
    pytest.param(lambda a: np.dstack([a, np.full(a.shape[:2], 255, np.uint8)]), id="BGRA"),
    pytest.param(lambda a: a.astype(np.uint16) * 257, id="uint16"),
    pytest.param(lambda a: a.astype(np.float32) / 255, id="float32 0..1"),
    pytest.param(lambda a: np.pad(a, ((0, 0), (0, 0), (0, 1)))[:, :, :3], id="non-contiguous"),
    pytest.param(lambda a: np.asfortranarray(a), id="Fortran order"),
    pytest.param(lambda a: a.astype(">u2") * 257, id="big-endian uint16"),
])
def test_array_variants_give_identical_results(ocr, page, page_result, convert):
    r = ocr.predict(convert(page))[0]
    same_ocr(r, page_result)


def test_wide_integer_arrays_are_scaled(ocr, page):
    # int64/uint32/uint64 pixels are stretched from their min..max to 0..255 (as the core does for int32).
    for dtype in (np.int64, np.uint32):
        assert ocr.predict(page.astype(dtype) * 1000)[0]["rec_texts"] == LINES


def test_encoded_bytes(ocr, page_path, page_result):
    with open(page_path, "rb") as f:
        r = ocr.predict(f.read())[0]
    same_ocr(r, page_result)


def test_pathlike_list_and_directory(ocr, page, page_result, tmp_path):
    import pathlib

    for name in ("b.png", "a.jpg"):
        hpocr._hpocr._write_image(str(tmp_path / name), page)
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / "sub.png").mkdir()  # a directory with an image name is skipped

    results = ocr.predict(tmp_path)  # os.PathLike directory: image files sorted by name
    assert [os.path.basename(r["input_path"]) for r in results] == ["a.jpg", "b.png"]
    assert results[1]["rec_texts"] == LINES

    results = ocr.predict([pathlib.Path(tmp_path / "b.png"), page, str(tmp_path / "b.png")])
    assert [r["input_path"] for r in results] == [str(tmp_path / "b.png"), None, str(tmp_path / "b.png")]
    for r in results:
        same_ocr(r, page_result)


def test_pdf_gives_one_result_per_page(ocr, page, tmp_path):
    second = hpocr._hpocr._render_lines(["Page2:2026-11-25"], 32)
    pdf = make_pdf([page, second])
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf)
    hpocr._hpocr._write_image(str(tmp_path / "z.png"), page)
    for pages in (ocr.predict(path), ocr.predict(pdf)):  # a path, or the bytes
        assert [r["page_index"] for r in pages] == [0, 1]
        assert pages[0]["rec_texts"] == LINES
        assert [t.replace(" ", "") for t in pages[1]["rec_texts"]] == ["Page2:2026-11-25"]
    results = ocr.predict(tmp_path)  # the directory: the PDF's pages, then the image
    assert [(os.path.basename(r["input_path"]), r["page_index"]) for r in results] == \
        [("scan.pdf", 0), ("scan.pdf", 1), ("z.png", None)]
    results[1].save_all(tmp_path / "out")
    assert sorted(os.listdir(tmp_path / "out")) == ["scan_1_ocr_res_img.png", "scan_1_res.json"]
    with open(tmp_path / "out" / "scan_1_res.json", encoding="utf-8") as f:
        assert json.load(f)["page_index"] == 1


def test_list_of_arrays(ocr, page):
    results = ocr.predict([page, page[:, :, 0]])
    assert len(results) == 2 and all(r["rec_texts"] == LINES for r in results)


def test_predict_iter_is_lazy(ocr, page_path, tmp_path):
    missing = str(tmp_path / "missing.png")
    it = ocr.predict_iter([page_path, missing])  # nothing is read yet: no error for the missing file
    assert isinstance(it, types.GeneratorType)
    assert next(it)["rec_texts"] == LINES
    with pytest.raises(hpocr.InvalidInputError, match="missing.png"):
        next(it)


def test_save_to_json_and_img(page_result, page, tmp_path):
    out = tmp_path / "out"
    json_path = page_result.save_to_json(out)
    img_path = page_result.save_to_img(str(out))
    assert json_path == str(out / "page_res.json") and img_path == str(out / "page_ocr_res_img.png")
    with open(json_path, encoding="utf-8") as f:
        assert json.load(f) == page_result.json["res"]
    with open(img_path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    assert (width, height) == (2 * page.shape[1], page.shape[0])  # image | texts
    # Explicit file names are used as given.
    assert page_result.save_to_json(tmp_path / "x.json") == str(tmp_path / "x.json")
    assert page_result.save_to_img(tmp_path / "x.jpg") == str(tmp_path / "x.jpg")
    assert os.path.getsize(tmp_path / "x.jpg") > 0


def test_result_file_names_before_ocr_are_the_cores(ocr, page_path, tmp_path):
    # Batch runs (hpocr.distributed) name an input's result file before processing it, by the Python rule; it
    # must be the name the core gives the result.
    from hpocr.results import IMAGE_SUFFIX, result_file_name

    data = open(page_path, "rb").read()
    for name in ("scan.page.png", ".hidden", "..a", "...", "a.", "a..b.png"):
        path = tmp_path / name
        path.write_bytes(data)
        res = ocr.predict(str(path), text_det_limit_side_len=320)[0]
        assert os.path.basename(res.save_to_json(tmp_path / "out")) == result_file_name(str(path)), name
        assert res._stem() + IMAGE_SUFFIX == result_file_name(str(path), IMAGE_SUFFIX)


def test_array_results_are_saved_as_image(ocr, page, tmp_path):
    r = ocr.predict(page)[0]
    r.save_all(tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["image_ocr_res_img.png", "image_res.json"]


def test_img_and_print(page_result, page, capsys):
    vis = page_result.img["ocr_res_img"]
    assert vis.dtype == np.uint8 and vis.shape == (page.shape[0], 2 * page.shape[1], 3)
    page_result.print()
    printed = capsys.readouterr().out
    assert json.loads(printed) == page_result.json
    assert "高性能文字识别" in printed


def test_options_and_parameters_reach_the_result(ocr, page):
    o = hpocr.PaddleOCR(use_textline_orientation=False, text_det_box_thresh=0.5, text_rec_score_thresh=0.5,
                        text_det_limit_type="max", text_det_limit_side_len=960, cpu_threads=1)
    r = o.predict(page)[0]
    assert r["rec_texts"] == LINES
    assert list(r["textline_orientation_angles"]) == [-1, -1, -1]
    assert r["model_settings"]["use_textline_orientation"] is False
    assert r["text_det_params"]["box_thresh"] == pytest.approx(0.5)
    assert r["text_det_params"]["limit_type"] == "max"
    assert r["text_rec_score_thresh"] == pytest.approx(0.5)
    assert o.options["text_det_box_thresh"] == 0.5 and o.options["cpu_threads"] == 1


def test_score_threshold_filters_texts(ocr, page):
    r = hpocr.PaddleOCR(text_rec_score_thresh=1.0).predict(page)[0]
    assert r["rec_texts"] == [] and r["rec_boxes"].shape == (0, 4) and r["rec_polys"].shape == (0, 4, 2)
    assert r["dt_polys"].shape == (3, 4, 2)  # detection is unaffected


def test_predict_overrides_apply_to_one_call(ocr, page):
    r = ocr.predict(page, text_rec_score_thresh=1.0, use_textline_orientation=False)[0]
    assert r["rec_texts"] == [] and list(r["textline_orientation_angles"]) == [-1, -1, -1]
    assert ocr.predict(page)[0]["rec_texts"] == LINES  # the pipeline's own options are unchanged
    assert ocr.predict(page, text_det_thresh=0.3)[0]["rec_texts"] == LINES
    assert not ocr._variants  # passed per call: no second pipeline was loaded


def test_word_boxes_per_call_and_per_pipeline(ocr, page):
    r = ocr.predict(page, return_word_box=True)[0]
    assert r["return_word_box"] is True
    assert r["text_word"] == [["INV-2026-7741"], list("高性能文字识别"), ["Total", "1234.56"]]
    for words, regions, box in zip(r["text_word"], r["text_word_region"], r["rec_boxes"]):
        assert regions.dtype == np.int16 and regions.shape == (len(words), 4, 2)
        centres = regions.mean(axis=1)
        # each word's centre lies in its line's box, and the words run left to right
        assert ((centres[:, 0] >= box[0]) & (centres[:, 0] <= box[2])).all()
        assert ((centres[:, 1] >= box[1]) & (centres[:, 1] <= box[3])).all()
        assert list(centres[:, 0]) == sorted(centres[:, 0])
    assert "text_word" in r.json["res"] and "text_word_region" in r.json["res"]
    plain = ocr.predict(page)[0]
    assert plain["return_word_box"] is False and "text_word" not in plain.json["res"]
    assert hpocr.PaddleOCR(return_word_box=True).predict(page)[0]["text_word"] == r["text_word"]


def test_enabling_the_classifier_per_call_loads_it_once(page):
    plain = hpocr.PaddleOCR(use_textline_orientation=False)
    r = plain.predict(page, use_textline_orientation=True)[0]
    assert list(r["textline_orientation_angles"]) == [0, 0, 0] and r["rec_texts"] == LINES
    assert len(plain._variants) == 1
    plain.predict(page, use_textline_orientation=True)
    assert len(plain._variants) == 1


def test_compatible_arguments_are_accepted(ocr):
    o = hpocr.PaddleOCR(use_doc_orientation_classify=False, use_doc_unwarping=False, return_word_box=False,
                        text_detection_model_name="PP-OCRv4_mobile_det",
                        text_recognition_model_name="PP-OCRv4_mobile_rec",
                        textline_orientation_model_name="ch_ppocr_mobile_v2.0_cls", lang="ch", ocr_version="PP-OCRv4",
                        precision="fp32", enable_mkldnn=True, use_tensorrt=False, hpi_config={"backend": "onnxruntime"},
                        device="cpu", enable_hpi=False, text_detection_model_dir=None)
    assert "PP-OCRv4_mobile_det" in o.describe()
    assert o.options["hpi_config"]["backend"] == "onnxruntime"


def test_precision_reaches_every_engine(ocr, tmp_path, capfd, monkeypatch):
    import shutil

    # Model copies without an INT8 version: precision="int8" builds it on first use (docs/int8.md), here with
    # small generated sets; copies keep the shared default models' caches untouched.
    monkeypatch.setenv("HPOCR_INT8_CALIB_IMAGES", "2")
    monkeypatch.setenv("HPOCR_INT8_VAL_IMAGES", "2")
    monkeypatch.setenv("HPOCR_INT8_GUARD_ROUNDS", "0")
    monkeypatch.setenv("HPOCR_INT8_DOC_PAGES", "0")
    dirs = {}
    for key, name in (("text_detection_model_dir", "PP-OCRv4_mobile_det"),
                      ("text_recognition_model_dir", "PP-OCRv4_mobile_rec")):
        shutil.copytree(os.path.join(hpocr._hpocr.hpocr_home(), "models", name), tmp_path / name,
                        ignore=shutil.ignore_patterns(".cache"))
        dirs[key] = str(tmp_path / name)
    capfd.readouterr()
    # Like the CLI's --precision, it wins over hpi_config's own.
    o = hpocr.PaddleOCR(precision="int8", use_textline_orientation=False,
                        hpi_config={"backend_config": {"precision": "fp32"}}, **dirs)
    assert o.options["hpi_config"]["backend_config"]["precision"] == "int8"
    err = capfd.readouterr().err
    assert "building the INT8 version of PP-OCRv4_mobile_det, PP-OCRv4_mobile_rec on first use" in err
    assert "INT8 build done" in err
    # The next pipeline finds the entries (no second build) and reads the text.
    r = hpocr.PaddleOCR(precision="int8", use_textline_orientation=False,
                        **dirs).predict(hpocr._hpocr._render_lines(LINES[:1], 32))[0]
    assert r["rec_texts"] == LINES[:1]
    assert "INT8 build" not in capfd.readouterr().err


def test_enable_hpi_gives_the_same_texts(ocr, page, page_result):
    r = hpocr.PaddleOCR(enable_hpi=True, hpi_config={"backend": "onnxruntime"}).predict(page)[0]
    assert r["rec_texts"] == page_result["rec_texts"]


def test_deprecated_ocr_method(ocr, page):
    with pytest.warns(DeprecationWarning):
        assert ocr.ocr(page)[0]["rec_texts"] == LINES


def test_doc_orientation_turns_a_sideways_page_upright(hpocr, ocr, page):
    upright = ocr.predict(page)[0]
    turned = np.ascontiguousarray(np.rot90(page))  # counter-clockwise: the classifier's label is 270
    doc = hpocr.PaddleOCR(use_doc_orientation_classify=True)
    res = doc.predict(turned)[0]
    assert res["doc_preprocessor_res"]["angle"] == 270
    assert res["model_settings"]["use_doc_preprocessor"] is True
    assert res["rec_texts"] == upright["rec_texts"]
    assert "doc_preprocessor_res" not in doc.predict(turned, use_doc_orientation_classify=False)[0].json["res"]
    with pytest.raises(hpocr.InvalidArgumentError, match="use_doc_orientation_classify"):
        ocr.predict(turned, use_doc_orientation_classify=True)  # that pipeline has no orientation model loaded


def test_model_families_by_version_name_and_language(hpocr, page):
    v6 = hpocr.PaddleOCR(ocr_version="PP-OCRv6")
    assert "PP-OCRv6_small_rec" in v6.describe()
    tiny = hpocr.PaddleOCR(text_recognition_model_name="PP-OCRv6_tiny_rec", text_detection_model_name="PP-OCRv6_tiny_det")
    assert "PP-OCRv6_tiny_rec" in tiny.describe()
    assert tiny.predict(page)[0]["rec_texts"]
    french = hpocr.PaddleOCR(lang="fr")  # read by the newest family with a Latin recogniser
    assert "PP-OCRv6" in french.describe()
    rec = hpocr.TextRecognition(model_name="PP-OCRv5_mobile_rec")
    assert rec.model_name == "PP-OCRv5_mobile_rec"
