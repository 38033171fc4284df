"""Bad inputs and arguments raise clear exceptions (never crash)."""

import numpy as np
import pytest

from conftest import import_hpocr

hpocr = import_hpocr()


def test_exception_hierarchy():
    assert issubclass(hpocr.HpocrError, RuntimeError)
    for cls in (hpocr.InvalidInputError, hpocr.InvalidArgumentError):
        assert issubclass(cls, hpocr.HpocrError) and issubclass(cls, ValueError)
    assert issubclass(hpocr.OutputError, OSError)
    assert hpocr.InvalidInputError.category == "invalid_input"
    assert hpocr.ModelFormatError.category == "model_format"


def test_missing_file(ocr, tmp_path):
    path = str(tmp_path / "nope.png")
    with pytest.raises(hpocr.InvalidInputError, match="nope.png") as info:
        ocr.predict(path)
    assert isinstance(info.value, ValueError) and info.value.category == "invalid_input"


def test_non_image_file(ocr, tmp_path):
    path = tmp_path / "text.png"
    path.write_bytes(b"hello, this is not an image\n" * 10)
    with pytest.raises(hpocr.InvalidInputError, match="text.png"):
        ocr.predict(str(path))


def test_truncated_png(ocr, page_path, tmp_path):
    data = open(page_path, "rb").read()
    path = tmp_path / "cut.png"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(hpocr.InvalidInputError):
        ocr.predict(str(path))


def test_non_image_bytes(ocr):
    with pytest.raises(hpocr.InvalidInputError):
        ocr.predict(b"GIF89a not really")


def test_empty_directory(ocr, tmp_path):
    with pytest.raises(hpocr.InvalidInputError, match="no image or PDF files"):
        ocr.predict(str(tmp_path))


def test_url_is_refused(ocr):
    for url in ("https://example.com/a.png", "s3://bucket/a.png"):  # the rule of batch runs too
        with pytest.raises(hpocr.InvalidInputError, match="URL"):
            ocr.predict(url)


@pytest.mark.parametrize("array, what", [
    (np.zeros((40, 40, 3), np.complex64), "dtype"),
    (np.zeros((40, 40, 3), bool), "dtype"),
    (np.array([[object()] * 8] * 8), "dtype"),
    (np.zeros((40, 40, 5), np.uint8), "shape"),
    (np.zeros((2, 40, 40, 3), np.uint8), "shape"),
    (np.zeros(40, np.uint8), "shape"),
    (np.zeros((0, 40, 3), np.uint8), "empty"),
])
def test_bad_arrays(ocr, array, what):
    with pytest.raises(hpocr.InvalidInputError, match=what):
        ocr.predict(array)


def test_images_too_small_for_text_give_empty_results(ocr):
    # Legal images (PaddleOCR finds no text in them either): an empty result, not an error.
    for shape in [(1, 1, 3), (2, 2, 3), (3, 300, 3), (300, 3), (2, 2, 4)]:
        res = ocr.predict(np.zeros(shape, np.uint8))[0]
        assert len(res["rec_texts"]) == 0 and len(res["dt_polys"]) == 0


def test_bad_input_types(ocr):
    with pytest.raises(TypeError, match="got int"):
        ocr.predict(5)
    with pytest.raises(TypeError, match="got int"):
        ocr.predict_iter(5)  # raised at once, not when iterating
    with pytest.raises(TypeError, match="nested"):
        ocr.predict([["a.png"]])


def test_unknown_keyword():
    with pytest.raises(TypeError, match="text_det_treshold"):
        hpocr.PaddleOCR(text_det_treshold=0.3)


def test_positional_arguments_are_refused():
    with pytest.raises(TypeError):
        hpocr.PaddleOCR("ch")


@pytest.mark.parametrize("kwargs, match", [
    ({"text_det_thresh": 2}, "text_det_thresh"),
    ({"text_det_box_thresh": -0.1}, "text_det_box_thresh"),
    ({"text_det_limit_type": "middle"}, "text_det_limit_type"),
    ({"text_recognition_batch_size": -1}, "text_recognition_batch_size"),
    ({"cpu_threads": -1}, "cpu_threads"),
    ({"device": "tpu"}, "tpu"),
    ({"use_doc_unwarping": True}, "use_doc_unwarping"),
    ({"text_detection_model_name": "PP-OCRv9_server_det"}, "PP-OCRv9_server_det"),
    ({"ocr_version": "PP-OCRv9"}, "ocr_version"),
    ({"text_recognition_model_name": "en_PP-OCRv4_mobile_rec"}, "text_recognition_model_name"),
    ({"hpi_config": {"backend": "nonsense"}}, "nonsense"),
    ({"hpi_config": {"bogus": 1}}, "bogus"),
    ({"precision": "bf16"}, "precision"),
    ({"use_tensorrt": True}, "use_tensorrt"),
    ({"lang": "klingon"}, "lang"),
    ({"doc_unwarping_model_dir": "/tmp"}, "doc_unwarping_model_dir"),
])
def test_bad_values(kwargs, match):
    with pytest.raises(hpocr.InvalidArgumentError, match=match) as info:
        hpocr.PaddleOCR(**kwargs)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("kwargs", [
    {"text_det_thresh": "0.3"},
    {"text_det_limit_side_len": 64.5},
    {"use_textline_orientation": "yes"},
    {"return_word_box": "yes"},
    {"paddle_compat": 1},
    {"cpu_threads": True},
    {"hpi_config": "onnxruntime"},
    {"text_detection_model_dir": 5},
])
def test_wrong_types(kwargs):
    with pytest.raises(TypeError, match=next(iter(kwargs))):
        hpocr.PaddleOCR(**kwargs)


def test_bad_predict_override(ocr, page):
    with pytest.raises(hpocr.InvalidArgumentError, match="text_det_thresh"):
        ocr.predict(page, text_det_thresh=5.0)
    with pytest.raises(TypeError):
        ocr.predict(page, text_det_max_side_limit=100)  # not a per-call option in PaddleOCR either


def test_missing_model_dir(tmp_path):
    with pytest.raises(hpocr.ModelFormatError, match="empty_model"):
        hpocr.PaddleOCR(text_detection_model_dir=str(tmp_path / "empty_model"))


def test_unwritable_output(page_result, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(hpocr.OutputError):
        page_result.save_to_json(blocker / "sub")
    with pytest.raises(hpocr.OutputError):
        page_result.save_to_img(blocker / "sub")


def test_a_known_model_that_is_not_installed_says_how_to_get_it():
    with pytest.raises(hpocr.ModelFormatError, match="PP-OCRv5_server_det is not installed"):
        hpocr.PaddleOCR(text_detection_model_name="PP-OCRv5_server_det")


def test_model_name_must_match_the_model_dir(ocr, tmp_path):
    import os

    model_dir = tmp_path / "my_det"
    os.symlink(os.path.join(hpocr._hpocr.hpocr_home(), "models", "PP-OCRv4_mobile_det"), model_dir)
    o = hpocr.PaddleOCR(text_detection_model_dir=model_dir, text_detection_model_name="PP-OCRv4_mobile_det")
    assert o.options["text_detection_model_dir"] == str(model_dir)
    with pytest.raises(hpocr.InvalidArgumentError, match="does not match"):
        hpocr.PaddleOCR(text_detection_model_dir=model_dir, text_detection_model_name="PP-OCRv5_mobile_det")


def test_damaged_pdfs_are_refused(ocr, tmp_path):
    with pytest.raises(hpocr.InvalidInputError, match="corrupt, truncated"):
        ocr.predict(b"%PDF-1.4\n")
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                     b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    with pytest.raises(hpocr.InvalidInputError, match="broken.pdf: the PDF has no pages"):
        ocr.predict(str(path))


def test_pdf_page_limit(ocr, page):
    from conftest import make_pdf

    limited = hpocr.PaddleOCR(max_pdf_pages=1, use_textline_orientation=False)
    with pytest.raises(hpocr.InvalidInputError, match="the PDF has 2 pages, above max_pdf_pages \\(1\\)"):
        limited.predict(make_pdf([page, page]))
    assert len(limited.predict(make_pdf([page]))) == 1
    with pytest.raises(hpocr.InvalidArgumentError, match="max_pdf_pages"):
        hpocr.PaddleOCR(max_pdf_pages=-1)
