"""``PaddleOCR``: the OCR pipeline (detection, textline orientation, recognition) with PaddleOCR 3.x's API."""

from __future__ import annotations

import contextlib
import copy
import json
import os
import tempfile
import threading
from collections import OrderedDict
from typing import Any, Iterator, Optional

import numpy as np

from . import _hpocr
from ._inputs import check_source, iter_inputs
from ._params import check_engine_compat, check_type, check_unavailable
from .errors import InvalidArgumentError
from .results import OCRResult

__all__ = ["PaddleOCR"]

_PARAMS = _hpocr.parameters()  # the native parameter table (docs/parameters.md)

#: Options forwarded to the core, with their kinds.
_NATIVE_PARAMS = {p["name"]: p["type"] for p in _PARAMS if p["scope"] != "module" and not p["unavailable"]}

#: predict() arguments that change the pipeline's options for one call.
_PREDICT_PARAMS = tuple(p["name"] for p in _PARAMS if p["scope"] == "per_call" and not p["unavailable"])

#: PaddleOCR switches of features hpocr lacks (only False is accepted), with what they are.
_UNAVAILABLE = {p["name"]: p["unavailable"] for p in _PARAMS if p["unavailable"]}

#: Pipeline variants kept for predict() overrides (each holds its own loaded models).
_MAX_VARIANTS = 4

class _PipelineConfig:
    """``paddlex_config`` for the core: a file path as given, or a dict (normalised once: a deep copy with relative
    ``model_dir`` values made absolute against the working directory) written to a temporary file when needed."""

    def __init__(self, paddlex_config: Any):
        self.path, self.data = "", None
        if isinstance(paddlex_config, dict):
            self.data = json.loads(json.dumps(paddlex_config, default=os.fspath))
            submodules = self.data.get("SubModules")
            for module in submodules.values() if isinstance(submodules, dict) else ():
                if isinstance(module, dict) and isinstance(module.get("model_dir"), str):
                    module["model_dir"] = os.path.abspath(module["model_dir"])
        elif paddlex_config is not None:
            self.path = check_type("paddlex_config", paddlex_config, "path")

    @contextlib.contextmanager
    def file(self) -> Iterator[str]:
        """The config as a file path ("" for none); a dict is written as JSON, which is valid YAML."""
        if self.data is None:
            yield self.path
            return
        fd, path = tempfile.mkstemp(prefix="hpocr_paddlex_config_", suffix=".yaml")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(self.data, f)
            yield path
        finally:
            os.unlink(path)


def _with_table_options(where: str, args: dict, accepted: dict) -> dict:
    """The keyword arguments of ``where`` with ``**options`` merged in: parameters of the native table without a
    keyword of their own in the signature (docs/parameters.md) are accepted there; anything else is a TypeError."""
    args.pop("self", None)
    for name, value in args.pop("options").items():
        if name not in accepted or name in args:
            raise TypeError(f"{where} got an unexpected keyword argument {name!r}")
        args[name] = value
    for name in accepted:
        args.setdefault(name, None)
    return args


def _check_features_off(args: dict) -> None:
    for name, what in _UNAVAILABLE.items():
        check_unavailable(name, args[name], what)


def _same(kind: str, a: Any, b: Any) -> bool:
    """Option values compared as the core stores them (floats as float32)."""
    if kind == "float":
        return np.float32(a) == np.float32(b)
    return a == b


class PaddleOCR:
    """The PP-OCR pipeline on hpocr's C++ core, with PaddleOCR 3.x's names and defaults.

    ::

        from hpocr import PaddleOCR
        ocr = PaddleOCR(use_textline_orientation=True, text_det_box_thresh=0.5)
        for res in ocr.predict("scan.png"):
            res.print()
            res.save_to_json("output")
            res.save_to_img("output")

    All arguments are keyword-only; ``None`` means the default (docs/parameters.md). The pipeline options
    (``text_det_*``, ``text_rec_score_thresh``, batch sizes, ``use_textline_orientation``, model dirs,
    ``device``, ``enable_hpi``, ``hpi_config``, ``cpu_threads``) behave as in PaddleOCR; ``paddlex_config`` (a
    PaddleX-style pipeline YAML path, or the same as a dict) gives defaults that the other arguments override.
    ``*_model_name`` accept the name of the model that is loaded (hpocr does not download models).
    Document preprocessing (``use_doc_orientation_classify``, ``use_doc_unwarping``), word boxes and
    Paddle-Inference-only settings are accepted when off, refused with InvalidArgumentError when on.
    ``max_image_pixels`` (hpocr only) refuses larger images (and PDF pages at 144 DPI) before decoding;
    ``max_pdf_pages`` (hpocr only; 0, the default, is no limit) refuses PDFs with more pages.

    One object may be used from several threads at once; inference releases the GIL.
    Raises TypeError for unknown arguments or wrong types, InvalidArgumentError (a ValueError) for bad values,
    ModelFormatError / BackendUnavailableError when models or the runtime cannot be loaded.
    """

    def __init__(
        self,
        *,
        # Models.
        text_detection_model_name: Optional[str] = None,
        text_detection_model_dir: Optional[str | os.PathLike] = None,
        text_recognition_model_name: Optional[str] = None,
        text_recognition_model_dir: Optional[str | os.PathLike] = None,
        textline_orientation_model_name: Optional[str] = None,
        textline_orientation_model_dir: Optional[str | os.PathLike] = None,
        doc_orientation_classify_model_name: Optional[str] = None,
        doc_orientation_classify_model_dir: Optional[str | os.PathLike] = None,
        doc_unwarping_model_name: Optional[str] = None,
        doc_unwarping_model_dir: Optional[str | os.PathLike] = None,
        lang: Optional[str] = None,
        ocr_version: Optional[str] = None,
        # Pipeline.
        use_doc_orientation_classify: Optional[bool] = None,
        use_doc_unwarping: Optional[bool] = None,
        use_textline_orientation: Optional[bool] = None,
        text_det_limit_side_len: Optional[int] = None,
        text_det_limit_type: Optional[str] = None,
        text_det_max_side_limit: Optional[int] = None,
        text_det_thresh: Optional[float] = None,
        text_det_box_thresh: Optional[float] = None,
        text_det_unclip_ratio: Optional[float] = None,
        text_rec_score_thresh: Optional[float] = None,
        text_recognition_batch_size: Optional[int] = None,
        textline_orientation_batch_size: Optional[int] = None,
        return_word_box: Optional[bool] = None,
        # Inference.
        device: Optional[str] = None,
        enable_hpi: Optional[bool] = None,
        hpi_config: Optional[dict] = None,
        cpu_threads: Optional[int] = None,
        precision: Optional[str] = None,
        use_tensorrt: Optional[bool] = None,
        enable_mkldnn: Optional[bool] = None,
        mkldnn_cache_capacity: Optional[int] = None,
        paddlex_config: Optional[str | os.PathLike | dict] = None,
        max_image_pixels: Optional[int] = None,
        max_pdf_pages: Optional[int] = None,
        paddle_compat: Optional[bool] = None,
        **options: Any,
    ):
        args = _with_table_options("PaddleOCR()", dict(locals()), _NATIVE_PARAMS)
        overrides = {name: check_type(name, args[name], kind) for name, kind in _NATIVE_PARAMS.items()}
        for name in ("doc_unwarping_model_name", "doc_unwarping_model_dir"):
            if args[name] is not None:
                raise InvalidArgumentError(f"{name}: document unwarping is not available in hpocr (no unwarping model "
                                           "can be had from the registries it installs from); pass None")
        _check_features_off(args)
        check_engine_compat(use_tensorrt, enable_mkldnn, mkldnn_cache_capacity)

        self._config = _PipelineConfig(paddlex_config)
        with self._config.file() as config_file:
            self._native = _hpocr.Pipeline(config_file, overrides)
        self._overrides = overrides
        self._options = json.loads(self._native.options())
        for name, kind in _NATIVE_PARAMS.items():  # float32 values shown as the number they were given as
            if kind == "float":
                self._options[name] = float(str(np.float32(self._options[name])))
        self._variants: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def options(self) -> dict:
        """The effective options (after ``paddlex_config`` and the arguments), with model dirs resolved."""
        return copy.deepcopy(self._options)

    def describe(self) -> str:
        """One line per loaded model: name, directory, backend and its settings."""
        return self._native.describe()

    def __repr__(self) -> str:
        shown = ("use_textline_orientation", "text_det_limit_side_len", "text_det_limit_type", "text_det_thresh",
                 "text_det_box_thresh", "text_det_unclip_ratio", "text_rec_score_thresh", "device", "enable_hpi")
        return "PaddleOCR(" + ", ".join(f"{k}={self._options[k]!r}" for k in shown) + ")"

    def _pipeline_for(self, overrides: dict) -> tuple[Any, dict]:
        """The native pipeline and per-call parameters for one predict() call. Detection and score overrides
        are passed per call; only switching the orientation classifier on for a pipeline built without it
        needs a variant with that model loaded (kept in a small cache)."""
        changed = {k: v for k, v in overrides.items()
                   if v is not None and not _same(_NATIVE_PARAMS[k], v, self._options[k])}
        if not (changed.get("use_textline_orientation") and not self._options["use_textline_orientation"]):
            return self._native, changed
        key = tuple(sorted(changed.items()))
        with self._lock:
            if key in self._variants:
                self._variants.move_to_end(key)
                return self._variants[key], {}
        # Loading runs without the lock (and without the GIL); a concurrent duplicate is simply dropped.
        with self._config.file() as config_file:
            variant = _hpocr.Pipeline(config_file, {**self._overrides, **changed})
        with self._lock:
            variant = self._variants.setdefault(key, variant)
            self._variants.move_to_end(key)
            while len(self._variants) > _MAX_VARIANTS:
                self._variants.popitem(last=False)
        return variant, {}

    def predict_iter(
        self,
        input: Any,
        *,
        use_doc_orientation_classify: Optional[bool] = None,
        use_doc_unwarping: Optional[bool] = None,
        use_textline_orientation: Optional[bool] = None,
        text_det_limit_side_len: Optional[int] = None,
        text_det_limit_type: Optional[str] = None,
        text_det_thresh: Optional[float] = None,
        text_det_box_thresh: Optional[float] = None,
        text_det_unclip_ratio: Optional[float] = None,
        text_rec_score_thresh: Optional[float] = None,
        return_word_box: Optional[bool] = None,
        **options: Any,
    ) -> Iterator[OCRResult]:
        """Like :meth:`predict`, but yields one :class:`OCRResult` at a time: each image is read and processed
        only when the next result is asked for (directories are listed when reached)."""
        args = _with_table_options("predict()", dict(locals()), dict.fromkeys(_PREDICT_PARAMS))
        _check_features_off(args)
        overrides = {name: check_type(name, args[name], _NATIVE_PARAMS[name]) for name in _PREDICT_PARAMS}
        check_source(input)
        native, params = self._pipeline_for(overrides)
        return self._results(native, params, input)

    @staticmethod
    def _results(native: Any, params: dict, source: Any) -> Iterator[OCRResult]:
        for item in iter_inputs(source):
            if item.path is not None:  # a PDF gives one result per page
                yield from map(OCRResult, native.predict_path(item.path, params=params))
            elif item.data is not None:
                yield from map(OCRResult, native.predict_bytes(item.data, params=params))
            else:
                yield OCRResult(native.predict_array(item.array, params=params))

    def predict(self, input: Any, **kwargs: Any) -> list[OCRResult]:
        """OCR of ``input``; returns one :class:`OCRResult` per image or PDF page.

        ``input``: an image or PDF path (str or os.PathLike), a directory (its image and PDF files, sorted by
        name), encoded image or PDF bytes, a NumPy image (HxWx3 uint8 BGR, HxW gray, HxWx4 BGRA; uint16/float/...
        converted) or a list of those. PDF pages are rendered at 144 DPI (as PaddleOCR does) and their results
        carry ``page_index``. The keyword arguments of :meth:`predict_iter` (PaddleOCR's per-call overrides such as
        ``text_det_thresh``) apply to this call only (turning the orientation classifier on for a pipeline
        created without it loads that model once).
        Raises InvalidInputError (a ValueError) for missing, unreadable or corrupt images, TypeError for
        unsupported input types.
        """
        return list(self.predict_iter(input, **kwargs))

    def ocr(self, input: Any, **kwargs: Any) -> list[OCRResult]:
        """Deprecated PaddleOCR 2.x entry point: the same as :meth:`predict`."""
        import warnings

        warnings.warn("PaddleOCR.ocr() is deprecated; use predict()", DeprecationWarning, stacklevel=2)
        return self.predict(input, **kwargs)
