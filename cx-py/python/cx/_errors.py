"""Exceptions raised by cx.

Every error is a :class:`CxError` and also subclasses the builtin it
resembles (``ValueError`` for bad values, ``TypeError`` for unusable input
types), so ``except ValueError`` keeps working. Each carries the stable
``code`` shared with the Rust and JavaScript APIs, the ``argument`` it is
about and, where one row is at fault, its ``index`` and ``value``.
"""

from __future__ import annotations

from typing import Any, Dict, Optional


class CxError(Exception):
    """Base class of all cx errors."""

    code: str = "cx_error"

    def __init__(self, message: str, fields: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(message)
        self.fields: Dict[str, Any] = dict(fields or {})
        self.fields.setdefault("code", self.code)
        self.argument: Optional[str] = self.fields.get("argument")
        self.index: Optional[int] = self.fields.get("index")
        self.value: Any = self.fields.get("value")

    def __reduce__(self) -> Any:
        # Pickled with its fields (Dask sends a worker's exception to the client).
        return (type(self), (str(self), self.fields))


class EmptyInputError(CxError, ValueError):
    """An input that needs at least one row had none."""

    code = "empty"


class OutOfRangeError(CxError, ValueError):
    """A value lies outside what its argument allows (a score off the scale)."""

    code = "out_of_range"


class NotIntegerError(CxError, ValueError):
    """A score given as a float is not a whole number."""

    code = "not_integer"


class NotFiniteError(CxError, ValueError):
    """A value is NaN or infinite (a missing answer arrives as NaN)."""

    code = "not_finite"


class MissingValueError(CxError, ValueError):
    """A required value is missing (a null key, a NaT timestamp)."""

    code = "missing"


class ParseError(CxError, ValueError):
    """A text value (a date, a timestamp) could not be parsed."""

    code = "parse"


class NegativeWeightError(CxError, ValueError):
    """A survey weight is negative."""

    code = "negative_weight"


class LengthMismatchError(CxError, ValueError):
    """Two columns that need one entry per row differ in length."""

    code = "length_mismatch"


class InvalidParameterError(CxError, ValueError):
    """An option has a value outside what it allows."""

    code = "invalid_parameter"


class IncompatibleError(CxError, ValueError):
    """Two things combined or compared do not share a scale or definition."""

    code = "incompatible"


class ZeroWeightError(CxError, ValueError):
    """The weights sum to zero."""

    code = "zero_weight"


class DecodeError(CxError, ValueError):
    """Serialized state could not be decoded."""

    code = "decode"


class NotConvergedError(CxError, ArithmeticError):
    """A model fit did not reach the optimum from any starting point."""

    code = "not_converged"


class CovariateError(CxError, ValueError):
    """A covariate column cannot be used: a value that is not finite, a
    column that never varies or is a linear combination of others, a name
    that is missing or unknown, a customer without covariates. ``column``
    names it; ``index`` is the row, when one row is at fault."""

    code = "covariate"

    def __init__(self, message: str, fields: Optional[Dict[str, Any]] = None) -> None:
        fields = dict(fields or {})
        fields.setdefault("argument", "covariates")
        super().__init__(message, fields)
        self.column: Optional[str] = self.fields.get("column")


class FileError(CxError, ValueError):
    """A shop export cannot be read (:func:`cx.report_from_files`): ``file``,
    ``line`` (1-based, the header is line 1; 0 when no one row is at fault),
    ``column`` and ``value`` name the bad cell, ``reason`` says what was
    expected."""

    code = "file"

    def __init__(self, message: str, fields: Optional[Dict[str, Any]] = None) -> None:
        fields = dict(fields or {})
        fields.setdefault("argument", "files")
        super().__init__(message, fields)
        self.file: Optional[str] = self.fields.get("file")
        self.line: Optional[int] = self.fields.get("line")
        self.column: Optional[str] = self.fields.get("column")
        self.reason: Optional[str] = self.fields.get("reason")


class InputTypeError(CxError, TypeError):
    """An input's type cannot be used (a 2-D array, strings as scores)."""

    code = "input_type"


_BY_CODE = {
    cls.code: cls
    for cls in (
        EmptyInputError,
        OutOfRangeError,
        NotIntegerError,
        NotFiniteError,
        MissingValueError,
        ParseError,
        NegativeWeightError,
        LengthMismatchError,
        InvalidParameterError,
        IncompatibleError,
        ZeroWeightError,
        DecodeError,
        NotConvergedError,
        CovariateError,
        FileError,
        InputTypeError,
    )
}


def _from_core(message: str, fields: Dict[str, Any]) -> CxError:
    """Builds the exception for an error of the Rust core (called from Rust)."""
    cls = _BY_CODE.get(fields.get("code", ""), CxError)
    return cls(message, fields)
