"""Checking PaddleOCR-style keyword arguments before they reach the native core.

Types are checked here (a wrong type is a ``TypeError`` naming the argument); ranges are checked by the core
(``InvalidArgumentError``, a ``ValueError``). ``None`` always means "the default".
"""

from __future__ import annotations

import numbers
import os
from typing import Any

import numpy as np

from . import _hpocr
from .errors import InvalidArgumentError

#: Argument name -> kind, for every argument forwarded to the core.
ENGINE_PARAMS = {p["name"]: p["type"] for p in _hpocr.parameters() if p["engine"]}


def check_type(name: str, value: Any, kind: str) -> Any:
    """``value`` converted to the plain Python type of ``kind`` (int, float, bool, str, path, dict); TypeError
    naming ``name`` when it has another type. None passes through."""
    if value is None:
        return None
    if kind == "bool":
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        raise TypeError(f"{name} must be True or False, got {value!r}")
    if kind == "int":
        if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
            return int(value)
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if kind == "float":
        if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
            return float(value)
        raise TypeError(f"{name} must be a number, got {value!r}")
    if kind == "str":
        if isinstance(value, str):
            return value
        raise TypeError(f"{name} must be a string, got {value!r}")
    if kind == "path":
        if isinstance(value, (str, os.PathLike)):
            path = os.fspath(value)
            return os.fsdecode(path) if isinstance(path, bytes) else path
        raise TypeError(f"{name} must be a path (str or os.PathLike), got {value!r}")
    if kind == "dict":
        if isinstance(value, dict):
            return value
        raise TypeError(f"{name} must be a dict, got {value!r}")
    raise AssertionError(kind)


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
