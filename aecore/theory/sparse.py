"""Sparse coding with a tied autoencoder: the closed forms of the sparse-coding chapter.

The chapter on sparse coding derives, for the tied autoencoder ``x = threshold_{1/2}(Wᵀy)``,
``ŷ = W x`` on data ``y = A* x*`` with ``s``-sparse symmetric codes:

* which units fire — the probability of **code consistency** (the hidden layer fires exactly on
  the support, with the right signs): a bound, :func:`consistency_failure_bound`, and estimates,
  :func:`firing_probability`, :func:`consistency_boundary`, :func:`hoeffding_sparsity`, measured by
  :func:`aecore.codes.code_consistency`;
* the **expected gradient on the consistency event** in closed form — :func:`expected_gradient`
  — and its leading term ``p_i a_i (a_i W_i − A*_i)`` — :func:`leading_gradient`;
* the normalised-GD **angle map** of the leading term — :func:`angle_map`, :func:`contraction_factor`;
* the **error floors** set by the gradient at ``A*`` and by sampling noise —
  :func:`fixed_sample_floor`, :func:`fresh_batch_floor`, :func:`fixed_sample_column_errors`;
* the **population dynamics** (normalised GD driven by the closed-form gradient) —
  :func:`trajectory`.

Experiments run on noise-free data kept as codes (:mod:`aecore.codes`).

Notation: ``p_i = P[i ∈ S] = s/m``; ``q2 = P[i, j ∈ S]``, ``q3 = P[i, j, k ∈ S]`` for distinct
indices; ``a_i = ⟨W_i, A*_i⟩``; ``λ`` is the hard-threshold level and ``γ = ζ p_i`` the effective step.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq
from scipy.special import betainc, ndtr

from .._validate import (
    as_array,
    as_matrix,
    as_unit_matrix,
    check_bool,
    check_int,
    check_real,
)
from ..autoencoder import HardThreshold
from ..codes import CodeBatch, _code_loss_and_gradient
from ..training import descend

__all__ = [
    "angle_map",
    "consistency_boundary",
    "consistency_failure_bound",
    "contraction_factor",
    "expected_gradient",
    "firing_probability",
    "fixed_sample_column_errors",
    "fixed_sample_floor",
    "fresh_batch_floor",
    "hoeffding_sparsity",
    "leading_gradient",
    "relu_gradient_at_optimum",
    "support_probabilities",
    "trajectory",
]


# ----------------------------------------------------------------------------------------------
# Code consistency: predictions
# ----------------------------------------------------------------------------------------------


def firing_probability(
    n: float,
    m: int,
    s: int,
    delta: float | np.ndarray = 0.0,
    *,
    threshold: float = 0.5,
    refined: bool = True,
) -> float | np.ndarray:
    """Predicted probability that ``threshold_λ(Wᵀy)`` recovers support and signs exactly (an estimate, not a bound).

    Model of the cross-talk for a random dictionary and Rademacher codes. Unit ``i ∈ S`` sees
    ``a x*_i + Z_i`` with ``a = 1 − δ²/2`` and fails when ``x*_i Z_i < −(a − λ)``; unit ``i ∉ S``
    sees ``Z_i = ⟨W_i, y⟩`` and fails when ``|Z_i| ≥ λ``. The formulas below are for ``λ = ½``.
    Failures are rare, so the probability of none is ``exp(−expected number of failures)``
    (Poisson approximation).

    * ``refined=False``: ``Z_i ≈ N(0, k/n)`` with ``k = s − 1`` (``i ∈ S``) or ``s`` (``i ∉ S``),
      independently over units::

          P ≈ exp(−[s·Φ̄((a − ½)/√((s−1)/n)) + (m − s)·2Φ̄(½/√(s/n))])

    * ``refined=True`` (default): all units see the same ``y``, so condition on
      ``‖y‖² ≈ s + N(0, 2s(s−1)/n)`` (Gauss–Hermite quadrature) and use, for ``i ∉ S``, the exact
      law of ``⟨W_i, y⟩`` for a uniformly random unit direction:
      ``P[|⟨u, y⟩| ≥ ½] = I_{1 − 1/(4‖y‖²)}((n−1)/2, ½)`` (regularised incomplete beta).

    Parameters
    ----------
    n : float
        Dimension (an array is broadcast against ``delta`` when ``refined=False``).
    m : int
        Number of atoms.
    s : int
        Support size, ``1 <= s <= m``.
    delta : float or ndarray
        Column distance ``‖W_i − A*_i‖`` in ``[0, 2]``.
    threshold : float
        Hard-threshold level ``λ`` in ``(0, 1)``.
    refined : bool
        Which model (see above).

    Returns
    -------
    float or ndarray
    """
    m = check_int(m, "m", low=1)
    s = check_int(s, "s", low=1, high=m)
    threshold = check_real(
        threshold, "threshold", low=0.0, high=1.0, low_open=True, high_open=True
    )
    refined = check_bool(refined, "refined")
    n = as_array(n, "n")
    delta = as_array(delta, "delta")
    return _consistency(n, m, float(s), delta, refined, threshold)


def _consistency(n, m, s, delta, refined, tau=0.5):
    n = np.asarray(n, dtype=float)
    if np.any(n <= 1):
        raise ValueError("n must be larger than 1.")
    delta = np.asarray(delta, dtype=float)
    if np.any(delta < 0) or np.any(delta > 2):
        raise ValueError("delta must lie in [0, 2].")
    margin = 1.0 - delta**2 / 2 - tau  # a − λ

    def fail_in(var_in):
        if s <= 1:
            return np.where(margin > 0, 0.0, np.where(margin < 0, 1.0, 0.5))
        return s * ndtr(-margin / np.sqrt(var_in))

    if not refined:
        out = np.exp(
            -(
                fail_in((s - 1) / n)
                + (m - s) * 2.0 * ndtr(-tau / np.sqrt(s / n))
            )
        )
        return float(out) if out.ndim == 0 else out
    if n.ndim or delta.ndim:
        return np.vectorize(
            lambda nn, dd: _consistency(nn, m, s, dd, True, tau)
        )(n, delta)
    nodes, weights = np.polynomial.hermite_e.hermegauss(40)
    weights = weights / weights.sum()
    y2 = np.maximum(s + np.sqrt(2 * s * max(s - 1, 0) / n) * nodes, 1e-12)
    fail_out = (m - s) * betainc(
        (n - 1) / 2, 0.5, 1.0 - np.minimum(tau**2 / y2, 1.0)
    )
    fails = np.array([fail_in(v * (s - 1) / s / n) for v in y2]) + fail_out
    return float(np.sum(weights * np.exp(-fails)))


def consistency_failure_bound(
    W: np.ndarray,
    A_star: np.ndarray,
    s: int | list[int] | np.ndarray,
    *,
    threshold: float = 0.5,
) -> np.ndarray:
    """Upper bound on ``P[unit i misfires]`` per unit, averaged over supports and signs (a Chernoff bound).

    Data ``y = A* x*`` with a uniformly random support of size ``s`` and Rademacher signs; unit
    ``i`` computes ``u_i = ⟨W_i, y⟩ = a_i x*_i 1{i ∈ S} + χ_i`` with ``a_i = C_ii`` and the
    cross-talk ``χ_i = Σ_{j ∈ S∖i} C_ij x*_j``, ``C = WᵀA*``. It *misfires* if ``i ∉ S`` and
    ``|χ_i| ≥ λ``, or ``i ∈ S`` and ``x*_i u_i < λ`` (``λ`` the threshold). With the row moment
    generating function

        Ψ_i(ϑ) = (1/(m−1)) Σ_{j≠i} cosh(ϑ C_ij)

    and Hoeffding's (1963, Theorem 4) comparison of sampling without and with replacement
    (``E_S Π_{j∈S} cosh(ϑ C_ij) ≤ Ψ_i(ϑ)^s`` for a uniform ``s``-subset of the other units)::

        P[|χ_i| ≥ λ | i ∉ S]             ≤ 2 inf_ϑ exp(−ϑλ) Ψ_i(ϑ)^s
        P[x*_i χ_i ≤ −(a_i − λ) | i ∈ S]  ≤ inf_ϑ exp(−ϑ(a_i − λ)) Ψ_i(ϑ)^(s−1)     (a_i > λ)

    and the bound is ``ε_i = (s/m)·(second line) + (1 − s/m)·(first line)``, each line capped at 1
    (the second is 1 when ``a_i ≤ λ``). The infimum is taken over a fixed geometric grid of ``ϑ``
    (any ``ϑ`` gives a valid bound). By a union bound, ``P[not consistent] ≤ Σ_i ε_i``. The
    coefficients are the actual ``C_ij``: no hypothesis on the dictionary is needed.

    Parameters
    ----------
    W : (n, m) ndarray
        Encoder weights with unit-norm columns (as for :func:`aecore.codes.code_consistency`).
    A_star : (n, m) ndarray
        Dictionary with unit-norm columns, ``m >= 2``.
    s : int or sequence of int
        Support size(s), ``1 <= s <= m``; a sequence evaluates several sizes at the cost of one.
    threshold : float
        Hard-threshold level ``λ`` in ``(0, 1)``.

    Returns
    -------
    (m,) ndarray, or (k, m) ndarray for a sequence of k sizes
        Upper bounds ``ε_i`` on the probability that unit ``i`` misfires, in ``[0, 1]``.
    """
    W, A = _pair(W, A_star)
    n, m = W.shape
    if m < 2:
        raise ValueError("A_star needs at least 2 columns.")
    sizes = [s] if np.ndim(s) == 0 else list(s)
    if not sizes:
        raise ValueError(
            "s must be an integer or a non-empty sequence of integers."
        )
    sizes = [check_int(k, "s", low=1, high=m) for k in sizes]
    threshold = check_real(
        threshold, "threshold", low=0.0, high=1.0, low_open=True, high_open=True
    )
    C = W.T @ A
    margin = np.diag(C) - threshold
    np.fill_diagonal(
        C, 0.0
    )  # the rows of Ψ_i run over j ≠ i; the zero diagonal is removed below
    grid = np.geomspace(0.1, 4.0 * n, 64)
    log_rows = np.empty((grid.size, m))  # log Ψ_i(ϑ) on the grid
    for k, psi in enumerate(grid):
        x = np.abs(psi * C)
        top = x.max(axis=1)
        total = np.sum(
            np.exp(x - top[:, None]) + np.exp(-x - top[:, None]), axis=1
        ) - 2.0 * np.exp(-top)
        log_rows[k] = top + np.log(total / (2.0 * (m - 1)))
    psi = grid[:, None]
    out = []
    for size in sizes:
        log_out = np.min(
            np.log(2.0) - psi * threshold + size * log_rows, axis=0
        )
        log_in = np.min(
            -psi * np.maximum(margin, 0.0) + (size - 1) * log_rows, axis=0
        )
        inside = np.where(margin > 0, np.exp(np.minimum(log_in, 0.0)), 1.0)
        out.append(
            (size / m) * inside
            + (1.0 - size / m) * np.exp(np.minimum(log_out, 0.0))
        )
    return out[0] if np.ndim(s) == 0 else np.array(out)


def consistency_boundary(
    n: float, m: int, level: float = 0.5, *, refined: bool = True
) -> float:
    """Support size ``s`` (real-valued) at which :func:`firing_probability` (δ = 0) equals ``level``.

    The prediction is evaluated at real ``s`` and the crossing found by Brent's method on
    ``[1, m/2]``.

    Parameters
    ----------
    n : float
        Dimension.
    m : int
        Number of atoms.
    level : float
        Target probability in ``(0, 1)``.
    refined : bool
        Which model of :func:`firing_probability`.

    Returns
    -------
    float
    """
    level = check_real(
        level, "level", low=0.0, high=1.0, low_open=True, high_open=True
    )
    m = check_int(m, "m", low=4)
    n = check_real(n, "n", low=2.0)
    refined = check_bool(refined, "refined")

    def f(s):
        return _consistency(n, m, s, 0.0, refined) - level

    if f(1.0) <= 0:
        return 1.0
    if f(m / 2) >= 0:
        return m / 2
    return float(brentq(f, 1.0, m / 2, xtol=1e-6))


def hoeffding_sparsity(
    n: float | np.ndarray, m: float | np.ndarray, failure: float = 1.0
) -> np.ndarray:
    """Sparsity rule ``s ≤ n / (8 ln(2m/ε))`` of the consistency bound, under a sub-Gaussian hypothesis.

    If every row of the cross-talk matrix satisfies ``(1/(m−1)) Σ_{j≠i} cosh(ϑ C_ij) ≤ exp(ϑ²/(2n))``
    (sub-Gaussian with proxy ``1/n``, as for a random dictionary; see
    :func:`consistency_failure_bound`, which needs no such hypothesis), then with margin ``½``
    ``P[unit i misfires] ≤ 2 exp(−n/(8s))`` and a union bound over the ``m`` units gives
    ``P[failure] ≤ 2m exp(−n/(8s)) ≤ ε``. At ``ε = 1`` the rule certifies nothing.

    Parameters
    ----------
    n, m : float or ndarray
    failure : float
        Allowed failure probability ``ε`` in ``(0, 1]``.

    Returns
    -------
    ndarray
    """
    failure = check_real(failure, "failure", low=0.0, high=1.0, low_open=True)
    n = as_array(n, "n")
    m = as_array(m, "m")
    if np.any(n <= 0):
        raise ValueError(
            f"n must be positive (a dimension); got values down to {n.min()}."
        )
    if np.any(m < 1):
        raise ValueError(
            f"m must be at least 1 (a number of atoms); got values down to {m.min()}."
        )
    return n / (8.0 * np.log(2.0 * m / failure))


# ----------------------------------------------------------------------------------------------
# Expected gradient on the consistency event
# ----------------------------------------------------------------------------------------------


def support_probabilities(m: int, s: int) -> tuple[float, float, float]:
    """Probabilities that 1, 2 or 3 given distinct indices lie in a uniform ``s``-subset of ``m``.

    Parameters
    ----------
    m : int
        Number of atoms, ``>= 1``.
    s : int
        Support size, ``1 <= s <= m``.

    Returns
    -------
    (q1, q2, q3) : tuple of float
        ``q1 = s/m``, ``q2 = s(s−1)/(m(m−1))``, ``q3 = s(s−1)(s−2)/(m(m−1)(m−2))`` (0 where
        ``m`` is too small).
    """
    m = check_int(m, "m", low=1)
    s = check_int(s, "s", low=1, high=m)
    q1 = s / m
    q2 = s * (s - 1) / (m * (m - 1)) if m > 1 else 0.0
    q3 = s * (s - 1) * (s - 2) / (m * (m - 1) * (m - 2)) if m > 2 else 0.0
    return q1, q2, q3


def _pair(
    W: object, A_star: object, name: str = "W"
) -> tuple[np.ndarray, np.ndarray]:
    A_star = as_unit_matrix(A_star, "A_star")
    return as_matrix(W, name, A_star.shape), A_star


def expected_gradient(
    W: np.ndarray,
    A_star: np.ndarray,
    s: int,
    *,
    kappa2: float = 1.0,
    noise_std: float = 0.0,
) -> np.ndarray:
    """Expected tied gradient of ``threshold_{1/2}``, ``b = 0``, on the code-consistency event, in closed form.

    On the event that the hidden layer fires exactly on ``S`` (values ``x_S = W_Sᵀy``), the
    gradient of unit ``i ∈ S`` is ``−[P_S yyᵀ W_i + yyᵀ P_S W_i]`` with ``P_S = I − W_S W_Sᵀ``.
    With ``E[yyᵀ | S] = κ₂ A*_S A*_Sᵀ + σ² I`` and a uniform support of size ``s`` the expectation
    is a polynomial in the indicators ``1{j ∈ S}`` of degree three, whose mean involves only
    ``q1, q2, q3`` (:func:`support_probabilities`). This function evaluates it exactly.

    Parameters
    ----------
    W : (n, m) ndarray
        Current weights (any column norms).
    A_star : (n, m) ndarray
        Dictionary with unit-norm columns.
    s : int
        Support size.
    kappa2 : float
        ``E[x*_i² | i ∈ S]`` (1 for Rademacher codes).
    noise_std : float
        ``σ_η``; the noise enters only through ``E[ηηᵀ] = σ² I`` (the event is still assumed).

    Returns
    -------
    g : (n, m) ndarray
        Column ``i`` is ``E[∇_{W_i} ℓ · 1{consistent}]`` assuming the event always holds.
    """
    W, A = _pair(W, A_star)
    n, m = W.shape
    s = check_int(s, "s", low=1, high=m)
    kappa2 = check_real(kappa2, "kappa2", low=0.0)
    noise_std = check_real(noise_std, "noise_std", low=0.0)
    q1, q2, q3 = support_probabilities(m, s)
    c1, c2, c0 = (
        q2 - q3,
        q3,
        q1 - 3 * q2 + 2 * q3,
    )  # weights: two-equal, all-distinct, all-equal
    G = A.T @ W  # G[j, i] = ⟨A*_j, W_i⟩
    K = W.T @ W
    lam = np.diag(G).copy()
    kdiag = np.diag(K).copy()
    H = G.T
    AG = A @ G
    WH = W @ H
    single = (
        q1 - q2
    ) * A * lam + q2 * AG  # E[1{i∈S} Σ_{j∈S} A*_j ⟨A*_j, W_i⟩], in T1 and in T2
    # T1 double sum v(k, j) = W_k H_kj G_ji
    t1 = (
        c2 * (WH @ G)
        + c1 * ((W * lam) @ G + W * np.sum(H * G.T, axis=1) + WH * lam)
        + c0 * W * lam**2
    )
    # T2 double sum v(j, k) = A*_j G_jk K_ki
    t2 = (
        c2 * (AG @ K)
        + c1 * ((A * lam) @ K + A * np.sum(G * K, axis=1) + AG * kdiag)
        + c0 * A * lam * kdiag
    )
    g = -kappa2 * (2.0 * single - t1 - t2)
    if noise_std > 0:
        ps_w = q1 * W - (q1 - q2) * W * kdiag - q2 * (W @ K)
        g -= 2.0 * noise_std**2 * ps_w
    return g


def leading_gradient(W: np.ndarray, A_star: np.ndarray, s: int) -> np.ndarray:
    """Leading term ``p_i a_i (a_i W_i − A*_i)`` of the expected gradient (``a_i = ⟨W_i, A*_i⟩``, ``p_i = s/m``).

    Parameters
    ----------
    W, A_star : (n, m) ndarray
    s : int

    Returns
    -------
    (n, m) ndarray
    """
    W, A = _pair(W, A_star)
    s = check_int(s, "s", low=1, high=W.shape[1])
    lam = np.sum(W * A, axis=0)
    return (s / W.shape[1]) * lam * (lam * W - A)


def relu_gradient_at_optimum(A_star: np.ndarray, s: int) -> np.ndarray:
    """First-order expected gradient at ``W = A*`` of a ReLU with bias ``b = −½`` on Rademacher codes.

    On the event that unit ``i`` fires exactly when ``i ∈ S`` and ``x*_i = +1`` (probability
    ``p_i/2``), its value is ``u_i ≈ ½`` and the residual is ``r ≈ Σ_{j∈S} r_j A*_j`` with
    ``r_j = ½`` (positive code, reconstructed at half amplitude) or ``r_j = −1`` (negative code,
    not reconstructed). Averaging over the other atoms' signs and keeping terms of first order in
    the cross-coherences ``C_ij = ⟨A*_i, A*_j⟩``::

        g_i(A*) ≈ −(p_i/2) [ ¾ A*_i − ¼ (s−1)/(m−1) (Σ_{j≠i} C_ij) A*_i
                             − ⅛ (s−1)/(m−1) Σ_{j≠i} A*_j + ¼ (s−1)/(m−1) Σ_{j≠i} C_ij A*_j ]

    The radial part ``−(3/8) p_i A*_i`` is absorbed by column normalisation; the ``−⅛ Σ A*_j``
    term comes from the non-zero mean ``E r_j = −¼`` of the residual. (First order and column by column: moving every
    column along the shared direction meets a collective restoring force ``(p_i/2)(1 + (s−1)/8)``,
    which this formula does not include; see the chapter.)

    Parameters
    ----------
    A_star : (n, m) ndarray
        Dictionary with unit-norm columns.
    s : int
        Support size.

    Returns
    -------
    (n, m) ndarray
    """
    A = as_unit_matrix(A_star, "A_star")
    m = A.shape[1]
    s = check_int(s, "s", low=1, high=m)
    if m < 2:
        raise ValueError("A_star needs at least 2 columns.")
    w = (s - 1) / (m - 1)
    C = A.T @ A
    np.fill_diagonal(C, 0.0)
    others = A.sum(axis=1, keepdims=True) - A  # Σ_{j≠i} A*_j
    bracket = (
        0.75 * A
        - 0.25 * w * A * C.sum(axis=0)
        - 0.125 * w * others
        + 0.25 * w * (A @ C)
    )
    return -(s / m) / 2.0 * bracket


# ----------------------------------------------------------------------------------------------
# Dynamics: angle map, rate, floor, population trajectory
# ----------------------------------------------------------------------------------------------


def angle_map(
    theta: float | np.ndarray, s: int, m: int, *, step_size: float
) -> float | np.ndarray:
    """One normalised step driven by the leading term, as a map on the angle ``θ = ∠(W_i, A*_i)``.

    With ``γ = ζ p_i = ζ s/m`` and ``a = cos θ``: ``W' ∝ (1 − γa²) W + γa A*``, hence::

        tan θ' = tan θ · (1 − γa²) / (1 − γa² + γ)

    Parameters
    ----------
    theta : float or ndarray
        Angles in ``[0, π/2)``.
    s : int
        Support size, ``1 <= s <= m``.
    m : int
        Number of atoms.
    step_size : float
        ``ζ > 0`` with ``ζ s/m <= 1``.

    Returns
    -------
    float or ndarray
        ``θ'``, the shape of ``theta``.
    """
    theta = _finite_array(theta, "theta")
    if np.any(theta < 0) or np.any(theta >= np.pi / 2):
        raise ValueError("theta must lie in [0, π/2).")
    r = contraction_factor(np.cos(theta), s, m, step_size=step_size)
    out = np.arctan(np.tan(theta) * r)
    return float(out) if out.ndim == 0 else out


def contraction_factor(
    cos_angle: float | np.ndarray, s: int, m: int, *, step_size: float
) -> float | np.ndarray:
    """Factor ``r`` in ``tan θ' = r tan θ`` for one normalised step driven by the leading term.

    With ``γ = ζ p_i = ζ s/m`` and ``a = cos θ`` it is ``(1 − γa²)/(1 − γa² + γ)`` (see
    :func:`angle_map`); at the optimum (``a = 1``) it is ``1 − γ``. A column at distance ``δ``
    from its atom has ``a = 1 − δ²/2``.

    Parameters
    ----------
    cos_angle : float or ndarray
        ``a = cos θ`` in ``(0, 1]``.
    s : int
        Support size, ``1 <= s <= m``.
    m : int
        Number of atoms.
    step_size : float
        ``ζ > 0`` with ``ζ s/m <= 1``.

    Returns
    -------
    float or ndarray
        ``r`` in ``[0, 1)``, the shape of ``cos_angle``.
    """
    m = check_int(m, "m", low=1)
    s = check_int(s, "s", low=1, high=m)
    zeta = check_real(step_size, "step_size", low=0.0, low_open=True)
    c = zeta * s / m
    if c > 1:
        raise ValueError(
            f"step_size * s / m must be at most 1 (the leading-term step overshoots); got {c:.3g}: reduce step_size."
        )
    lam = _finite_array(cos_angle, "cos_angle")
    if np.any(lam <= 0) or np.any(lam > 1):
        raise ValueError(
            "cos_angle must lie in (0, 1]: the column must be within 90° of its atom."
        )
    lam2 = lam**2
    out = (1 - c * lam2) / (1 - c * lam2 + c)
    return float(out) if out.ndim == 0 else out


def _finite_array(value: object, name: str) -> np.ndarray:
    if isinstance(value, bool | str) or value is None:
        raise TypeError(
            f"{name} must be a real number or an array of real numbers; got {type(value).__name__}."
        )
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be real-valued; got dtype {array.dtype}.")
    array = array.astype(float)
    if not np.all(np.isfinite(array)):
        raise ValueError(
            f"{name} contains NaN or infinite entries; pass finite values."
        )
    if array.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {array.shape}.")
    return array


def _floor_terms(
    systematic: object, contraction: object, second_moment: object
) -> tuple[np.ndarray, ...]:
    beta = _finite_array(systematic, "systematic")
    h = _finite_array(contraction, "contraction")
    v = _finite_array(second_moment, "second_moment")
    for name, array in (
        ("systematic", beta),
        ("contraction", h),
        ("second_moment", v),
    ):
        if array.ndim > 1:
            raise ValueError(
                f"{name} must be a scalar or an (m,) array (one value per column); got shape {array.shape}."
            )
    if np.any(h <= 0):
        raise ValueError(
            "contraction must be positive (h_i > 0: the gradient must pull each column back)."
        )
    if np.any(beta < 0):
        raise ValueError(
            "systematic must be non-negative: it is the norm ‖g_i^⊥(A*)‖ of the tangential gradient at A*."
        )
    if np.any(v < 0):
        raise ValueError(
            "second_moment must be non-negative: it is a mean squared norm v_i."
        )
    try:
        return np.broadcast_arrays(beta, h, v)
    except ValueError:
        raise ValueError(
            f"systematic, contraction and second_moment must broadcast to one shape; got {beta.shape}, {h.shape}, {v.shape}."
        ) from None


def fixed_sample_floor(
    systematic: float | np.ndarray,
    contraction: float | np.ndarray,
    second_moment: float | np.ndarray = 0.0,
    *,
    n_samples: int | None = None,
) -> np.ndarray:
    """Predicted error ``‖W_i − A*_i‖`` where normalised GD on one fixed sample stops, per column.

    Near ``A*`` the tangential gradient is ``h_i (W_i − A*_i) + g_i^⊥(A*) + ω_i``: contraction ``h_i``,
    systematic part ``g_i^⊥(A*)`` (the tangential gradient at ``A*``) and sampling noise ``ω_i`` with
    ``E‖ξ_i‖² = v_i/N``. A fixed sample of size ``N`` stops where the empirical tangential
    gradient vanishes: ``ē_i² = (‖g_i^⊥(A*)‖² + v_i/N)/h_i²``.

    Parameters
    ----------
    systematic : float or (m,) ndarray
        ``‖g_i^⊥(A*)‖ >= 0``.
    contraction : float or (m,) ndarray
        ``h_i > 0`` (``p_i`` for the hard threshold at ``b = 0``).
    second_moment : float or (m,) ndarray
        ``v_i >= 0`` (from :func:`aecore.codes.code_gradient_moments`); 0 for the population.
    n_samples : int, optional
        Sample size ``N``; required when ``second_moment`` is non-zero.

    Returns
    -------
    ndarray
        ``ē_i``, the broadcast shape of the inputs.
    """
    beta, h, v = _floor_terms(systematic, contraction, second_moment)
    N = None if n_samples is None else check_int(n_samples, "n_samples", low=1)
    out = beta**2 / h**2
    if np.any(v > 0):
        if N is None:
            raise ValueError(
                "n_samples is required when second_moment is non-zero (the noise term is v_i/N)."
            )
        out = out + v / (N * h**2)
    return np.sqrt(out)


def fresh_batch_floor(
    systematic: float | np.ndarray,
    contraction: float | np.ndarray,
    second_moment: float | np.ndarray,
    *,
    step_size: float,
    batch_size: int,
) -> np.ndarray:
    """Predicted stationary RMS error ``‖W_i − A*_i‖`` of normalised GD with a fresh batch per step.

    With the linearisation of :func:`fixed_sample_floor`, fresh batches of size ``N`` and step
    ``ζ`` give ``e ← (1 − ζh)e − ζ(β + ξ)``, whose stationary mean square is
    ``(ē_i^fresh)² = ‖g_i^⊥(A*)‖²/h_i² + ζ v_i / (N h_i (2 − ζ h_i))``.

    Parameters
    ----------
    systematic : float or (m,) ndarray
        ``‖g_i^⊥(A*)‖ >= 0``.
    contraction : float or (m,) ndarray
        ``h_i > 0``.
    second_moment : float or (m,) ndarray
        ``v_i >= 0``.
    step_size : float
        ``ζ > 0`` with ``ζ h_i < 2``.
    batch_size : int
        ``N >= 1``.

    Returns
    -------
    ndarray
        ``ē_i^fresh``, the broadcast shape of the inputs.
    """
    beta, h, v = _floor_terms(systematic, contraction, second_moment)
    zeta = check_real(step_size, "step_size", low=0.0, low_open=True)
    N = check_int(batch_size, "batch_size", low=1)
    if np.any(zeta * h >= 2):
        raise ValueError(
            "step_size * contraction must be below 2 for a stationary regime; reduce step_size."
        )
    return np.sqrt(beta**2 / h**2 + zeta * v / (N * h * (2 - zeta * h)))


def fixed_sample_column_errors(
    batch: CodeBatch, columns: np.ndarray | None = None, threshold: float = 0.5
) -> np.ndarray:
    """Predicted fixed-point error of single columns on a fixed sample, from the exact empirical Hessian.

    Linearises, at ``W = A*``, the fixed-point condition of normalised gradient descent for column
    ``i`` alone (the other columns held at ``A*``): ``P_i g_i(W_i) = 0`` with ``P_i = I − W_i W_iᵀ``.
    For a tangential step ``dw`` the per-sample gradient ``−[u r + (W_iᵀ r) y]`` changes by
    ``u² dw + y⊥ y⊥ᵀ dw − r⊥ y⊥ᵀ dw − y⊥ r⊥ᵀ dw`` (``⊥``: orthogonal to ``A*_i``), and the projection
    adds ``−⟨A*_i, g_i⟩ dw``. So ``e_i = −H_i⁻¹ P_i g_i(A*)`` with::

        H_i = (1/N) Σ_{k: unit i fires} [u_k² P_i + y⊥_k y⊥_kᵀ − r⊥_k y⊥_kᵀ − y⊥_k r⊥_kᵀ] − ⟨A*_i, g_i⟩ P_i

    Unlike :func:`fixed_sample_floor` (``H_i ≈ p_i I``) this keeps the stiffness of the empirical
    loss along the directions of the atoms that share samples with atom ``i``, where the sampling
    noise lives. Couplings between columns are not included.

    Parameters
    ----------
    batch : CodeBatch
        The fixed sample.
    columns : (k,) int ndarray, optional
        Columns to evaluate (default: all).
    threshold : float
        Hard-threshold level ``λ`` of the autoencoder (bias 0).

    Returns
    -------
    (k,) ndarray
        Predicted ``‖W_i − A*_i‖`` at the fixed point (0 for a column that never fires).
    """
    if not isinstance(batch, CodeBatch):
        raise TypeError(
            f"batch must be an aecore.codes.CodeBatch (see sample_code_batch); got {type(batch).__name__}."
        )
    threshold = check_real(threshold, "threshold", low=0.0)
    A = batch.A_star
    n, m = A.shape
    cols = np.arange(m) if columns is None else np.asarray(columns)
    if (
        cols.ndim != 1
        or cols.dtype.kind not in "iu"
        or (cols.size and (cols.min() < 0 or cols.max() >= m))
    ):
        raise ValueError(
            f"columns must be a 1-D integer array with entries in [0, {m - 1}]."
        )
    N = batch.N
    Y = batch.Y
    U = A.T @ Y
    D = np.abs(U) >= threshold
    R = Y - A @ np.where(D, U, 0.0)
    G = _code_loss_and_gradient(
        A, np.zeros(m), batch, HardThreshold(threshold)
    )[1]
    out = np.zeros(cols.size)
    for k, i in enumerate(cols):
        ks = np.flatnonzero(D[i])
        if ks.size == 0:
            continue
        a = A[:, i]
        P = np.eye(n) - np.outer(a, a)
        Yk, Rk, u = P @ Y[:, ks], P @ R[:, ks], U[i, ks]
        H = (
            (np.sum(u * u) * P + Yk @ Yk.T - Rk @ Yk.T - Yk @ Rk.T) / N
            - float(a @ G[:, i]) * P
            + np.outer(a, a)
        )
        out[k] = np.linalg.norm(np.linalg.solve(H, P @ G[:, i]))
    return out


def trajectory(
    W0: np.ndarray,
    A_star: np.ndarray,
    s: int,
    *,
    step_size: float,
    n_steps: int,
) -> np.ndarray:
    """Column errors of normalised GD driven by the closed-form expected gradient (:func:`expected_gradient`).

    Parameters
    ----------
    W0, A_star : (n, m) ndarray
    s : int
    step_size : float
    n_steps : int

    Returns
    -------
    errors : (n_steps + 1, m) ndarray
        ``‖W_i − A*_i‖`` after each step (row 0: the normalised start).
    """
    W0, A = _pair(W0, A_star, "W0")
    s = check_int(s, "s", low=1, high=W0.shape[1])
    step_size = check_real(step_size, "step_size", low=0.0, low_open=True)
    n_steps = check_int(n_steps, "n_steps", low=1)

    def direction(W: np.ndarray, t: int) -> tuple[float, np.ndarray]:
        return 0.0, expected_gradient(W, A, s)

    return descend(
        W0, direction, step_size=step_size, n_steps=n_steps, A_star=A
    )[2]
