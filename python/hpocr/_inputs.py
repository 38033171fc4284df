"""What ``predict()`` accepts, expanded lazily into single inputs.

An input is a path (``str`` or ``os.PathLike``) to an image or PDF file or to a directory (its image and PDF
files, sorted, as the CLI takes them), encoded image or PDF ``bytes``, a NumPy image, or a list/tuple of those.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Iterator, Optional, Union

import numpy as np

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


def list_directory(directory: str, extensions: frozenset = INPUT_EXTENSIONS) -> list[str]:
    """The files of a directory with one of ``extensions``, sorted by name (the CLI's order).
    InvalidInputError when there are none."""
    try:
        names = sorted(os.listdir(directory))
    except OSError as err:
        raise InvalidInputError(f"{directory}: cannot list directory ({err.strerror})") from None
    files = [os.path.join(directory, n) for n in names
             if os.path.splitext(n)[1].lower() in extensions and not os.path.isdir(os.path.join(directory, n))]
    if not files:
        kinds = "image or PDF files (jpg, png, bmp, tiff, webp, pnm, pdf)" if ".pdf" in extensions else \
            "image files (jpg, png, bmp, tiff, webp, pnm)"
        raise InvalidInputError(f"{directory}: no {kinds} in directory")
    return files


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
        path = os.fspath(source)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        if path.startswith(("http://", "https://")):
            raise InvalidInputError(f"{path}: URLs are not supported; download the file and pass its path")
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
