"""Checking PaddleOCR-style keyword arguments before they reach the native core.

Types are checked here (a wrong type is a ``TypeError`` naming the argument); ranges are checked by the core
(``InvalidArgumentError``, a ``ValueError``). ``None`` always means "the default".
"""

from __future__ import annotations

import numbers
import os
from typing import Any, Callable

import numpy as np

from . import _hpocr
from ._inputs import path_text
from .errors import InvalidArgumentError

#: Argument name -> kind, for every argument forwarded to the core.
ENGINE_PARAMS = {p["name"]: p["type"] for p in _hpocr.parameters() if p["engine"]}


_BOOLS = (bool, np.bool_)

#: Per kind: whether a value has an accepted type, its conversion to the plain Python type, what it must be.
_KINDS: dict[str, tuple[Callable[[Any], bool], Callable[[Any], Any], str]] = {
    "bool": (lambda v: isinstance(v, _BOOLS), bool, "True or False"),
    "int": (lambda v: isinstance(v, numbers.Integral) and not isinstance(v, _BOOLS), int, "an integer"),
    "float": (lambda v: isinstance(v, numbers.Real) and not isinstance(v, _BOOLS), float, "a number"),
    "str": (lambda v: isinstance(v, str), str, "a string"),
    "path": (lambda v: isinstance(v, (str, os.PathLike)), path_text, "a path (str or os.PathLike)"),
    "dict": (lambda v: isinstance(v, dict), lambda v: v, "a dict"),
}


def check_type(name: str, value: Any, kind: str) -> Any:
    """``value`` converted to the plain Python type of ``kind`` (int, float, bool, str, path, dict); TypeError
    naming ``name`` when it has another type. None passes through."""
    if value is None:
        return None
    accepts, convert, what = _KINDS[kind]
    if not accepts(value):
        raise TypeError(f"{name} must be {what}, got {value!r}")
    return convert(value)


def check_unavailable(name: str, value: Any, what: str) -> None:
    """Boolean switches of PaddleOCR features hpocr does not have: False/None accepted, True refused."""
    if check_type(name, value, "bool"):
        raise InvalidArgumentError(f"{name}=True: {what} is not available in hpocr; pass False (the default)")


def check_engine_compat(use_tensorrt: Any, enable_mkldnn: Any, mkldnn_cache_capacity: Any) -> None:
    """PaddleOCR's Paddle-Inference knobs: accepted when they mean what hpocr does anyway.

    ``use_tensorrt`` must be False (TensorRT is chosen through ``enable_hpi=True, hpi_config={"backend":
    "tensorrt"}``); ``enable_mkldnn`` and ``mkldnn_cache_capacity`` concern Paddle Inference only and have no
    effect. (``precision`` is a parameter of the table, checked and applied by the native side.)
    """
    check_unavailable("use_tensorrt", use_tensorrt, "Paddle Inference's TensorRT subgraph engine")
    check_type("enable_mkldnn", enable_mkldnn, "bool")
    check_type("mkldnn_cache_capacity", mkldnn_cache_capacity, "int")
