"""Dictionaries: random unit-norm matrices, incoherence, and δ-close perturbations.

A dictionary is an ``(n, m)`` matrix whose columns (atoms, or centres for the
mixture model) have unit Euclidean norm.
"""

from __future__ import annotations

import numpy as np

from ._validate import (
    as_matrix,
    as_unit_matrix,
    as_vector,
    check_generator,
    check_int,
)

__all__ = [
    "incoherence",
    "perturb_dictionary",
    "random_dictionary",
    "tangential_component",
]


def random_dictionary(n: int, m: int, rng: np.random.Generator) -> np.ndarray:
    """Draw a dictionary with independent uniformly random unit-norm columns.

    Parameters
    ----------
    n : int
        Ambient dimension (rows), ``n >= 2``.
    m : int
        Number of atoms (columns), ``m >= 1``.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    A : (n, m) ndarray
        Columns ``A[:, i]`` are independent and uniform on the unit sphere.
    """
    n = check_int(n, "n", low=2)
    m = check_int(m, "m", low=1)
    rng = check_generator(rng)
    A = rng.standard_normal((n, m))
    return A / np.linalg.norm(A, axis=0)


def incoherence(A: np.ndarray) -> float:
    """Return the incoherence ``μ = √n · max_{i≠j} |⟨A_i, A_j⟩|`` of a unit-norm dictionary.

    ``A`` is μ-incoherent in the sense of the paper when ``|⟨A_i, A_j⟩| ≤ μ/√n``
    for all ``i ≠ j``; this function returns the smallest such ``μ``.

    Parameters
    ----------
    A : (n, m) ndarray
        Dictionary with unit-norm columns and ``m >= 2``.

    Returns
    -------
    float
        The incoherence ``μ``.
    """
    A = as_unit_matrix(A, "A")
    n, m = A.shape
    if m < 2:
        raise ValueError(
            f"A must have at least 2 columns to define incoherence; got {m}."
        )
    gram = A.T @ A
    np.fill_diagonal(gram, 0.0)
    return float(np.sqrt(n) * np.max(np.abs(gram)))


def perturb_dictionary(
    A_star: np.ndarray, delta: float | np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Move every column of ``A_star`` to Euclidean distance exactly ``delta`` on the unit sphere.

    Column ``i`` of the result is ``cos θ_i A*_i + sin θ_i v_i`` with ``v_i`` a uniformly
    random unit vector orthogonal to ``A*_i`` and ``θ_i = 2 arcsin(δ_i / 2)``, so that
    ``‖W_i‖ = 1`` and ``‖W_i − A*_i‖ = δ_i``. The result is δ-close to ``A_star``
    with the identity matching and no sign flips.

    Parameters
    ----------
    A_star : (n, m) ndarray
        Dictionary with unit-norm columns.
    delta : float or (m,) ndarray
        Target distance per column, in ``[0, 2]``.
    rng : numpy.random.Generator
        Source of randomness for the directions ``v_i``.

    Returns
    -------
    W : (n, m) ndarray
        Unit-norm columns with ``‖W_i − A*_i‖ = δ_i``.
    """
    A_star = as_unit_matrix(A_star, "A_star")
    n, m = A_star.shape
    if n < 2:
        raise ValueError(
            f"A_star must have at least 2 rows to admit a perturbation on the sphere; got {n}."
        )
    delta = as_vector(delta, "delta", m)
    if np.any(delta < 0) or np.any(delta > 2):
        raise ValueError(
            f"delta must lie in [0, 2] (the diameter of the unit sphere); got values in [{delta.min()}, {delta.max()}]."
        )
    rng = check_generator(rng)
    V = rng.standard_normal((n, m))
    V -= A_star * np.sum(A_star * V, axis=0)
    norms = np.linalg.norm(V, axis=0)
    # A draw parallel to A*_i (e.g. A_star drawn by random_dictionary from the same seed) is redrawn.
    while np.any(bad := norms < 1e-8):
        fresh = rng.standard_normal((n, int(bad.sum())))
        fresh -= A_star[:, bad] * np.sum(A_star[:, bad] * fresh, axis=0)
        V[:, bad] = fresh
        norms = np.linalg.norm(V, axis=0)
    V /= norms
    theta = 2.0 * np.arcsin(delta / 2.0)
    return np.cos(theta) * A_star + np.sin(theta) * V


def tangential_component(G: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Project each column ``G_i`` orthogonally to ``W_i``: ``G_i − W_i ⟨W_i, G_i⟩/‖W_i‖²``.

    Column normalisation absorbs the radial part of a step, so only this part moves ``W_i``
    to first order.

    Parameters
    ----------
    G : (n, m) ndarray
        Gradient (or any matrix of column directions).
    W : (n, m) ndarray
        Weights; non-zero columns.

    Returns
    -------
    (n, m) ndarray
        The tangential part of each column of ``G``.
    """
    W = as_matrix(W, "W")
    G = as_matrix(G, "G", W.shape)
    norms2 = np.sum(W * W, axis=0)
    if np.any(norms2 == 0):
        raise ValueError(
            "W has a zero column; the tangential projection needs non-zero columns."
        )
    return G - W * (np.sum(W * G, axis=0) / norms2)
