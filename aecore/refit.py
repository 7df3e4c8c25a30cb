"""Least-squares refits of a dictionary on the supports its encoder recovers (MOD steps).

After the autoencoder's descent the hidden layer usually fires on the right supports, but the columns
sit at a floor of order ``(s − 1)/n`` set by the cross-talk in the codes ``WᵀY``. A refit keeps only the
supports and recomputes everything else by least squares::

    S_k = {i : unit i fires on y_k}                               (encoder_supports)
    x_k = argmin_{supp x ⊆ S_k} ‖y_k − W x‖²                      (least_squares_codes)
    A = Y Xᵀ (X Xᵀ)⁻¹, then unit-norm columns                      (mod_step)

the *method of optimal directions* (MOD) step of Engan, Aase and Husøy (1999) with least-squares codes.
With the true supports and no noise the codes are exact and ``A = A*``: the refit has no floor of its own.
"""

from __future__ import annotations

import numpy as np

from ._validate import (
    as_matrix,
    as_unit_matrix,
    as_vector,
    check_int,
    check_real,
)
from .autoencoder import Activation, _check_activation

__all__ = [
    "encoder_supports",
    "least_squares_codes",
    "mod_step",
    "normalize_columns",
    "refit",
    "reseed_unused",
]

_RCOND = 1e-10


def normalize_columns(W: np.ndarray) -> np.ndarray:
    """Return ``W`` with every column scaled to unit Euclidean norm.

    Parameters
    ----------
    W : (n, m) ndarray
        Non-zero columns.

    Returns
    -------
    (n, m) ndarray
    """
    W = as_matrix(W, "W")
    norms = np.linalg.norm(W, axis=0)
    zero = np.flatnonzero(norms == 0)
    if zero.size:
        raise ValueError(
            f"W has a zero column ({zero[0]}), which cannot be normalised; replace it by a non-zero vector."
        )
    return W / norms


def encoder_supports(
    W: np.ndarray,
    Y: np.ndarray,
    activation: Activation,
    bias: float | np.ndarray = 0.0,
) -> np.ndarray:
    """Which hidden units fire on each sample: ``σ′(WᵀY + b) = 1``.

    Parameters
    ----------
    W : (n, m) ndarray
        Tied weights with unit-norm columns.
    Y : (n, N) ndarray
        Samples.
    activation : Activation
        ``ReLU()`` or ``HardThreshold(λ)``.
    bias : float or (m,) ndarray
        Encoder bias ``b``.

    Returns
    -------
    supports : (m, N) bool ndarray
    """
    W = as_unit_matrix(W, "W")
    n, m = W.shape
    Y = as_matrix(Y, "Y", (n, None))
    bias = as_vector(bias, "bias", m)
    return np.asarray(
        _check_activation(activation).active(W.T @ Y + bias[:, None]),
        dtype=bool,
    )


def least_squares_codes(
    W: np.ndarray, Y: np.ndarray, supports: np.ndarray
) -> np.ndarray:
    """Codes ``x_k = argmin ‖y_k − W x‖²`` over ``x`` supported on ``supports[:, k]``.

    Samples with the same support size are solved together through their ``k × k`` normal equations
    ``W_Sᵀ W_S x_S = W_Sᵀ y``.

    Parameters
    ----------
    W : (n, m) ndarray
        Dictionary (any non-zero columns).
    Y : (n, N) ndarray
        Samples.
    supports : (m, N) bool ndarray
        Allowed non-zeros; at most ``n`` per sample, and ``W``'s columns on each support linearly
        independent.

    Returns
    -------
    X : (m, N) ndarray
        Zero off the supports; an empty support gives a zero code.
    """
    W = as_matrix(W, "W")
    n, m = W.shape
    Y = as_matrix(Y, "Y", (n, None))
    N = Y.shape[1]
    supports = np.asarray(supports)
    if supports.dtype != bool:
        raise TypeError(
            f"supports must be a boolean array; got dtype {supports.dtype}."
        )
    if supports.shape != (m, N):
        raise ValueError(
            f"supports must have shape {(m, N)} (units × samples); got {supports.shape}."
        )
    sizes = supports.sum(axis=0)
    if sizes.max(initial=0) > n:
        k = int(np.argmax(sizes))
        raise ValueError(
            f"supports of sample {k} has {sizes[k]} entries, more than n = {n}: the least-squares code is not "
            "unique; raise the threshold (or bias) so that fewer units fire."
        )
    gram, proj = W.T @ W, W.T @ Y
    X = np.zeros((m, N))
    for k in np.unique(sizes[sizes > 0]):
        cols = np.flatnonzero(sizes == k)
        idx = np.nonzero(supports[:, cols].T)[1].reshape(
            len(cols), k
        )  # (N_k, k), increasing units
        G = gram[idx[:, :, None], idx[:, None, :]]
        eig = np.linalg.eigvalsh(G)
        bad = np.flatnonzero(eig[:, 0] <= _RCOND * eig[:, -1])
        if bad.size:
            raise ValueError(
                f"W's columns {idx[bad[0]].tolist()} on the support of sample {cols[bad[0]]} are linearly dependent: "
                "the least-squares code is not unique; remove duplicate columns of W."
            )
        X[idx, cols[:, None]] = np.linalg.solve(
            G, proj[idx, cols[:, None]][:, :, None]
        )[:, :, 0]
    return X


def mod_step(Y: np.ndarray, X: np.ndarray, W: np.ndarray) -> np.ndarray:
    """One MOD dictionary update ``A = Y Xᵀ (X Xᵀ)⁻¹`` followed by column normalisation.

    Atoms that no code uses (zero rows of ``X``) keep their column of ``W``.

    Parameters
    ----------
    Y : (n, N) ndarray
        Samples.
    X : (m, N) ndarray
        Codes, e.g. from :func:`least_squares_codes`.
    W : (n, m) ndarray
        Current dictionary, used for the unused atoms.

    Returns
    -------
    A : (n, m) ndarray
        Unit-norm columns.
    """
    W = as_matrix(W, "W")
    n, m = W.shape
    Y = as_matrix(Y, "Y", (n, None))
    X = as_matrix(X, "X", (m, Y.shape[1]))
    used = np.flatnonzero(np.any(X != 0, axis=1))
    A = W.copy()
    if used.size:
        Xu = X[used]
        G = Xu @ Xu.T
        eig = np.linalg.eigvalsh(G)
        if eig[0] <= _RCOND * eig[-1]:
            raise ValueError(
                "X X^T is singular on the used atoms (some atoms are always used together or in fixed "
                "proportion): the MOD update is not unique; use more samples Y."
            )
        A[:, used] = np.linalg.solve(G, Xu @ Y.T).T
    return normalize_columns(A)


def _codes(
    W: np.ndarray,
    Y: np.ndarray,
    activation: Activation,
    bias: float | np.ndarray,
    min_code: float,
) -> np.ndarray:
    """Least-squares codes on the encoder's supports, pruned once at ``min_code``."""
    X = least_squares_codes(W, Y, encoder_supports(W, Y, activation, bias))
    return (
        least_squares_codes(W, Y, np.abs(X) >= min_code) if min_code > 0 else X
    )


def reseed_unused(
    W: np.ndarray,
    Y: np.ndarray,
    activation: Activation,
    bias: float | np.ndarray = 0.0,
    *,
    min_code: float = 0.0,
    min_usage: int = 1,
    cos_level: float = 0.5,
) -> tuple[np.ndarray, np.ndarray]:
    """Replace the columns that almost no sample uses by directions of large residuals.

    A true atom missing from ``W`` leaves its contribution ``x*_i A*_i`` in the residuals
    ``r_k = y_k − W x_k`` of the samples that contain it, and those are the largest residuals. The
    seeds are chosen as in a mixture: go through the samples by decreasing ``‖r_k‖`` and take a
    residual direction when its ``|cos|`` with every seed taken so far is below ``cos_level``; then
    replace each seed by the sign-aligned mean of the unit residuals with ``|cos| > cos_level`` to it
    (one averaging step).

    Parameters
    ----------
    W : (n, m) ndarray
        Current dictionary, unit-norm columns.
    Y : (n, N) ndarray
        Samples.
    activation : Activation
        Encoder activation, which decides the supports.
    bias : float or (m,) ndarray
        Encoder bias.
    min_code : float
        Pruning level of the least-squares codes (see :func:`refit`), ``>= 0``.
    min_usage : int
        A column is unused when fewer than ``min_usage`` samples have a non-zero code on it, ``>= 1``.
    cos_level : float
        ``|cos|`` separating residual directions, in ``(0, 1)``.

    Returns
    -------
    W : (n, m) ndarray
        Unit-norm columns; the replaced ones hold the new seeds.
    replaced : (k,) int ndarray
        Indices of the replaced columns (at most the number of unused ones, fewer when the residuals
        offer fewer distinct directions).
    """
    W = as_unit_matrix(W, "W")
    Y = as_matrix(Y, "Y", (W.shape[0], None))
    min_code = check_real(min_code, "min_code", low=0.0)
    min_usage = check_int(min_usage, "min_usage", low=1)
    cos_level = check_real(
        cos_level, "cos_level", low=0.0, high=1.0, low_open=True, high_open=True
    )
    X = _codes(W, Y, activation, bias, min_code)
    unused = np.flatnonzero(np.count_nonzero(X, axis=1) < min_usage)
    R = Y - W @ X
    norms = np.linalg.norm(R, axis=0)
    live = np.flatnonzero(norms > 0)
    directions = R[:, live] / norms[live]
    seeds: list[np.ndarray] = []
    for k in live[np.argsort(-norms[live], kind="stable")]:
        if len(seeds) == unused.size:
            break
        r = R[:, k] / norms[k]
        if all(abs(r @ seed) < cos_level for seed in seeds):
            seeds.append(r)
    W = W.copy()
    for column, seed in zip(unused, seeds):
        c = seed @ directions
        close = np.abs(c) > cos_level
        mean = directions[:, close] @ np.sign(c[close])
        W[:, column] = mean / np.linalg.norm(mean)
    return W, unused[: len(seeds)]


def refit(
    W: np.ndarray,
    Y: np.ndarray,
    activation: Activation,
    bias: float | np.ndarray = 0.0,
    *,
    n_refits: int = 3,
    min_code: float = 0.0,
) -> np.ndarray:
    """Repeat ``n_refits`` times: supports from the encoder, least-squares codes, one MOD step.

    With ``min_code > 0`` the supports are pruned once per refit: units whose least-squares code has
    ``|x_i| < min_code`` are dropped and the codes are solved again on what remains. Least squares on
    a superset of the true support is exact without noise, so a unit that fired wrongly gets a code
    near zero and is removed, while a true unit keeps ``|x_i| ≈ |x*_i| >= a₁``; ``min_code = a₁/2``
    sits in the middle.

    Parameters
    ----------
    W : (n, m) ndarray
        Start, unit-norm columns (typically the autoencoder after its descent).
    Y : (n, N) ndarray
        Samples.
    activation : Activation
        The encoder's activation, which decides the supports.
    bias : float or (m,) ndarray
        The encoder's bias.
    n_refits : int
        Number of refits, ``>= 1``.
    min_code : float
        Pruning level for the least-squares codes, ``>= 0`` (``0``: no pruning).

    Returns
    -------
    W : (n, m) ndarray
        Unit-norm columns after the last refit.
    """
    n_refits = check_int(n_refits, "n_refits", low=1)
    min_code = check_real(min_code, "min_code", low=0.0)
    for _ in range(n_refits):
        W = mod_step(Y, _codes(W, Y, activation, bias, min_code), W)
    return W
