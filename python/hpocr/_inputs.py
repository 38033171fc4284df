"""What ``predict()`` and batch runs accept, expanded into single inputs.

An input of ``predict()`` is a path (``str`` or ``os.PathLike``) to an image or PDF file or to a directory (its
image and PDF files, sorted, as the CLI takes them), encoded image or PDF ``bytes``, a NumPy image, or a
list/tuple of those; it is expanded lazily (:func:`iter_inputs`). A batch run (``hpocr.distributed``) also takes
glob patterns and ``.txt`` lists of paths (:func:`expand_paths`).
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Optional, Union

import numpy as np

from . import _hpocr
from .errors import InvalidInputError

#: Image file name extensions.
IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp",
                              ".pbm", ".pgm", ".ppm", ".pnm"})
#: File name extensions taken from a directory by predict() (the CLI's list): images and PDFs.
INPUT_EXTENSIONS = IMAGE_EXTENSIONS | {".pdf"}

#: Dtypes the native side reads directly; other numeric dtypes are converted here first.
_NATIVE_DTYPES = frozenset(np.dtype(t) for t in (np.uint8, np.int8, np.uint16, np.int16, np.int32,
                                                 np.float32, np.float64))


@dataclass(frozen=True)
class ImageInput:
    """One image to process: exactly one of ``path``, ``data`` (encoded bytes) or ``array`` is set."""

    path: Optional[str] = None
    data: Optional[bytes] = None
    array: Optional[np.ndarray] = None

    @property
    def native(self) -> Union[str, bytes, np.ndarray]:
        """The form the native predict functions take."""
        if self.path is not None:
            return self.path
        if self.data is not None:
            return self.data
        assert self.array is not None, "ImageInput without path, data or array"
        return self.array


#: A URL scheme at the start of a path argument (http://, s3://, ...).
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def path_text(path: str | os.PathLike) -> str:
    """A path argument as ``str`` (``bytes`` paths decoded with the file system encoding)."""
    return os.fsdecode(os.fspath(path))


def check_local(path: str) -> None:
    """InvalidInputError for a URL: inputs are local (or shared-filesystem) paths."""
    if _URL.match(path):
        raise InvalidInputError(f"{path}: URLs are not supported; download the file, or pass a local or "
                                "shared-filesystem path")


def has_extension(path: str, extensions: frozenset) -> bool:
    """Whether the file name ends in one of ``extensions`` (any case), as the CLI picks files from a directory."""
    return os.path.splitext(path)[1].lower() in extensions


def looks_like_pdf(path: str) -> bool:
    """Whether the file is read as a PDF (the core's rule, on its first KiB); False when it cannot be read (the
    pipeline reports that, with its reason)."""
    try:
        with open(path, "rb") as f:
            return _hpocr._looks_like_pdf(f.read(1024))
    except OSError:
        return False


def _kinds(extensions: frozenset) -> str:
    return "image or PDF files (jpg, png, bmp, tiff, webp, pnm, pdf)" if ".pdf" in extensions else \
        "image files (jpg, png, bmp, tiff, webp, pnm)"


def list_directory(directory: str, extensions: frozenset = INPUT_EXTENSIONS) -> list[str]:
    """The files of a directory with one of ``extensions``, sorted by name (the CLI's order).
    InvalidInputError when there are none."""
    try:
        names = sorted(os.listdir(directory))
    except OSError as err:
        raise InvalidInputError(f"{directory}: cannot list directory ({err.strerror})") from None
    files = [os.path.join(directory, n) for n in names
             if has_extension(n, extensions) and not os.path.isdir(os.path.join(directory, n))]
    if not files:
        raise InvalidInputError(f"{directory}: no {_kinds(extensions)} in directory")
    return files


def expand_paths(inputs: str | os.PathLike | Iterable[str | os.PathLike],
                 extensions: frozenset = IMAGE_EXTENSIONS) -> list[str]:
    """Absolute paths of the files to process, in order, duplicates dropped (a batch run's inputs).

    ``inputs``: a directory (its files with one of ``extensions``, sorted, as ``hpocr ocr`` takes them), a glob
    pattern (``**`` recurses; ``extensions`` only), a ``.txt`` file listing paths (one per line, relative to the
    list's directory; blank lines and ``#`` comments skipped), a file path, or a list of those.
    InvalidInputError when a directory, pattern or list yields nothing; a missing file is not an error here (it
    fails when processed).
    """
    specs = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    seen: dict[str, None] = {}
    for spec in specs:
        for path in _expand_spec(path_text(spec), os.getcwd(), extensions):
            seen.setdefault(path, None)
    if not seen:
        raise InvalidInputError("no inputs given")
    return list(seen)


def _expand_spec(spec: str, base: str, extensions: frozenset) -> list[str]:
    check_local(spec)
    path = os.path.join(base, os.path.expanduser(spec))
    if os.path.isdir(path):
        return [os.path.abspath(p) for p in list_directory(path, extensions)]
    if glob.has_magic(spec):
        matches = sorted(p for p in glob.glob(path, recursive=True)
                         if has_extension(p, extensions) and os.path.isfile(p))
        if not matches:
            raise InvalidInputError(f"{spec}: no {_kinds(extensions)} match this pattern")
        return [os.path.abspath(p) for p in matches]
    if path.endswith(".txt") and os.path.isfile(path):
        return _read_list(path, extensions)
    return [os.path.abspath(path)]  # a file given directly is always tried: a missing one fails when processed


def _read_list(list_file: str, extensions: frozenset) -> list[str]:
    try:
        with open(list_file, encoding="utf-8") as f:
            lines = [line.strip() for line in f]
    except (OSError, UnicodeDecodeError) as err:
        raise InvalidInputError(f"{list_file}: cannot read input list ({err})") from None
    base = os.path.dirname(os.path.abspath(list_file))
    paths = [p for line in lines if line and not line.startswith("#") for p in _expand_spec(line, base, extensions)]
    if not paths:
        raise InvalidInputError(f"{list_file}: the input list names no files")
    return paths


def prepare_array(array: np.ndarray) -> np.ndarray:
    """A C-contiguous, native-endian array of a dtype the native side reads.

    bool/complex/object/string arrays and shapes other than HxW or HxWxC (C = 1..4) raise InvalidInputError.
    int64/uint32/uint64 pixels are scaled from their min..max range to uint8 (as the core does for int32);
    float16 becomes float32.
    """
    if array.dtype.kind not in "uif":
        raise InvalidInputError(f"image array: dtype {array.dtype} is not an image type "
                                "(use uint8; uint16, int8, int16, int32, float32 and float64 are converted)")
    if array.ndim not in (2, 3) or (array.ndim == 3 and not 1 <= array.shape[2] <= 4):
        raise InvalidInputError(f"image array: shape {array.shape} is not an image: "
                                "expected HxW (gray), HxWx3 (BGR) or HxWx4 (BGRA)")
    if not array.dtype.isnative:
        array = array.astype(array.dtype.newbyteorder("="))
    if array.dtype == np.float16:
        array = array.astype(np.float32)
    elif array.dtype not in _NATIVE_DTYPES:  # int64, uint32, uint64
        if array.size == 0:
            array = array.astype(np.uint8)
        else:
            lo, hi = float(array.min()), float(array.max())
            scaled = (array.astype(np.float64) - lo) * (255.0 / (hi - lo)) if hi > lo else np.zeros(array.shape)
            array = np.rint(scaled).astype(np.uint8)
    return np.ascontiguousarray(array)


_SOURCE_TYPES = (np.ndarray, str, os.PathLike, bytes, bytearray, memoryview, list, tuple)


def check_source(source: Any) -> None:
    """TypeError, raised at once rather than when iterating, for input types predict() does not take."""
    if not isinstance(source, _SOURCE_TYPES):
        raise TypeError("predict() input must be an image path, a directory, encoded image bytes, a numpy.ndarray "
                        f"or a list of those; got {type(source).__name__}")


def iter_inputs(source: Any) -> Iterator[ImageInput]:
    """Yields the images of ``source`` one by one; directories are listed when reached."""
    if isinstance(source, np.ndarray):
        yield ImageInput(array=prepare_array(source))
    elif isinstance(source, (str, os.PathLike)):
        path = path_text(source)
        check_local(path)
        if os.path.isdir(path):
            for file in list_directory(path):
                yield ImageInput(path=file)
        else:
            yield ImageInput(path=path)  # missing or unreadable files are reported by the core
    elif isinstance(source, (bytes, bytearray, memoryview)):
        yield ImageInput(data=bytes(source))
    elif isinstance(source, (list, tuple)):
        for item in source:
            if isinstance(item, (list, tuple)):
                raise TypeError("predict() input lists must not be nested")
            yield from iter_inputs(item)
    else:
        check_source(source)
        raise AssertionError(source)
