"""Result objects, shaped like PaddleOCR 3.x / PaddleX results.

A result is a ``dict`` of its fields (``res["rec_texts"]``) with helpers: ``print()``, ``json`` (``{"res": {...}}``,
JSON-ready), ``save_to_json(path)`` and, for OCR results, ``img`` / ``save_to_img(path)``. Coordinates are NumPy
``int16`` arrays (``int32`` when an image is wider or taller than 32767 px), scores ``float64`` arrays.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from typing import Any, Callable, Iterator, Optional

import numpy as np

from .errors import OutputError

__all__ = ["BaseResult", "OCRResult", "TextDetResult", "TextRecResult", "TextLineOrientationResult"]

_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")

#: Endings of the files saved per input, after its stem: ``<stem>_res.json`` and ``<stem>_ocr_res_img.png``
#: (the CLI's names, src/io/result_io.cpp).
JSON_SUFFIX = "_res.json"
IMAGE_SUFFIX = "_ocr_res_img.png"


def _jsonable(value: Any) -> Any:
    """NumPy arrays and scalars to lists and Python numbers, recursively."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _is_number_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)


def _format_json(value: Any, indent: int, ensure_ascii: bool, level: int = 0) -> str:
    """Indented JSON with lists of numbers (points, boxes) and lists of those (polygons) on one line."""
    compact = _is_number_list(value) or (isinstance(value, list) and value and all(_is_number_list(v) for v in value))
    if compact or not isinstance(value, (dict, list)) or not value:
        return json.dumps(value, ensure_ascii=ensure_ascii)
    pad, inner = " " * (indent * level), " " * (indent * (level + 1))
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(str(k), ensure_ascii=ensure_ascii)}: "
                 f"{_format_json(v, indent, ensure_ascii, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    items = [inner + _format_json(v, indent, ensure_ascii, level + 1) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + pad + "]"


def coords_array(values: Any, shape_tail: tuple[int, ...]) -> np.ndarray:
    """Integer coordinates as int16 (PaddleOCR's dtype), or int32 when a value does not fit in int16."""
    array = np.asarray(values, dtype=np.int64).reshape((-1,) + shape_tail)
    fits = array.size == 0 or (array.min() >= np.iinfo(np.int16).min and array.max() <= np.iinfo(np.int16).max)
    return array.astype(np.int16 if fits else np.int32)


def output_stem(input_path: Optional[str]) -> str:
    """The stem of an input's result files, by the core's rule (``output_stem`` in src/io/result_io.cpp, without
    a page index): the file name without its last extension (a leading dot starts no extension), else "image"."""
    name = os.path.basename(input_path or "")
    dot = name.rfind(".")
    stem = name[:dot] if dot > 0 and name != ".." else name
    return stem or "image"


def result_file_name(input_path: Optional[str], suffix: str = JSON_SUFFIX) -> str:
    """``<stem>_res.json`` (or ``<stem><suffix>``): the name ``hpocr ocr --save_path`` and ``save_to_json`` give
    the result of the image ``input_path``."""
    return output_stem(input_path) + suffix


@contextlib.contextmanager
def _writing(path: str) -> Iterator[None]:
    """OSErrors while writing ``path`` as OutputError."""
    try:
        yield
    except OutputError:
        raise
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from None


def make_dir(directory: str) -> None:
    """``os.makedirs(directory, exist_ok=True)``; OutputError when it cannot be created."""
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create {directory}: {err.strerror or err}") from None


def write_atomically(final: str, write: Callable[[str], Any]) -> None:
    """``write(tmp)`` to a hidden temporary file beside ``final`` (same extension, so that the savers keep their
    format), then an atomic rename: readers see the whole file or none. OutputError on failure."""
    directory, name = os.path.split(final)
    stem, ext = os.path.splitext(name)
    tmp = os.path.join(directory, f".{stem}.{uuid.uuid4().hex}.tmp{ext}")
    try:
        with _writing(final):
            write(tmp)
            os.replace(tmp, final)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _output_file(save_path: os.PathLike | str, default_name: str, suffixes: tuple[str, ...]) -> str:
    """``save_path`` itself when it names a file with one of ``suffixes``, else ``save_path/default_name``."""
    path = os.fspath(save_path)
    if os.path.splitext(path)[1].lower() in suffixes:
        return path
    return os.path.join(path, default_name)


def _write_text(path: str, text: str) -> str:
    with _writing(path):
        parent = os.path.dirname(path)
        if parent:
            os.makedirs(parent, exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return path


class BaseResult(dict):
    """One input's result: a dict of PaddleX-named fields plus printing and saving helpers."""

    def _stem(self) -> str:
        return output_stem(self.get("input_path"))

    @property
    def json(self) -> dict:
        """``{"res": {...}}``: the fields with arrays as lists, ready for ``json.dumps``."""
        return {"res": _jsonable(dict(self))}

    def print(self, json_format: bool = True, indent: int = 4, ensure_ascii: bool = False) -> None:
        """Prints the result: as indented JSON (``{"res": ...}``, points and boxes on one line each) by default,
        else as a dict."""
        if json_format:
            print(_format_json(self.json, indent, ensure_ascii))
        else:
            print(dict(self))

    def save_to_json(self, save_path: os.PathLike | str, indent: int = 4, ensure_ascii: bool = False) -> str:
        """Writes the fields as JSON: to ``save_path`` if it ends in ``.json``, else to
        ``save_path/<input stem>_res.json`` (the CLI's name). Returns the file written; OutputError on failure."""
        path = _output_file(save_path, self._stem() + JSON_SUFFIX, (".json",))
        return _write_text(path, json.dumps(self.json["res"], indent=indent, ensure_ascii=ensure_ascii) + "\n")


class OCRResult(BaseResult):
    """The OCR pipeline's result for one image (``PaddleOCR.predict``).

    Fields (PaddleOCR 3.x names): ``input_path``, ``page_index``, ``model_settings``, ``dt_polys`` (all detected
    boxes, (N, 4, 2)), ``text_det_params``, ``text_type``, ``textline_orientation_angles`` (0, 1 = 180 degrees,
    -1 = not classified), ``text_rec_score_thresh``, ``return_word_box``, ``rec_texts``, ``rec_scores``,
    ``rec_polys`` ((M, 4, 2), the boxes whose text passed ``text_rec_score_thresh``) and ``rec_boxes`` ((M, 4),
    ``[x_min, y_min, x_max, y_max]``); with ``return_word_box``, ``text_word`` (per text, its words) and
    ``text_word_region`` (per text, one (4, 2) quad per word). Its ``json["res"]`` equals the CLI's ``<stem>_res.json``.
    """

    def __init__(self, native: Any):
        fields = json.loads(native.json_text())
        fields["dt_polys"] = coords_array(fields["dt_polys"], (4, 2))
        fields["textline_orientation_angles"] = np.asarray(fields["textline_orientation_angles"], dtype=np.int64)
        fields["rec_scores"] = np.asarray(fields["rec_scores"], dtype=np.float64)
        fields["rec_polys"] = coords_array(fields["rec_polys"], (4, 2))
        fields["rec_boxes"] = coords_array(fields["rec_boxes"], (4,))
        if "text_word_region" in fields:
            fields["text_word_region"] = [coords_array(line, (4, 2)) for line in fields["text_word_region"]]
        super().__init__(fields)
        self._native = native

    def _stem(self) -> str:
        return self._native.output_stem()

    @property
    def timings(self) -> dict:
        """Milliseconds spent per stage (decode, det_pre, det_infer, det_post, crop, cls, rec_*, total)."""
        return self._native.timings()

    @property
    def img(self) -> dict:
        """``{"ocr_res_img": array}``: the visualisation (boxes on the input beside the texts), BGR uint8."""
        return {"ocr_res_img": self._native.visualization()}

    def save_to_img(self, save_path: os.PathLike | str) -> str:
        """Writes the visualisation: to ``save_path`` if it names an image file (.png, .jpg, ...), else to
        ``save_path/<input stem>_ocr_res_img.png`` (the CLI's name). Returns the file written."""
        path = _output_file(save_path, self._stem() + IMAGE_SUFFIX, _IMAGE_SUFFIXES)
        self._native.save_visualization(path)
        return path

    def save_all(self, save_path: os.PathLike | str) -> None:
        """``save_to_json`` and ``save_to_img`` into the directory ``save_path``."""
        self.save_to_json(save_path)
        self.save_to_img(save_path)


class TextDetResult(BaseResult):
    """``TextDetection.predict`` result: ``input_path``, ``page_index``, ``dt_polys`` (N, 4, 2), ``dt_scores``."""

    def __init__(self, input_path: Optional[str], polys: np.ndarray, scores: list):
        super().__init__(input_path=input_path, page_index=None, dt_polys=coords_array(polys, (4, 2)),
                         dt_scores=[float(s) for s in scores])


class TextRecResult(BaseResult):
    """``TextRecognition.predict`` result: ``input_path``, ``page_index``, ``rec_text``, ``rec_score``."""

    def __init__(self, input_path: Optional[str], text: str, score: float):
        super().__init__(input_path=input_path, page_index=None, rec_text=text, rec_score=float(score))


class TextLineOrientationResult(BaseResult):
    """``TextLineOrientationClassification.predict`` result: ``input_path``, ``page_index``, ``class_ids``,
    ``scores`` (arrays with the top class) and ``label_names`` (the model's labels, e.g. ``"180"``)."""

    def __init__(self, input_path: Optional[str], class_id: int, score: float, label: str):
        super().__init__(input_path=input_path, page_index=None, class_ids=np.array([class_id], dtype=np.int64),
                         scores=np.array([score], dtype=np.float64), label_names=[label])
