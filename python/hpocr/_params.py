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


def check_model_name(param: str, name: Any, model_dir: str, default_key: str, dir_param: str) -> None:
    """``<module>_model_name``: None, or the name of the model in ``model_dir`` (its ``Global.model_name``).

    hpocr never downloads models: a name other than the default model's needs ``<module>_model_dir``.
    """
    name = check_type(param, name, "str")
    if name is None:
        return
    default = _hpocr.DEFAULT_MODELS[default_key]
    default_dir = os.path.join(_hpocr.hpocr_home(), "models", default)
    if os.path.abspath(model_dir) == os.path.abspath(default_dir):
        if name != default:
            raise InvalidArgumentError(
                f"{param}={name!r}: hpocr does not download models and its default is {default!r}; "
                f"pass {dir_param}=<directory of {name} with inference.onnx and inference.yml>")
        return
    actual = _hpocr.model_name(model_dir, default_key.replace("_", " "))
    if actual != name:
        raise InvalidArgumentError(f"{param}={name!r} does not match the model in {model_dir} ({actual!r})")
