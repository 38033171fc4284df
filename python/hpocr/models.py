"""Single-model classes (PaddleOCR 3.x / PaddleX modules): text detection, text recognition and textline
orientation classification on their own, e.g. to run the recogniser on crops you already have."""

from __future__ import annotations

import os
from itertools import islice
from typing import Any, Callable, Iterator, Optional

from . import _hpocr
from ._inputs import check_source, iter_inputs
from ._params import ENGINE_PARAMS, check_engine_compat, check_type
from .errors import InvalidArgumentError
from .results import TextDetResult, TextLineOrientationResult, TextRecResult

__all__ = ["TextDetection", "TextRecognition", "TextLineOrientationClassification"]

#: TextDetection's keywords (module keys of the native parameter table) and their kinds.
_DET_PARAMS = {p["key"]: p["type"] for p in _hpocr.parameters()
               if p["module"] == "TextDetection" and not p["selector"] and p["scope"] != "module"}
#: PaddleOCR's Paddle-Inference keywords the modules accept besides the engine parameters (_params.check_engine_compat).
_COMPAT_KEYWORDS = ("use_tensorrt", "enable_mkldnn", "mkldnn_cache_capacity")


def _batch_size(value: Any, default: int) -> int:
    """A batch size argument: None means ``default``; InvalidArgumentError outside 1..1024."""
    size = check_type("batch_size", value, "int")
    if size is None:
        return default
    if not 1 <= size <= 1024:
        raise InvalidArgumentError(f"batch_size={size} is invalid: expected 1..1024")
    return size


class _Model:
    """Shared construction: model name/dir checks and engine settings.

    Every module takes ``model_name``, ``model_dir`` and, as keyword arguments, the engine settings of the
    pipeline (``device``, ``enable_hpi``, ``hpi_config``, ``cpu_threads``, ``precision``; see
    docs/parameters.md) and PaddleOCR's ``use_tensorrt`` (False only), ``enable_mkldnn`` and
    ``mkldnn_cache_capacity`` (accepted, no effect). Unknown keywords raise TypeError.
    """

    _native_class: Any = None
    predict_iter: Callable[..., Iterator[Any]]  # each module's, with its own keyword arguments

    def __init__(self, model_name: Any, model_dir: Any, engine: dict):
        # Engine settings come as keyword arguments, as PaddleOCR's modules take them (**kwargs): the native
        # table's engine parameters plus PaddleOCR's Paddle-Inference knobs.
        unknown = sorted(set(engine) - set(ENGINE_PARAMS) - set(_COMPAT_KEYWORDS))
        if unknown:
            raise TypeError(f"{type(self).__name__}() got an unexpected keyword argument {unknown[0]!r}")
        check_engine_compat(**{key: engine.get(key) for key in _COMPAT_KEYWORDS})
        engine = {name: check_type(name, engine.get(name), kind) for name, kind in ENGINE_PARAMS.items()}
        model_dir = check_type("model_dir", model_dir, "path")
        model_name = check_type("model_name", model_name, "str")
        # A name alone picks an installed model; with model_dir it must be the model there (checked natively).
        self._native = self._native_class(model_name or "", model_dir or "", engine)

    @property
    def model_name(self) -> str:
        """``Global.model_name`` of the loaded model."""
        return self._native.model_name

    @property
    def model_dir(self) -> str:
        """Directory of the loaded model."""
        return self._native.model_dir

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model_name={self.model_name!r}, model_dir={self.model_dir!r})"

    def predict(self, input: Any, **kwargs: Any) -> list:
        """One result per input image. ``input``: an image path, a directory, encoded bytes, a NumPy image or a
        list of those (as for ``PaddleOCR.predict``); keyword arguments as for ``predict_iter``."""
        return list(self.predict_iter(input, **kwargs))

    @staticmethod
    def _batches(source: Any, size: int) -> Iterator[list]:
        items = iter_inputs(source)
        while batch := list(islice(items, size)):
            yield batch


class TextDetection(_Model):
    """DB text detector (default: the default family's, PP-OCRv6_small_det) returning ``dt_polys`` and ``dt_scores`` per image.

    Detection parameters default to the model's ``inference.yml`` like PaddleX (for PP-OCRv4_mobile_det:
    limit_side_len 960 with limit_type "max", thresh 0.3, box_thresh 0.6, unclip_ratio 1.5); the constructor's
    values apply to every call and ``predict(..., thresh=...)`` to one call. Boxes come in the detector's order,
    not sorted into reading order (the pipeline sorts them).
    """

    _native_class = _hpocr.TextDetector

    def __init__(self, *, model_name: Optional[str] = None, model_dir: Optional[str | os.PathLike] = None,
                 limit_side_len: Optional[int] = None, limit_type: Optional[str] = None,
                 max_side_limit: Optional[int] = None, thresh: Optional[float] = None,
                 box_thresh: Optional[float] = None, unclip_ratio: Optional[float] = None, **engine: Any):
        super().__init__(model_name, model_dir, engine)
        self._params = self._native.default_params()
        self._params.update(self._check_params(limit_side_len=limit_side_len, limit_type=limit_type,
                                               max_side_limit=max_side_limit, thresh=thresh, box_thresh=box_thresh,
                                               unclip_ratio=unclip_ratio))
        self._native.predict([], self._params)  # validates the parameters now

    @staticmethod
    def _check_params(**params: Any) -> dict:
        return {k: check_type(k, v, _DET_PARAMS[k]) for k, v in params.items() if v is not None}

    def predict_iter(self, input: Any, *, batch_size: int = 1, limit_side_len: Optional[int] = None,
                     limit_type: Optional[str] = None, max_side_limit: Optional[int] = None,
                     thresh: Optional[float] = None, box_thresh: Optional[float] = None,
                     unclip_ratio: Optional[float] = None) -> Iterator[TextDetResult]:
        """Yields one :class:`~hpocr.results.TextDetResult` per image, lazily. ``batch_size`` images are read
        at a time; the other arguments override the detection parameters for this call."""
        params = {**self._params, **self._check_params(limit_side_len=limit_side_len, limit_type=limit_type,
                                                       max_side_limit=max_side_limit, thresh=thresh,
                                                       box_thresh=box_thresh, unclip_ratio=unclip_ratio)}
        size = _batch_size(batch_size, 1)
        self._native.predict([], params)
        check_source(input)
        return self._iterate(input, params, size)

    def _iterate(self, source: Any, params: dict, size: int) -> Iterator[TextDetResult]:
        for batch in self._batches(source, size):
            for item, (polys, scores) in zip(batch, self._native.predict([i.native for i in batch], params)):
                yield TextDetResult(item.path, polys, scores)


class _CropModel(_Model):
    """A model over text-line crops, with a default batch size (1, as PaddleX's modules)."""

    def __init__(self, *, model_name: Optional[str] = None, model_dir: Optional[str | os.PathLike] = None,
                 batch_size: Optional[int] = None, **engine: Any):
        super().__init__(model_name, model_dir, engine)
        self._batch_size = _batch_size(batch_size, 1)


class TextRecognition(_CropModel):
    """CTC text recogniser (default: the default family's, PP-OCRv6_small_rec) returning ``rec_text`` and ``rec_score`` per image.

    Inputs are text-line crops. ``batch_size`` crops are recognised per model run (default 1, as PaddleX's
    module; PaddleOCR's pipeline uses 6); ``predict(..., batch_size=...)`` overrides it for one call.
    """

    _native_class = _hpocr.TextRecognizer


    def predict_iter(self, input: Any, *, batch_size: Optional[int] = None) -> Iterator[TextRecResult]:
        """Yields one :class:`~hpocr.results.TextRecResult` per crop, lazily, one batch at a time."""
        size = _batch_size(batch_size, self._batch_size)
        check_source(input)
        return self._iterate(input, size)

    def _iterate(self, source: Any, size: int) -> Iterator[TextRecResult]:
        for batch in self._batches(source, size):
            for item, (text, score) in zip(batch, self._native.predict([i.native for i in batch], size)):
                yield TextRecResult(item.path, text, score)


class TextLineOrientationClassification(_CropModel):
    """Textline orientation classifier (default: the default family's, PP-LCNet_x1_0_textline_ori): 0 or 180 degrees per crop.

    Results carry ``class_ids``, ``scores`` and ``label_names`` (the model's labels). As in the pipeline, a
    crop counts as rotated only when the 180-degree class wins with at least the model's threshold
    (``PostProcess.thresh``: 0.9 for ch_ppocr_mobile_v2.0_cls; PP-LCNet models take the arg-max).
    """

    _native_class = _hpocr.TextlineClassifier


    @property
    def labels(self) -> list[str]:
        """The model's class labels, indexed by class id."""
        return list(self._native.labels)

    def predict_iter(self, input: Any, *, batch_size: Optional[int] = None) -> Iterator[TextLineOrientationResult]:
        """Yields one :class:`~hpocr.results.TextLineOrientationResult` per crop, lazily, one batch at a time."""
        size = _batch_size(batch_size, self._batch_size)
        check_source(input)
        return self._iterate(input, size)

    def _iterate(self, source: Any, size: int) -> Iterator[TextLineOrientationResult]:
        for batch in self._batches(source, size):
            for item, (class_id, score, label) in zip(batch, self._native.predict([i.native for i in batch], size)):
                yield TextLineOrientationResult(item.path, class_id, score, label)
