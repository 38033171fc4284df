"""hpocr: fast OCR (PaddleOCR's PP-OCR pipeline) on a C++ core, with PaddleOCR 3.x's Python API.

::

    from hpocr import PaddleOCR

    ocr = PaddleOCR()                      # PaddleOCR 3.x argument names and defaults
    for res in ocr.predict("scan.png"):    # a path, a directory, a NumPy image, or a list of those
        print(res["rec_texts"], res["rec_scores"])
        res.save_to_json("output")         # output/scan_res.json, as the hpocr CLI writes it
        res.save_to_img("output")          # output/scan_ocr_res_img.png

Single models: :class:`TextDetection`, :class:`TextRecognition`, :class:`TextLineOrientationClassification`.
Errors: :class:`HpocrError` and its subclasses (``hpocr.errors``). Models and the ONNX Runtime library come
from ``$HPOCR_HOME`` (default ``~/.cache/hpocr``, installed by ``scripts/setup.sh``); nothing is downloaded.
"""

try:
    from . import _hpocr
except ImportError as _err:  # pragma: no cover - depends on the installation
    raise ImportError(
        "hpocr's native module _hpocr is missing or does not match this Python "
        f"({_err}); build it with scripts/build.sh release and use build/release/python, "
        "or install the package (see python/README.md)"
    ) from _err

from . import errors
from .errors import *  # noqa: F401,F403 - the exception classes, listed in errors.__all__
from .models import TextDetection, TextLineOrientationClassification, TextRecognition
from .pipeline import PaddleOCR
from .results import OCRResult, TextDetResult, TextLineOrientationResult, TextRecResult

__version__ = _hpocr.__version__

__all__ = [
    "PaddleOCR",
    "TextDetection",
    "TextRecognition",
    "TextLineOrientationClassification",
    "OCRResult",
    "TextDetResult",
    "TextRecResult",
    "TextLineOrientationResult",
    *errors.__all__,
    "set_log_level",
    "__version__",
]


def set_log_level(level: str) -> None:
    """Log level of the C++ core (stderr): "trace", "debug", "info", "warning" (default), "error" or "off"."""
    _hpocr.set_log_level(level)
