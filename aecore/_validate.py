"""Input checks shared by the public functions of :mod:`aecore`.

Every check raises :class:`ValueError` with a message that names the argument,
says what was expected and what was received.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_array",
    "as_matrix",
    "as_unit_matrix",
    "check_bool",
    "as_vector",
    "check_generator",
    "check_int",
    "check_real",
    "check_unit_columns",
    "input_eps",
]


def _as_float_array(value: object, name: str) -> np.ndarray:
    if value is None:
        raise ValueError(
            f"{name} must be a real number or array of real numbers; got None."
        )
    if isinstance(value, bool | np.bool_):
        raise ValueError(
            f"{name} must be a real number or array of real numbers, not a bool; got {value!r}."
        )
    try:
        raw = np.asarray(value)
        kind = raw.dtype.kind
        array = np.asarray(raw, dtype=float) if kind in "biufO" else None
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be a real numeric array; got {type(value).__name__}."
        ) from exc
    if array is None:
        raise ValueError(
            f"{name} must be a real numeric array; got {type(value).__name__} of dtype {raw.dtype}."
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(
            f"{name} contains NaN or infinite entries; pass finite values."
        )
    return array


def as_matrix(
    value: object,
    name: str,
    shape: tuple[int | None, int | None] = (None, None),
) -> np.ndarray:
    """Return ``value`` as a finite float 2-D array, checking its shape.

    Parameters
    ----------
    value : array_like
        The candidate matrix.
    name : str
        Argument name used in error messages.
    shape : tuple of (int or None)
        Expected ``(rows, columns)``; ``None`` accepts any size on that axis.
    """
    array = _as_float_array(value, name)
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array; got {array.ndim} dimension(s) with shape {array.shape}."
        )
    for axis, (want, got) in enumerate(zip(shape, array.shape)):
        if want is not None and want != got:
            raise ValueError(
                f"{name} must have shape {tuple('any' if s is None else s for s in shape)}; "
                f"got {array.shape} (axis {axis} is {got}, expected {want})."
            )
    if array.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {array.shape}.")
    return array


def as_array(
    value: object, name: str, *, max_ndim: int | None = None
) -> np.ndarray:
    """Return ``value`` as a finite, non-empty float array of any shape (at most ``max_ndim`` axes).

    Parameters
    ----------
    value : array_like
        A real number or an array of real numbers.
    name : str
        Argument name used in error messages.
    max_ndim : int, optional
        Largest number of axes accepted (``0``: a scalar, ``1``: a scalar or a vector).
    """
    array = _as_float_array(value, name)
    if max_ndim is not None and array.ndim > max_ndim:
        kind = (
            "a scalar"
            if max_ndim == 0
            else "a scalar or a 1-D array"
            if max_ndim == 1
            else f"at most {max_ndim}-D"
        )
        raise ValueError(f"{name} must be {kind}; got shape {array.shape}.")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {array.shape}.")
    return array


def as_vector(value: object, name: str, length: int) -> np.ndarray:
    """Return ``value`` as a finite float vector of the given length.

    A scalar is broadcast to a constant vector.
    """
    array = _as_float_array(value, name)
    if array.ndim == 0:
        return np.full(length, float(array))
    if array.shape != (length,):
        raise ValueError(
            f"{name} must be a scalar or have shape ({length},); got shape {array.shape}."
        )
    return array


def check_real(
    value: object,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite float inside the stated interval."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number; got {value!r}.")
    x = float(value)
    if not np.isfinite(x):
        raise ValueError(f"{name} must be finite; got {x}.")
    left = "(" if low_open else "["
    right = ")" if high_open else "]"
    interval = f"{left}{'-inf' if low is None else low}, {'inf' if high is None else high}{right}"
    if low is not None and (x < low or (low_open and x == low)):
        raise ValueError(f"{name} must lie in {interval}; got {x}.")
    if high is not None and (x > high or (high_open and x == high)):
        raise ValueError(f"{name} must lie in {interval}; got {x}.")
    return x


def check_int(
    value: object, name: str, *, low: int | None = None, high: int | None = None
) -> int:
    """Return ``value`` as an int inside ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer; got {value!r}.")
    k = int(value)
    if low is not None and k < low:
        raise ValueError(f"{name} must be at least {low}; got {k}.")
    if high is not None and k > high:
        raise ValueError(f"{name} must be at most {high}; got {k}.")
    return k


def check_bool(value: object, name: str) -> bool:
    """Return ``value`` if it is a ``bool`` (or ``numpy.bool_``); anything else is a TypeError."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(
            f"{name} must be True or False; got {value!r} of type {type(value).__name__}."
        )
    return bool(value)


def as_unit_matrix(
    value: object,
    name: str,
    shape: tuple[int | None, int | None] = (None, None),
) -> np.ndarray:
    """:func:`as_matrix`, then :func:`check_unit_columns` with a tolerance set by the input's precision.

    A float32 dictionary normalised in float32 has column norms off by about ``√n·eps32``; the
    tolerance is ``max(1e-8, 10·√n·eps)`` with ``eps`` from :func:`input_eps` (float32's for a
    float32 input, and for float64 values that are all exactly float32 numbers, e.g. a float32
    dictionary stored by a model, or ``A32.tolist()``; float64's otherwise).
    """
    A = as_matrix(value, name, shape)
    atol = max(1e-8, 10.0 * np.sqrt(A.shape[0]) * input_eps(value, A))
    return check_unit_columns(A, name, atol=atol)


def input_eps(value: object, array: np.ndarray) -> float:
    """Machine epsilon of the precision ``value`` was computed in (``array``: it as float64).

    float32's epsilon when ``value`` is a float32 (or lower precision) array or when every entry of
    ``array`` is exactly a float32 number; float64's epsilon otherwise.
    """
    dtype = getattr(value, "dtype", None)
    if dtype is not None and dtype.kind == "f" and dtype.itemsize < 8:
        return float(np.finfo(dtype).eps)
    if np.array_equal(array, array.astype(np.float32)):
        return float(np.finfo(np.float32).eps)
    return float(np.finfo(float).eps)


def check_generator(rng: object) -> np.random.Generator:
    """Check that ``rng`` is a :class:`numpy.random.Generator`."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError(
            f"rng must be a numpy.random.Generator, e.g. numpy.random.default_rng(0); got {type(rng).__name__}."
        )
    return rng


def check_unit_columns(
    A: np.ndarray, name: str, *, atol: float = 1e-8
) -> np.ndarray:
    """Check that every column of ``A`` has Euclidean norm one."""
    norms = np.linalg.norm(A, axis=0)
    bad = np.flatnonzero(np.abs(norms - 1.0) > atol)
    if bad.size:
        raise ValueError(
            f"{name} must have unit-norm columns; column {bad[0]} has norm {norms[bad[0]]:.6g}. "
            f"Normalise it first, e.g. {name} / numpy.linalg.norm({name}, axis=0)."
        )
    return A
