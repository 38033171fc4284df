"""Exceptions raised by hpocr.

Every failure of the C++ core arrives as a subclass of :class:`HpocrError` (itself a ``RuntimeError``) carrying
the core's message; ``err.category`` names the kind of failure. Errors about the input or the arguments are
also ``ValueError``\\ s, and output errors are also ``OSError``\\ s, so generic handlers keep working::

    try:
        ocr.predict("scan.png")
    except hpocr.InvalidInputError as err:   # or: except ValueError
        print(err.category, err)
"""

from . import _hpocr

__all__ = [
    "HpocrError",
    "InvalidInputError",
    "InvalidArgumentError",
    "ModelFormatError",
    "UnsupportedOpError",
    "BackendUnavailableError",
    "InferenceError",
    "OutputError",
]


class HpocrError(RuntimeError):
    """Base class of all hpocr errors. ``category`` is a stable lower-case name of the failure kind."""

    category = "unknown"


class InvalidInputError(HpocrError, ValueError):
    """The image or file given to OCR is missing, unreadable, corrupt, of an unsupported type or out of limits."""

    category = "invalid_input"


class InvalidArgumentError(HpocrError, ValueError):
    """A parameter or configuration value is out of range, malformed, or asks for an unavailable feature."""

    category = "invalid_argument"


class ModelFormatError(HpocrError):
    """A model directory or model file is missing, corrupt or inconsistent."""

    category = "model_format"


class UnsupportedOpError(HpocrError):
    """A model uses an operator that no available backend or converter supports."""

    category = "unsupported_op"


class BackendUnavailableError(HpocrError):
    """An inference backend library is absent or cannot run on the requested device."""

    category = "backend_unavailable"


class InferenceError(HpocrError):
    """The backend failed while running a model."""

    category = "inference"


class OutputError(HpocrError, OSError):
    """Results could not be written."""

    category = "io"


_hpocr._set_error_classes(
    {cls.category: cls for cls in (InvalidInputError, InvalidArgumentError, ModelFormatError, UnsupportedOpError,
                                   BackendUnavailableError, InferenceError, OutputError)}
)
