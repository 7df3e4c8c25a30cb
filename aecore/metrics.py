"""Recovery metrics: matching columns up to permutation (and sign), errors, nearness, support recovery.

A dictionary is identifiable only up to a permutation of its columns, and for
symmetric codes also up to the sign of each column. :func:`match_columns` finds
the best matching by the Hungarian method on absolute cosines.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from ._validate import as_matrix, check_bool, check_real

__all__ = [
    "align_columns",
    "column_errors",
    "is_delta_close",
    "is_near",
    "match_columns",
    "support_recovery_rate",
]


def _pair(W: object, A_star: object) -> tuple[np.ndarray, np.ndarray]:
    A_star = as_matrix(A_star, "A_star")
    W = as_matrix(W, "W", A_star.shape)
    if np.any(np.linalg.norm(A_star, axis=0) == 0):
        raise ValueError(
            "A_star has a zero column; every true column must be non-zero to be matched."
        )
    if np.any(np.linalg.norm(W, axis=0) == 0):
        raise ValueError(
            "W has a zero column; every estimated column must be non-zero to be matched."
        )
    return W, A_star


def match_columns(
    W: np.ndarray, A_star: np.ndarray, *, signed: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Match the columns of ``W`` to those of ``A_star`` (Hungarian assignment on cosines).

    Parameters
    ----------
    W : (n, m) ndarray
        Estimate.
    A_star : (n, m) ndarray
        Ground truth.
    signed : bool
        If true, columns may also be matched up to sign (sparse coding); otherwise
        only permutations are allowed (mixtures, non-negative codes).

    Returns
    -------
    perm : (m,) int ndarray
        ``W[:, perm[i]]`` is matched to ``A_star[:, i]``.
    signs : (m,) ndarray
        ``±1`` such that ``signs[i] * W[:, perm[i]]`` estimates ``A_star[:, i]``
        (all ones when ``signed`` is false).
    """
    W, A_star = _pair(W, A_star)
    signed = check_bool(signed, "signed")
    cosines = (A_star / np.linalg.norm(A_star, axis=0)).T @ (
        W / np.linalg.norm(W, axis=0)
    )
    score = np.abs(cosines) if signed else cosines
    rows, perm = linear_sum_assignment(-score)
    signs = np.sign(cosines[rows, perm]) if signed else np.ones(len(perm))
    signs[signs == 0] = 1.0
    return perm, signs


def align_columns(
    W: np.ndarray, A_star: np.ndarray, *, signed: bool = True
) -> np.ndarray:
    """Return ``W`` with columns permuted (and sign-flipped) to best match ``A_star``.

    Parameters
    ----------
    W : (n, m) ndarray
        Estimate.
    A_star : (n, m) ndarray
        Ground truth, unit-norm columns.
    signed : bool
        Also flip signs (sparse coding) or only permute (mixtures).

    Returns
    -------
    (n, m) ndarray
        ``W[:, π] · diag(signs)`` for the matching of :func:`match_columns`.
    """
    W, A_star = _pair(W, A_star)
    perm, signs = match_columns(W, A_star, signed=signed)
    return W[:, perm] * signs


def column_errors(
    W: np.ndarray,
    A_star: np.ndarray,
    *,
    match: bool = True,
    signed: bool = True,
) -> np.ndarray:
    """Per-column errors ``‖W_i − A*_i‖`` after matching.

    Parameters
    ----------
    W, A_star : (n, m) ndarray
    match : bool
        Match columns first (:func:`match_columns`). With ``False`` the columns are
        compared as indexed, as during training from a δ-close start.
    signed : bool
        Allow sign flips in the matching.

    Returns
    -------
    errors : (m,) ndarray
    """
    W, A_star = _pair(W, A_star)
    match = check_bool(match, "match")
    signed = check_bool(signed, "signed")
    if match:
        W = align_columns(W, A_star, signed=signed)
    return np.linalg.norm(W - A_star, axis=0)


def is_delta_close(
    W: np.ndarray, A_star: np.ndarray, delta: float, *, signed: bool = True
) -> bool:
    """Whether ``‖W_i − A*_i‖ <= δ`` for every column after the best matching.

    Parameters
    ----------
    W : (n, m) ndarray
        Estimate.
    A_star : (n, m) ndarray
        Ground truth, unit-norm columns.
    delta : float
        ``δ >= 0``.
    signed : bool
        Match signs too (sparse coding) or not (mixtures).

    Returns
    -------
    bool
    """
    delta = check_real(delta, "delta", low=0.0)
    signed = check_bool(signed, "signed")
    return bool(np.max(column_errors(W, A_star, signed=signed)) <= delta)


def is_near(
    W: np.ndarray,
    A_star: np.ndarray,
    delta: float,
    xi: float,
    *,
    signed: bool = True,
) -> bool:
    """Whether ``W`` is (δ, ξ)-near ``A_star``: δ-close, and ``‖W − A*‖ <= ξ‖A*‖`` in spectral norm after matching.

    Parameters
    ----------
    W : (n, m) ndarray
        Estimate.
    A_star : (n, m) ndarray
        Ground truth, unit-norm columns.
    delta : float
        ``δ >= 0``.
    xi : float
        ``ξ >= 0``.
    signed : bool
        Match signs too (sparse coding) or not (mixtures).

    Returns
    -------
    bool
    """
    delta = check_real(delta, "delta", low=0.0)
    xi = check_real(xi, "xi", low=0.0)
    signed = check_bool(signed, "signed")
    W, A_star = _pair(W, A_star)
    aligned = align_columns(W, A_star, signed=signed)
    close = np.max(np.linalg.norm(aligned - A_star, axis=0)) <= delta
    return bool(
        close
        and np.linalg.norm(aligned - A_star, 2)
        <= xi * np.linalg.norm(A_star, 2)
    )


def support_recovery_rate(
    X_hat: np.ndarray, X_star: np.ndarray, *, signed: bool = True
) -> float:
    """Fraction of samples whose estimated code has exactly the true support (and signs).

    Parameters
    ----------
    X_hat : (m, N) ndarray
        Codes produced by the encoder, with units indexed as the true atoms.
    X_star : (m, N) ndarray
        True codes.
    signed : bool
        Also require ``sgn(X_hat) = sgn(X_star)`` entrywise.

    Returns
    -------
    float
        In ``[0, 1]``.
    """
    X_star = as_matrix(X_star, "X_star")
    X_hat = as_matrix(X_hat, "X_hat", X_star.shape)
    signed = check_bool(signed, "signed")
    same = (
        np.sign(X_hat) == np.sign(X_star)
        if signed
        else (X_hat != 0) == (X_star != 0)
    )
    return float(np.mean(np.all(same, axis=0)))
