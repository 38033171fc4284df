"""Shared fixtures of the Python API tests.

The tests import ``hpocr`` from ``$PYTHONPATH`` (scripts/test_python.sh points it at build/release/python) and
skip cleanly when the package is not built or the default models are not installed (scripts/setup.sh).
"""

import os
import pathlib
import sys

import numpy as np
import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]

sys.path.insert(0, str(REPO / "scripts"))
import python_tools  # noqa: E402  (pinned PyPI tools with an offline wheel cache: mypy, scikit-build-core)

#: Text rendered on the test page. No spaces between Latin words: the PP-OCRv4 Chinese recogniser (as in
#: PaddleOCR) often drops them.
LINES = ["INV-2026-7741", "高性能文字识别", "Total:1234.56"]


def import_hpocr():
    """The hpocr package, or a skip of the calling module when it is not built."""
    return pytest.importorskip("hpocr", reason="hpocr Python package not built (scripts/build.sh release; "
                                               "PYTHONPATH=build/release/python)")


def models_present() -> bool:
    hpocr = import_hpocr()
    home = pathlib.Path(hpocr._hpocr.hpocr_home()) / "models"
    return all((home / name / "inference.onnx").is_file() for name in hpocr._hpocr.DEFAULT_MODELS.values())


@pytest.fixture(scope="session")
def hpocr():
    return import_hpocr()


@pytest.fixture(scope="session")
def ocr(hpocr):
    """One default pipeline for the session (model loading is the slow part)."""
    if not models_present():
        pytest.skip("default models not installed: run scripts/setup.sh")
    try:
        return hpocr.PaddleOCR()
    except hpocr.BackendUnavailableError as err:
        pytest.skip(f"ONNX Runtime unavailable: {err}")


@pytest.fixture(scope="session")
def page(hpocr) -> np.ndarray:
    """LINES rendered black on white (BGR uint8)."""
    if not hpocr._hpocr.find_font():
        pytest.skip("no font to render test text (fonts-noto-cjk)")
    return hpocr._hpocr._render_lines(LINES, 32)


@pytest.fixture(scope="session")
def page_path(hpocr, page, tmp_path_factory) -> str:
    """The page as a PNG file."""
    path = str(tmp_path_factory.mktemp("page") / "page.png")
    hpocr._hpocr._write_image(path, page)
    return path


@pytest.fixture(scope="session")
def page_result(ocr, page_path):
    """The reference result: the page OCRed from its file."""
    return ocr.predict(page_path)[0]


@pytest.fixture(scope="session")
def cli() -> str:
    """The hpocr CLI of the same build."""
    path = os.environ.get("HPOCR_CLI") or str(REPO / "build" / "release" / "apps" / "hpocr")
    if not os.access(path, os.X_OK):
        pytest.skip(f"hpocr CLI not built ({path})")
    return path


def same_ocr(a, b) -> None:
    """Asserts two OCR results agree: texts and boxes exactly, scores to 1e-5 (thread scheduling in the
    backend may change the last bits)."""
    assert a["rec_texts"] == b["rec_texts"]
    np.testing.assert_array_equal(a["dt_polys"], b["dt_polys"])
    np.testing.assert_array_equal(a["rec_boxes"], b["rec_boxes"])
    np.testing.assert_allclose(a["rec_scores"], b["rec_scores"], rtol=0, atol=1e-5)


def make_pdf(pages) -> bytes:
    """A minimal PDF with one page per BGR uint8 image, sized so that 144 DPI renders it at its pixel size."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % (3 + 3 * i) for i in range(len(pages))),
                                                           len(pages))]
    for i, image in enumerate(pages):
        h, w = image.shape[:2]
        pw, ph = w / 2, h / 2  # points at 144 DPI
        draw = b"q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q" % (pw, ph)
        rgb = np.ascontiguousarray(image[:, :, ::-1]).tobytes()
        objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /XObject << /Im0 %d 0 R >> >> "
                    b"/Contents %d 0 R >>" % (pw, ph, 5 + 3 * i, 4 + 3 * i),
                    b"<< /Length %d >>\nstream\n%s\nendstream" % (len(draw), draw),
                    b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 "
                    b"/Length %d >>\nstream\n%s\nendstream" % (w, h, len(rgb), rgb)]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
