"""Non-negative sparse coding with a ReLU autoencoder: bias ranges, expected gradient, floors, a bias rule.

The model is ``y = A* x* + η`` with an ``s``-sparse code ``x* >= 0`` (support uniform,
non-zeros i.i.d. on ``[a₁, a₂]``, ``0 < a₁ <= a₂``, moments ``κ₁ = E[x*_i | i ∈ S]``,
``κ₂ = E[x*_i² | i ∈ S]``) and ``η ~ N(0, σ_η² I)``. The autoencoder is
``x = ReLU(Wᵀy + b)``, ``ŷ = W x`` with unit-norm columns ``W_i``, trained by
column-normalised gradient descent with step size ``ζ``. Notation: ``p = s/m``,
``π = w = (s − 1)/(m − 1) = P[j ∈ S | i ∈ S]`` (``w`` in the code), the signal
coefficient ``a_i = ⟨W_i, A*_i⟩`` (``lam`` in the code) and the cross-talk matrix
``C = WᵀA*`` (``C_ii = a_i``).

Which units fire (Chapter 5, "cross-talk")
    * :func:`code_moments`: ``κ₁, κ₂`` of the uniform non-zeros.
    * :func:`cross_talk_moments`: exact mean and standard deviation of the
      pre-activation of every unit, on and off the support.
    * :func:`bias_range`: the sufficient (worst-case) range
      ``−(a₁(1 − δ²/2) − (s − 1) a₂ ν) + t < b < −s a₂ ν − t``, ``ν = μ/√n + δ``.
    * :func:`typical_bias_range`: the ``mean ± k·sd`` version.
    * :func:`unit_error_rates`, :func:`firing_probability`: false-firing and
      miss probabilities per unit, and the exact-support rate, with Gaussian cross-talk.
    * :func:`spurious_energy`: energy of the wrong activations relative to the right.

The expected gradient and its floor
    * :func:`expected_gradient`: leading order (in the cross-talk) of
      ``E[∇_W ℓ]`` on the exact-firing event.
    * :func:`radial_coefficient`: ``⟨E∇_{W_i} ℓ, A*_i⟩`` at ``W = A*`` with its
      second-order correction.
    * :func:`contraction_factor`, :func:`trajectory`: the
      linear rate and the iterated population map.
    * :func:`population_floor`, :func:`fixed_sample_floor`, :func:`fresh_batch_floor`: the systematic
      floor (all columns tilt toward ``A*1``) and the finite-sample floors;
      :func:`error_curve` puts rate and floors together.
    * :func:`bias_drift`: plain gradient descent on ``b`` drifts to ``b = 0``.
    * :func:`unnormalised_scale`, :func:`step_limit`: without
      column normalisation the norms converge to ``c* ≠ 1``, and only for small steps.

The bias rule
    * :class:`CoherenceBias`: the least negative bias that keeps every unit's
      false firings below a budget, computed from the current ``W`` only.

All formulas are derived, and checked against simulation, in Chapter 5.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy.special import ndtr, ndtri

from .._validate import (
    as_array,
    as_matrix,
    as_unit_matrix,
    as_vector,
    check_bool,
    check_int,
    check_real,
)
from ._scale import scale_polynomial

__all__ = [
    "CoherenceBias",
    "CrossTalkMoments",
    "bias_drift",
    "bias_range",
    "code_moments",
    "contraction_factor",
    "cross_talk_moments",
    "error_curve",
    "expected_gradient",
    "firing_probability",
    "fixed_sample_floor",
    "fresh_batch_floor",
    "population_floor",
    "radial_coefficient",
    "spurious_energy",
    "step_limit",
    "trajectory",
    "typical_bias_range",
    "unit_error_rates",
    "unnormalised_scale",
]


# --------------------------------------------------------------------------- input checks


def _code_range(low: object, high: object) -> tuple[float, float]:
    a1 = check_real(low, "low", low=0.0, low_open=True)
    a2 = check_real(high, "high", low=a1)
    return a1, a2


def _sparsity(s: object, m: int) -> int:
    return check_int(s, "s", low=1, high=m)


def _cross_talk_matrix(C: object) -> np.ndarray:
    C = as_matrix(C, "C")
    m = C.shape[0]
    if C.shape != (m, m) or m < 2:
        raise ValueError(
            f"C must be a square (m, m) matrix with m >= 2 (C = WᵀA*); got shape {C.shape}."
        )
    return C


def _unit_pair(
    W: object, A_star: object, name: str = "W"
) -> tuple[np.ndarray, np.ndarray]:
    A_star = as_unit_matrix(A_star, "A_star")
    W = as_unit_matrix(W, name, A_star.shape)
    if A_star.shape[1] < 2:
        raise ValueError(
            f"A_star must have at least 2 columns; got {A_star.shape[1]}."
        )
    return W, A_star


def code_moments(low: float, high: float) -> tuple[float, float]:
    """Moments of a non-zero code entry uniform on ``[a₁, a₂]``.

    Parameters
    ----------
    low, high : float
        ``0 < a₁ <= a₂``.

    Returns
    -------
    (kappa1, kappa2) : tuple of float
        ``κ₁ = (a₁ + a₂)/2`` and ``κ₂ = (a₁² + a₁a₂ + a₂²)/3``.
    """
    a1, a2 = _code_range(low, high)
    return (a1 + a2) / 2.0, (a1 * a1 + a1 * a2 + a2 * a2) / 3.0


# --------------------------------------------------------------------------- which units fire


class CrossTalkMoments(NamedTuple):
    """Moments of the pre-activations ``u_i − b_i = W_iᵀy`` (all arrays have shape ``(m,)``).

    Attributes
    ----------
    lam : ndarray
        ``a_i = C_ii``, the weight of unit ``i``'s own code entry.
    off_mean, off_std : ndarray
        Mean and standard deviation of ``W_iᵀy`` given ``i ∉ S``.
    on_mean, on_std : ndarray
        Mean and standard deviation of ``W_iᵀy − a_i x*_i`` given ``i ∈ S`` (the
        cross-talk of the ``s − 1`` other units, plus noise).
    """

    lam: np.ndarray
    off_mean: np.ndarray
    off_std: np.ndarray
    on_mean: np.ndarray
    on_std: np.ndarray


def _subset_sum_moments(
    S1: np.ndarray, S2: np.ndarray, k: int, M: int, kappa1: float, kappa2: float
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of ``Σ_{j∈T} x_j c_j`` over a uniform ``k``-subset ``T`` of ``M`` items.

    ``S1 = Σ c_j`` and ``S2 = Σ c_j²``; the ``x_j`` are i.i.d. with moments ``κ₁, κ₂``.
    """
    mean = k * kappa1 * S1 / M
    second = k * kappa2 * S2 / M
    if k >= 2:
        second = second + kappa1**2 * k * (k - 1) * (S1**2 - S2) / (M * (M - 1))
    return mean, np.maximum(second - mean**2, 0.0)


def cross_talk_moments(
    C: np.ndarray,
    s: int,
    low: float,
    high: float,
    noise_std: float = 0.0,
    *,
    extra_second_moment: float = 0.0,
) -> CrossTalkMoments:
    """Exact mean and standard deviation of every unit's pre-activation, on and off the support.

    For unit ``i`` and a sample with support ``S``, ``W_iᵀy = Σ_{j∈S} x_j C_ij + W_iᵀη``.
    Given ``i ∉ S`` the support is a uniform ``s``-subset of the ``M = m − 1`` other
    units; with ``S1 = Σ_{j≠i} C_ij`` and ``S2 = Σ_{j≠i} C_ij²``::

        mean = s κ₁ S1/M
        var  = s κ₂ S2/M + κ₁² s(s − 1)(S1² − S2)/(M(M − 1)) − mean² + σ_η²

    (the middle term is the rank-one part ``κ₁² 11ᵀ`` of ``E[x*_S x*_Sᵀ | S]``). Given
    ``i ∈ S`` the same holds for the ``s − 1`` other units. The noise term assumes
    ``‖W_i‖ = 1``.

    Parameters
    ----------
    C : (m, m) ndarray
        Cross-talk matrix ``C = WᵀA*`` (or the learner's estimate ``WᵀW``).
    s : int
        Support size, ``1 <= s <= m``.
    low, high : float
        ``0 < a₁ <= a₂``.
    noise_std : float
        ``σ_η >= 0``.
    extra_second_moment : float
        Added to every ``C_ij²`` (``j ≠ i``) in ``S2``; the bias rule uses ``δ²/n`` for the
        unknown part ``W_iᵀ(A*_j − W_j)`` of the cross-talk.

    Returns
    -------
    CrossTalkMoments
    """
    C = _cross_talk_matrix(C)
    m = C.shape[0]
    s = _sparsity(s, m)
    kappa1, kappa2 = code_moments(low, high)
    sigma = check_real(noise_std, "noise_std", low=0.0)
    extra = check_real(extra_second_moment, "extra_second_moment", low=0.0)
    lam = np.diag(C).copy()
    M = m - 1
    S1 = C.sum(axis=1) - lam
    S2 = np.sum(C * C, axis=1) - lam**2 + M * extra
    off_mean, off_var = _subset_sum_moments(S1, S2, s, M, kappa1, kappa2)
    on_mean, on_var = _subset_sum_moments(S1, S2, s - 1, M, kappa1, kappa2)
    return CrossTalkMoments(
        lam=lam,
        off_mean=off_mean,
        off_std=np.sqrt(off_var + sigma**2),
        on_mean=on_mean,
        on_std=np.sqrt(on_var + sigma**2),
    )


def bias_range(
    mu: float,
    n: int,
    delta: float,
    margin: float,
    s: int,
    low: float,
    high: float,
) -> tuple[float, float]:
    """Sufficient range of the ReLU bias for exact support recovery from a δ-close start.

    With unit-norm columns ``‖W_i − A*_i‖ <= δ``: ``a_i >= 1 − δ²/2`` and
    ``|C_ij| <= |⟨A*_i, A*_j⟩| + ‖W_i − A*_i‖ <= μ/√n + δ = ν`` for ``j ≠ i``. If
    ``|W_iᵀη| <= t`` for every unit, then for ``i ∈ S``
    ``W_iᵀy >= a₁(1 − δ²/2) − (s − 1) a₂ ν − t`` and for ``i ∉ S``
    ``W_iᵀy <= s a₂ ν + t``; the ReLU fires exactly on ``S`` for every bias in

        −(a₁(1 − δ²/2) − (s − 1) a₂ ν) + t < b <= −s a₂ ν − t.

    Parameters
    ----------
    mu : float
        Incoherence ``μ >= 0`` of ``A*``.
    n : int
        Dimension, ``>= 1``.
    delta : float
        Closeness ``δ`` in ``[0, √2)``.
    margin : float
        Noise margin ``t >= 0``.
    s : int
        Support size, ``>= 1``.
    low, high : float
        ``0 < a₁ <= a₂``.

    Returns
    -------
    (lower, upper) : tuple of float
        Empty when ``lower >= upper``, i.e. unless ``a₁(1 − δ²/2) > (2s − 1) a₂ ν + 2t``.
    """
    s = check_int(s, "s", low=1)
    mu = check_real(mu, "mu", low=0.0)
    n = check_int(n, "n", low=1)
    delta = check_real(
        delta, "delta", low=0.0, high=np.sqrt(2.0), high_open=True
    )
    a1, a2 = _code_range(low, high)
    t = check_real(margin, "margin", low=0.0)
    nu = mu / np.sqrt(n) + delta
    return float(-(a1 * (1.0 - delta**2 / 2.0) - (s - 1) * a2 * nu) + t), float(
        -s * a2 * nu - t
    )


def typical_bias_range(
    C: np.ndarray,
    s: int,
    low: float,
    high: float,
    noise_std: float = 0.0,
    *,
    k_off: float = 3.0,
    k_on: float = 3.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Typical ("mean ± k·sd") range of each unit's bias.

    Unit ``i`` stays silent off its support while ``b_i <= −(off_mean_i + k_off off_std_i)``
    and fires on it, even for the smallest code value ``a₁``, while
    ``b_i > −(a_i a₁ + on_mean_i − k_on on_std_i)`` (moments from
    :func:`cross_talk_moments`).

    Parameters
    ----------
    C : (m, m) ndarray
        Cross-talk matrix ``WᵀA*``.
    s : int
        Support size.
    low, high : float
        ``0 < a₁ <= a₂``.
    noise_std : float
        ``σ_η >= 0``.
    k_off, k_on : float
        Numbers of standard deviations, ``>= 0``.

    Returns
    -------
    (lower, upper) : tuple of (m,) ndarray
        Per-unit range; empty for units with ``lower >= upper``.
    """
    k_off = check_real(k_off, "k_off", low=0.0)
    k_on = check_real(k_on, "k_on", low=0.0)
    a1, _ = _code_range(low, high)
    mom = cross_talk_moments(C, s, low, high, noise_std)
    lower = -(mom.lam * a1 + mom.on_mean - k_on * mom.on_std)
    upper = -(mom.off_mean + k_off * mom.off_std)
    return lower, upper


def _normal_cdf_integral(t: np.ndarray) -> np.ndarray:
    """``∫_{-∞}^t Φ(u) du = t Φ(t) + φ(t)`` (arguments clipped to ``±1e100``, far in the asymptotes)."""
    t = np.clip(t, -1e100, 1e100)
    return t * ndtr(t) + np.exp(-0.5 * t * t) / np.sqrt(2.0 * np.pi)


_TINY = 1e-300


def _false_fire_from_moments(
    mom: CrossTalkMoments, b: np.ndarray
) -> np.ndarray:
    """``P[u_i > 0 | i ∉ S] = Φ((b_i + off_mean_i)/off_std_i)``."""
    z = (b + mom.off_mean) / np.maximum(mom.off_std, _TINY)
    sharp = (b + mom.off_mean > 0).astype(float)
    return np.clip(np.where(mom.off_std > 0, ndtr(z), sharp), 0.0, 1.0)


def _miss_from_moments(
    mom: CrossTalkMoments, b: np.ndarray, low: float, high: float
) -> np.ndarray:
    """``P[a_i x + Z + b_i <= 0]`` with ``x ~ U[a₁, a₂]`` and ``Z ~ N(on_mean_i, on_std_i²)``."""
    a1, a2 = _code_range(low, high)
    sd = np.maximum(mom.on_std, _TINY)
    alpha = (-b - mom.on_mean) / sd
    beta = mom.lam / sd
    spread = beta * (a2 - a1)
    with np.errstate(divide="ignore", invalid="ignore"):
        averaged = (
            _normal_cdf_integral(alpha - beta * a1)
            - _normal_cdf_integral(alpha - beta * a2)
        ) / spread
    smooth = np.where(
        spread > 1e-9, averaged, ndtr(alpha - beta * (a1 + a2) / 2.0)
    )
    # no noise and no cross-talk: the fraction of x ∈ [a₁, a₂] with ax + on_mean + b <= 0
    threshold = -(b + mom.on_mean)
    if a2 > a1:
        with np.errstate(divide="ignore", invalid="ignore"):
            cut = np.clip((threshold / mom.lam - a1) / (a2 - a1), 0.0, 1.0)
        sharp = np.where(mom.lam > 0, cut, (threshold >= 0).astype(float))
    else:
        sharp = (mom.lam * a1 <= threshold).astype(float)
    return np.clip(np.where(mom.on_std > 0, smooth, sharp), 0.0, 1.0)


def unit_error_rates(
    C: np.ndarray,
    bias: float | np.ndarray,
    s: int,
    low: float,
    high: float,
    noise_std: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-unit false-firing and miss probabilities, with Gaussian cross-talk.

    Off the support ``W_iᵀy ≈ N(off_mean_i, off_std_i²)``, so unit ``i`` fires wrongly
    with probability ``Φ((b_i + off_mean_i)/off_std_i)``. On it ``W_iᵀy = a_i x + Z`` with
    ``x ~ U[a₁, a₂]`` and ``Z ≈ N(on_mean_i, on_std_i²)``; averaging
    ``Φ((−b_i − a_i x − on_mean_i)/on_std_i)`` over ``x`` gives the miss probability in
    closed form through ``∫Φ = tΦ(t) + φ(t)``.

    Parameters
    ----------
    C : (m, m) ndarray
        Cross-talk matrix ``WᵀA*``.
    bias : float or (m,) ndarray
        Bias ``b``.
    s : int
        Support size.
    low, high : float
        ``0 < a₁ <= a₂``.
    noise_std : float
        ``σ_η >= 0``.

    Returns
    -------
    (false_fire, miss) : tuple of (m,) ndarray
        ``P[u_i > 0 | i ∉ S]`` and ``P[u_i <= 0 | i ∈ S]``.
    """
    mom = cross_talk_moments(C, s, low, high, noise_std)
    b = as_vector(bias, "bias", mom.lam.shape[0])
    return _false_fire_from_moments(mom, b), _miss_from_moments(
        mom, b, low, high
    )


def firing_probability(
    C: np.ndarray,
    bias: float | np.ndarray,
    s: int,
    low: float,
    high: float,
    noise_std: float = 0.0,
) -> float:
    """Predicted fraction of samples on which the ReLU fires exactly on the true support.

    Treating units as independent, a sample with support ``S`` is decoded exactly with
    probability ``Π_{i∈S}(1 − miss_i) Π_{i∉S}(1 − false_i)``; averaging the logarithm over
    the uniform support (``P[i ∈ S] = s/m``) gives

        exp( Σ_i [ (s/m) log(1 − miss_i) + (1 − s/m) log(1 − false_i) ] ).

    Parameters
    ----------
    C, bias, s, low, high, noise_std
        As in :func:`unit_error_rates`.

    Returns
    -------
    float
        In ``[0, 1]``.
    """
    false_fire, miss = unit_error_rates(C, bias, s, low, high, noise_std)
    p = s / false_fire.shape[0]
    with np.errstate(divide="ignore"):
        log_rate = p * np.sum(np.log1p(-miss))
        if (
            p < 1.0
        ):  # with s = m no unit is off its support, and there is no false-firing term
            log_rate = log_rate + (1.0 - p) * np.sum(np.log1p(-false_fire))
    return float(np.clip(np.exp(log_rate), 0.0, 1.0))


def spurious_energy(
    C: np.ndarray,
    bias: float | np.ndarray,
    s: int,
    low: float,
    high: float,
    noise_std: float = 0.0,
) -> float:
    """Energy of the wrong activations relative to the right ones, ``E‖x_wrong‖² / E‖x_right‖²``.

    Off the support unit ``i`` outputs ``(Z + b_i)⁺`` with ``Z ≈ N(μ, σ²)`` (the off-support
    moments), whose second moment is ``σ²[(1 + t²)Φ(t) + tφ(t)]``, ``t = (b_i + μ)/σ``. On the
    support it outputs about ``a_i x + Z′ + b_i``, with second moment
    ``a_i²κ₂ + 2a_iκ₁(b_i + μ′) + (b_i + μ′)² + σ′²`` (misses neglected). The ratio weighs
    them by ``1 − p`` and ``p``.

    Parameters
    ----------
    C, bias, s, low, high, noise_std
        As in :func:`unit_error_rates`.

    Returns
    -------
    float
    """
    mom = cross_talk_moments(C, s, low, high, noise_std)
    m = mom.lam.shape[0]
    b = as_vector(bias, "bias", m)
    kappa1, kappa2 = code_moments(low, high)
    sd = np.maximum(mom.off_std, _TINY)
    t = b + mom.off_mean
    with np.errstate(over="ignore", invalid="ignore"):
        z = t / sd
        wrong = sd**2 * (
            (1.0 + z * z) * ndtr(z)
            + z * np.exp(-0.5 * z * z) / np.sqrt(2.0 * np.pi)
        )
        # a (near-)deterministic off-support input overflows z²: the same moment as (sd² + t²)Φ(z) + sd·t·φ(z)
        sharp = (sd**2 + t * t) * ndtr(z) + sd * t * np.exp(
            -0.5 * np.minimum(z * z, 1e4)
        ) / np.sqrt(2.0 * np.pi)
    wrong = np.where(np.isfinite(wrong), wrong, sharp)
    shift = b + mom.on_mean
    right = (
        mom.lam**2 * kappa2
        + 2.0 * mom.lam * kappa1 * shift
        + shift**2
        + mom.on_std**2
    )
    p = s / m
    return float((1.0 - p) * wrong.sum() / (p * right.sum()))


# --------------------------------------------------------------------------- expected gradient


def expected_gradient(
    W: np.ndarray,
    A_star: np.ndarray,
    bias: float | np.ndarray,
    s: int,
    low: float,
    high: float,
) -> np.ndarray:
    """Leading-order expected gradient ``E[∇_W ℓ]`` on the exact-firing event (unit-norm columns).

    Dropping the cross-talk ``⟨W_i, A*_j⟩``, ``⟨W_i, W_j⟩`` (``j ≠ i``) inside the
    pre-activations and residual, ``u_i = a_i x_i + b_i`` and ``W_iᵀr = −b_i``; with
    ``E_j = A*_j − a_j W_j`` this gives, for every column ``i``::

        g_i / p = b_i(2a_iκ₁ + b_i) W_i − a_i κ₂ E_i
                  + w Σ_{j≠i} [ −(a_iκ₁ + b_i)(κ₁ E_j − b_j W_j) + b_i κ₁ A*_j ]

    with ``p = s/m`` and ``w = (s − 1)/(m − 1)``. The noise cancels (as for the mixture).
    With ``s = 1``, ``a₁ = a₂ = 1`` it is the mixture's ``p[(a + b)² W − a A*]``.

    Parameters
    ----------
    W : (n, m) ndarray
        Weights, unit-norm columns.
    A_star : (n, m) ndarray
        Dictionary, unit-norm columns.
    bias : float or (m,) ndarray
        Bias ``b``.
    s : int
        Support size.
    low, high : float
        ``0 < a₁ <= a₂``.

    Returns
    -------
    G : (n, m) ndarray
        Column ``i`` is the leading-order ``E[∇_{W_i} ℓ]``.
    """
    W, A_star = _unit_pair(W, A_star)
    n, m = W.shape
    s = _sparsity(s, m)
    b = as_vector(bias, "bias", m)
    kappa1, kappa2 = code_moments(low, high)
    p, w = s / m, (s - 1) / (m - 1)
    lam = np.sum(W * A_star, axis=0)
    E = A_star - lam * W
    own = b * (2.0 * lam * kappa1 + b) * W - lam * kappa2 * E
    Q = kappa1 * E - b * W
    others_Q = Q.sum(axis=1, keepdims=True) - Q
    others_A = A_star.sum(axis=1, keepdims=True) - A_star
    cross = -(lam * kappa1 + b) * others_Q + b * kappa1 * others_A
    return p * (own + w * cross)


def radial_coefficient(
    A_star: np.ndarray,
    bias: float | np.ndarray,
    s: int,
    low: float,
    high: float,
    noise_std: float = 0.0,
    *,
    second_order: bool = True,
) -> np.ndarray:
    """Radial part ``⟨E∇_{W_i} ℓ, A*_i⟩`` of the expected gradient at ``W = A*`` (exact firing).

    At ``W = A*`` exactly, with ``G = A*ᵀA*``: ``A*_iᵀr = −b_i − Σ_{j∈S∖i} G_ij u_j`` and
    ``A*_iᵀy = u_i − b_i``, so the radial part is ``(b_i + Σ_{j∈S∖i} G_ij u_j)(2u_i − b_i)``.
    Expanding ``u`` to second order in the off-diagonal ``G`` and averaging::

        p [ b(2κ₁ + b) + w (2bκ₁ + (κ₁ + b)(2κ₁ + b)) Σ_{j≠i} G_ij
              + w (4κ₂ + 3bκ₁ + 2σ_η²) Σ_{j≠i} G_ij² ]

    (terms with products of distinct ``G`` entries, of relative size ``s/m``, dropped).

    Parameters
    ----------
    A_star : (n, m) ndarray
        Dictionary, unit-norm columns.
    bias : float or (m,) ndarray
        Bias ``b``.
    s : int
        Support size.
    low, high : float
        ``0 < a₁ <= a₂``.
    noise_std : float
        ``σ_η >= 0``.
    second_order : bool
        Include the ``G`` terms; ``False`` gives the leading order ``p b(2κ₁ + b)``.

    Returns
    -------
    (m,) ndarray
    """
    A_star = as_unit_matrix(A_star, "A_star")
    m = A_star.shape[1]
    if m < 2:
        raise ValueError(f"A_star must have at least 2 columns; got {m}.")
    s = _sparsity(s, m)
    b = as_vector(bias, "bias", m)
    sigma = check_real(noise_std, "noise_std", low=0.0)
    second_order = check_bool(second_order, "second_order")
    kappa1, kappa2 = code_moments(low, high)
    p, w = s / m, (s - 1) / (m - 1)
    leading = b * (2.0 * kappa1 + b)
    if not second_order:
        return p * leading
    G = A_star.T @ A_star
    np.fill_diagonal(G, 0.0)
    first = (2.0 * b * kappa1 + (kappa1 + b) * (2.0 * kappa1 + b)) * G.sum(
        axis=1
    )
    second = (4.0 * kappa2 + 3.0 * b * kappa1 + 2.0 * sigma**2) * np.sum(
        G * G, axis=1
    )
    return p * (leading + w * (first + second))


def contraction_factor(
    cos_angle: float,
    bias: float,
    s: int,
    m: int,
    low: float,
    high: float,
    *,
    step_size: float,
) -> float:
    """Factor ``r`` in ``tan θ' = r tan θ`` for one step of normalised gradient descent.

    The own-column part of :func:`expected_gradient`,
    ``p[(q(a) − a²κ₂) W_i − aκ₂(A*_i − aW_i)]`` with ``q(a) = a²κ₂ + 2abκ₁ + b²``
    (``a = a_i = ⟨W_i, A*_i⟩``), makes the step
    ``W_i − ζ g_i = (1 − γq(a)) W_i + γ a κ₂ A*_i`` with the effective step ``γ = ζp``; in the
    basis ``(A*_i, ⊥)`` this is ``tan θ' = r tan θ`` with

        r = (1 − γq(a)) / (1 − γq(a) + γκ₂).

    At ``a = 1``, ``γq(1) = ζ p E[(x*_i + b)² | i ∈ S] = ζp(κ₂ + 2bκ₁ + b²)``.

    Parameters
    ----------
    cos_angle : float
        ``a = cos θ`` in ``(0, 1]``; ``1`` gives the asymptotic rate.
    bias : float
        Bias ``b``.
    s, m : int
        Support size and number of units.
    low, high : float
        ``0 < a₁ <= a₂``.
    step_size : float
        ``ζ > 0``.

    Returns
    -------
    float
        ``r``, in ``[0, 1)`` when ``0 <= γq(a) < 1``.

    Raises
    ------
    ValueError
        If ``γq(a) >= 1`` (the step overshoots: reduce ``step_size``).
    """
    zeta = check_real(step_size, "step_size", low=0.0, low_open=True)
    m = check_int(m, "m", low=1)
    s = _sparsity(s, m)
    b = check_real(bias, "bias")
    lam = check_real(cos_angle, "cos_angle", low=0.0, high=1.0, low_open=True)
    kappa1, kappa2 = code_moments(low, high)
    zp = zeta * s / m
    c = zp * (b * (2.0 * lam * kappa1 + b) + lam**2 * kappa2)
    if c >= 1.0:
        raise ValueError(
            f"step_size is too large: γq(a) = ζp(a²κ₂ + 2abκ₁ + b²) = {c:.3g} >= 1; reduce step_size."
        )
    return float((1.0 - c) / (1.0 - c + zp * kappa2))


def trajectory(
    W0: np.ndarray,
    A_star: np.ndarray,
    bias: float | np.ndarray | Callable[[np.ndarray, int], np.ndarray],
    s: int,
    low: float,
    high: float,
    *,
    step_size: float,
    n_steps: int,
) -> np.ndarray:
    """Column errors of normalised gradient descent on the leading-order expected gradient.

    Iterates ``W_i ← (W_i − ζ g_i)/‖W_i − ζ g_i‖`` with ``g`` from
    :func:`expected_gradient` (a noiseless "population" run, exact firing assumed).

    Parameters
    ----------
    W0 : (n, m) ndarray
        Start, unit-norm columns.
    A_star : (n, m) ndarray
        Dictionary, unit-norm columns.
    bias : float, (m,) ndarray or callable
        Constant bias or a rule ``bias(W, t) -> (m,)``.
    s : int
        Support size.
    low, high : float
        ``0 < a₁ <= a₂``.
    step_size : float
        ``ζ > 0``.
    n_steps : int
        ``>= 0``.

    Returns
    -------
    errors : (n_steps + 1, m) ndarray
        ``‖W_i − A*_i‖`` after each step (row 0: the start).
    """
    W, A_star = _unit_pair(W0, A_star, "W0")
    W = W.copy()
    m = W.shape[1]
    _sparsity(s, m)
    code_moments(low, high)
    zeta = check_real(step_size, "step_size", low=0.0, low_open=True)
    n_steps = check_int(n_steps, "n_steps", low=0)
    rule = bias if callable(bias) else None
    b = None if rule is not None else as_vector(bias, "bias", m)
    out = np.empty((n_steps + 1, m))
    out[0] = np.linalg.norm(W - A_star, axis=0)
    for t in range(n_steps):
        bt = as_vector(rule(W, t), "bias(W, t)", m) if rule is not None else b
        W = W - zeta * expected_gradient(W, A_star, bt, s, low, high)
        W /= np.linalg.norm(W, axis=0)
        out[t + 1] = np.linalg.norm(W - A_star, axis=0)
    return out


# --------------------------------------------------------------------------- floors


def population_floor(
    A_star: np.ndarray, bias: float, s: int, low: float, high: float
) -> float:
    """Systematic error floor of population gradient descent with a constant bias.

    At ``W = A*`` the tangential part of the leading-order gradient of column ``i`` is
    ``p w b(2κ₁ + b) P_i^⊥ A*1`` with ``P_i^⊥ = I − A*_i A*_iᵀ``: every column is pushed
    along the same direction ``u = A*1/‖A*1‖``. Substituting ``W_i = A*_i + ε P_i^⊥ u``
    (first order in ``ε``) the tangential gradient along ``u`` is
    ``p[κ₂ + (s − 1)(κ₁ + b)²] ε + p w b(2κ₁ + b) ‖A*1‖``; it vanishes at::

        ε = (s − 1) |b(2κ₁ + b)| ‖A*1‖ / ((m − 1)(κ₂ + (s − 1)(κ₁ + b)²)).

    The floor is zero for ``s = 1`` (the mixture) and grows with ``|b|`` on ``(−κ₁, 0)``.

    Parameters
    ----------
    A_star : (n, m) ndarray
        Dictionary, unit-norm columns.
    bias : float
        Constant bias ``b``.
    s : int
        Support size.
    low, high : float
        ``0 < a₁ <= a₂``.

    Returns
    -------
    float
        ``ε``, the predicted ``‖W_i − A*_i‖`` at the fixed point.
    """
    A_star = as_unit_matrix(A_star, "A_star")
    m = A_star.shape[1]
    if m < 2:
        raise ValueError(f"A_star must have at least 2 columns; got {m}.")
    s = _sparsity(s, m)
    b = check_real(bias, "bias")
    kappa1, kappa2 = code_moments(low, high)
    norm_sum = float(np.linalg.norm(A_star.sum(axis=1)))
    return (
        (s - 1)
        * abs(b * (2.0 * kappa1 + b))
        * norm_sum
        / ((m - 1) * (kappa2 + (s - 1) * (kappa1 + b) ** 2))
    )


def _sampling_variance(
    bias: float,
    s: int,
    low: float,
    high: float,
    noise_std: float,
    n: int,
    m: int,
) -> tuple[float, float, float, float, float, int]:
    """``V = E‖g_i^⊥‖²`` at ``A*`` (see :func:`fixed_sample_floor`), with the checked arguments."""
    n = check_int(n, "n", low=2)
    m = check_int(m, "m", low=2)
    s = _sparsity(s, m)
    b = check_real(bias, "bias")
    sigma = check_real(noise_std, "noise_std", low=0.0)
    kappa1, kappa2 = code_moments(low, high)
    pair = (
        2.0 * kappa2
        + 2.0 * kappa1**2
        + 4.0 * b * kappa1
        + b * b
        + 2.0 * sigma**2
    )
    V = b * b * (s - 1) * pair + (n - s) * sigma**2 * (kappa2 + sigma**2)
    return V, s / m, b, kappa1, kappa2, s


def fixed_sample_floor(
    bias: float,
    s: int,
    low: float,
    high: float,
    noise_std: float,
    n: int,
    m: int,
    *,
    n_samples: int,
) -> float:
    """Statistical error floor of full-batch descent on one fixed sample (RMS of ``‖W_i − A*_i‖``).

    At ``W = A*`` on the exact-firing event the tangential part of one sample's gradient
    of column ``i ∈ S`` is ``Σ_{j∈S∖i} b(x_i + x_j + b + A*_iᵀη + A*_jᵀη) A*_j
    − (x_i + A*_iᵀη)(I − P_S)η`` (near-orthogonal columns), so

        V = E‖g_i^⊥‖² = b²(s − 1)(2κ₂ + 2κ₁² + 4bκ₁ + b² + 2σ_η²) + (n − s) σ_η²(κ₂ + σ_η²),

    and the empirical mean over ``N`` samples has tangential noise ``ξ`` with
    ``E‖ξ‖² = pV/N``. The fixed point solves ``p κ₂ e = ξ``: ``e = √(V/(pN))/κ₂``.

    Parameters
    ----------
    bias : float
        Constant bias ``b``.
    s : int
        Support size.
    low, high : float
        ``0 < a₁ <= a₂``.
    noise_std : float
        ``σ_η >= 0``.
    n : int
        Dimension, ``>= 2``.
    m : int
        Number of units, ``>= 2``.
    n_samples : int
        ``N >= 1``, the sample size.

    Returns
    -------
    float
    """
    V, p, _, _, kappa2, _ = _sampling_variance(
        bias, s, low, high, noise_std, n, m
    )
    N = check_int(n_samples, "n_samples", low=1)
    return float(np.sqrt(V / (p * N)) / kappa2)


def fresh_batch_floor(
    bias: float,
    s: int,
    low: float,
    high: float,
    noise_std: float,
    n: int,
    m: int,
    *,
    step_size: float,
    batch_size: int,
) -> float:
    """Stationary statistical error floor with a fresh batch of ``N`` per step (RMS of ``‖W_i − A*_i‖``).

    With ``V`` as in :func:`fixed_sample_floor`, linearising the normalised step gives
    ``e' = r e + ζ ξ/(1 − c + ζpκ₂)`` (:func:`contraction_factor`), whose stationary RMS is
    ``ζ √(pV/N) / ((1 − c + ζpκ₂) √(1 − r²))``.

    Parameters
    ----------
    bias : float
        Constant bias ``b``.
    s : int
        Support size.
    low, high : float
        ``0 < a₁ <= a₂``.
    noise_std : float
        ``σ_η >= 0``.
    n : int
        Dimension, ``>= 2``.
    m : int
        Number of units, ``>= 2``.
    step_size : float
        ``ζ > 0``.
    batch_size : int
        ``N >= 1`` samples per step.

    Returns
    -------
    float
    """
    V, p, b, kappa1, kappa2, s = _sampling_variance(
        bias, s, low, high, noise_std, n, m
    )
    N = check_int(batch_size, "batch_size", low=1)
    zeta = check_real(step_size, "step_size", low=0.0, low_open=True)
    r = contraction_factor(1.0, b, s, m, low, high, step_size=zeta)
    c = zeta * p * (kappa2 + 2.0 * b * kappa1 + b * b)
    return float(
        zeta
        * np.sqrt(p * V / N)
        / ((1.0 - c + zeta * p * kappa2) * np.sqrt(1.0 - r * r))
    )


def error_curve(
    A_star: np.ndarray,
    bias: float,
    s: int,
    low: float,
    high: float,
    noise_std: float,
    *,
    delta0: float,
    step_size: float,
    batch_size: int,
    n_steps: int,
) -> np.ndarray:
    """Predicted column error of normalised gradient descent with a fresh batch per step.

    Three independent parts, added in quadrature:

    * the column's own error, iterating ``tan θ' = r(cos θ) tan θ`` from ``δ₀``
      (:func:`contraction_factor`);
    * the sampling error, building up as ``e_stat² (1 − r^{2t})`` towards the floor of
      :func:`fresh_batch_floor` (``r`` at ``a = 1``);
    * the common tilt, building up as ``ε (1 − r_cm^t)`` towards :func:`population_floor`,
      with ``r_cm = (1 − c)/(1 − c + ζp(κ₂ + (s − 1)(κ₁ + b)²))``.

    Parameters
    ----------
    A_star : (n, m) ndarray
        Dictionary, unit-norm columns.
    bias : float
        Constant bias ``b``.
    s : int
        Support size.
    low, high : float
        ``0 < a₁ <= a₂``.
    noise_std : float
        ``σ_η >= 0``.
    delta0 : float
        Starting column error, in ``(0, √2)``.
    step_size : float
        ``ζ > 0``.
    batch_size : int
        Samples per step, ``>= 1``.
    n_steps : int
        ``>= 0``.

    Returns
    -------
    (n_steps + 1,) ndarray
    """
    A_star = as_unit_matrix(A_star, "A_star")
    n, m = A_star.shape
    s = _sparsity(s, m)
    b = check_real(bias, "bias")
    delta0 = check_real(
        delta0,
        "delta0",
        low=0.0,
        high=np.sqrt(2.0),
        low_open=True,
        high_open=True,
    )
    zeta = check_real(step_size, "step_size", low=0.0, low_open=True)
    n_steps = check_int(n_steps, "n_steps", low=0)
    kappa1, kappa2 = code_moments(low, high)
    zp = zeta * s / m
    c = zp * (kappa2 + 2.0 * b * kappa1 + b * b)
    r = contraction_factor(1.0, b, s, m, low, high, step_size=zeta)
    r_cm = (1.0 - c) / (1.0 - c + zp * (kappa2 + (s - 1) * (kappa1 + b) ** 2))
    t = np.arange(
        n_steps + 1
    )  # allocated first: an absurd n_steps fails here, not after a long loop
    own = np.empty(n_steps + 1)
    theta, own[0] = 2.0 * np.arcsin(delta0 / 2.0), delta0
    for k in range(n_steps):
        theta = np.arctan(
            contraction_factor(
                np.cos(theta), b, s, m, low, high, step_size=zeta
            )
            * np.tan(theta)
        )
        own[k + 1] = 2.0 * np.sin(theta / 2.0)
    stat = fresh_batch_floor(
        b, s, low, high, noise_std, n, m, step_size=zeta, batch_size=batch_size
    )
    eps = population_floor(A_star, b, s, low, high)
    return np.sqrt(
        own**2 + stat**2 * (1.0 - r ** (2 * t)) + (eps * (1.0 - r_cm**t)) ** 2
    )


def bias_drift(
    bias0: float | np.ndarray,
    bias_step_size: float,
    s: int,
    m: int,
    n_steps: int,
) -> np.ndarray:
    """Bias trajectory of plain gradient descent on ``b`` while firing stays exact, near ``A*``.

    On the exact-firing event ``∂ℓ/∂b_i = −1{i ∈ S} W_iᵀr`` and ``W_iᵀr = −b_i`` to
    leading order, so ``E ∂ℓ/∂b_i = p b_i`` and ``b_i ← (1 − ζ_b p) b_i``: the loss pulls the
    bias geometrically toward ``0``, out of the range where firing is exact.

    Parameters
    ----------
    bias0 : float or (m,) ndarray
        Starting bias.
    bias_step_size : float
        ``ζ_b >= 0``.
    s, m : int
        Support size and number of units.
    n_steps : int
        ``>= 0``.

    Returns
    -------
    (n_steps + 1,) ndarray or (n_steps + 1, m) ndarray
        ``b_0 (1 − ζ_b p)^t``.
    """
    zeta_b = check_real(bias_step_size, "bias_step_size", low=0.0)
    m = check_int(m, "m", low=1)
    s = _sparsity(s, m)
    n_steps = check_int(n_steps, "n_steps", low=0)
    b0 = as_array(bias0, "bias0", max_ndim=1)
    factor = (1.0 - zeta_b * s / m) ** np.arange(n_steps + 1)
    return factor * b0 if b0.ndim == 0 else factor[:, None] * b0[None, :]


# --------------------------------------------------------------------------- without normalisation


def _scale_polynomial(
    low: float, high: float, bias: float, noise_std: float
) -> tuple[np.ndarray, float, float]:
    kappa1, kappa2 = code_moments(low, high)
    # h(c) = −H(c) = 2c(1 − c²)k₂ + bκ₁(1 − 3c²) − c b² (same roots as H)
    return (
        -scale_polynomial(bias, noise_std, kappa1, kappa2),
        kappa1,
        kappa2 + noise_std**2,
    )


def unnormalised_scale(
    bias: float, low: float, high: float, noise_std: float = 0.0
) -> float:
    """Column norm ``c*`` that plain gradient descent (no normalisation) converges to.

    With ``W_i = c A*_i`` and exact firing, ``x̃_i = x*_i + A*_iᵀη`` gives ``u_i = c x̃_i + b``,
    ``A*_iᵀr = (1 − c²) x̃_i − cb`` and ``A*_iᵀy = x̃_i``, so the radial part of the gradient
    is ``−p h(c)`` with

        h(c) = E[((1 − c²) x̃ − cb)(2c x̃ + b)] = 2c(1 − c²)(κ₂ + σ_η²) + bκ₁(1 − 3c²) − cb²,

    and the norm moves as ``c ← c + ζ p h(c)``. ``c*`` is the root of ``h`` closest to 1;
    for the mixture (``κ₁ = κ₂ = 1``, no noise) ``h(c) = −(c² + bc − 1)(2c + b)`` and
    ``c*(c* + b) = 1``.

    Parameters
    ----------
    bias : float
        Constant bias ``b``.
    low, high : float
        ``0 < a₁ <= a₂``.
    noise_std : float
        ``σ_η >= 0``.

    Returns
    -------
    float
        ``c* > 0``.
    """
    b = check_real(bias, "bias")
    sigma = check_real(noise_std, "noise_std", low=0.0)
    coefficients, _, _ = _scale_polynomial(low, high, b, sigma)
    roots = np.roots(coefficients)
    real = roots[(np.abs(roots.imag) < 1e-9) & (roots.real > 0)].real
    if real.size == 0:
        raise ValueError(
            f"h(c) has no positive root for bias {b}: plain gradient descent has no stable scale."
        )
    return float(real[np.argmin(np.abs(real - 1.0))])


def step_limit(
    bias: float, s: int, m: int, low: float, high: float, noise_std: float = 0.0
) -> float:
    """Largest stable step size of plain gradient descent for the column norm.

    Linearising ``c ← c + ζ p h(c)`` at ``c*`` (:func:`unnormalised_scale`) gives the
    factor ``1 + ζ p h′(c*)`` with ``h′(c) = 2(κ₂ + σ_η²)(1 − 3c²) − 6bκ₁c − b² < 0``; the
    norm converges iff ``ζ < 2/(p |h′(c*)|)`` (the mixture's ``2/(p(4 + b²))``).

    Parameters
    ----------
    bias : float
        Constant bias ``b``.
    s, m : int
        Support size and number of units (``p = s/m``).
    low, high : float
        ``0 < a₁ <= a₂``.
    noise_std : float
        ``σ_η >= 0``.

    Returns
    -------
    float
        The step-size limit ``ζ_max``.
    """
    m = check_int(m, "m", low=1)
    s = _sparsity(s, m)
    c = unnormalised_scale(bias, low, high, noise_std)
    _, kappa1, k2 = _scale_polynomial(low, high, float(bias), float(noise_std))
    slope = (
        2.0 * k2 * (1.0 - 3.0 * c * c) - 6.0 * bias * kappa1 * c - bias * bias
    )
    if slope >= 0:
        raise ValueError(
            f"h′(c*) = {slope:.3g} >= 0 for bias {bias}: the scale c* is not attracting."
        )
    return float(2.0 / ((s / m) * abs(slope)))


# --------------------------------------------------------------------------- the bias rule


@dataclass(frozen=True)
class CoherenceBias:
    """Bias rule ``b(W, t)``: the least negative bias that keeps false firings within a budget.

    The learner does not know ``A*``, but ``W ≈ A*`` column by column, so it estimates the
    spread of the cross-talk ``C = WᵀA*`` from ``WᵀW`` (see :meth:`moments`: the columns'
    common direction is removed first, and ``(m − 1)δ²/n`` is added to the spread as a safety
    margin: the unknown part ``v_ij = W_iᵀ(A*_j − W_j)`` has mean square about ``δ²/n`` for
    errors in random directions, but its covariance with ``W_iᵀW_j`` is about ``−δ²/(2n)``,
    so to this order ``WᵀW`` already has the spread of ``WᵀA*`` and the margin overstates
    the variance by a relative ``δ²``). From these moments it sets, for every unit,

        b_i = −(off_mean_i + k · off_std_i),     k = Φ⁻¹(1 − ε p/(1 − p)),  p = s/m,

    so that unit ``i`` fires off its support with probability ``ε p/(1 − p)``: its wrong
    firings are a fraction ``ε`` of its right ones (in expectation). Among all such biases
    this is the least negative one, which is the point: the error floor grows with ``|b|``.
    Wrong firings sit just above threshold, so even ``ε = 1`` (the default, chosen in
    Chapter 5 from the measured floors) leaves their activation energy small next to the right
    ones (a few percent at the chapter's sizes; :func:`spurious_energy` predicts it). Small is
    not negligible: at ``ε = 1`` the expected gradient departs from the consistent-firing
    lemma of Chapter 5 by more than its accuracy, which there needs ``ε`` of about ``0.1``.

    Parameters
    ----------
    s : int
        Support size (known, or estimated from data).
    low, high : float
        Range ``[a₁, a₂]`` of the non-zeros, ``0 < a₁ <= a₂``.
    noise_std : float
        ``σ_η >= 0``.
    false_fire : float
        Budget ``ε > 0``: expected wrong firings per right firing of a unit (it must keep
        ``ε p/(1 − p) < 1/2``).
    delta : float
        A bound ``δ`` in ``[0, √2)`` on the column errors during the run (an input: pass the
        start's ``δ₀`` and check along the run that the errors stay below it); ``0`` adds no
        margin.

    Examples
    --------
    As the bias rule of :func:`aecore.train`::

        rule = CoherenceBias(s=3, low=1.0, high=2.0, noise_std=0.05)
        result = train(W0, rule, model, ReLU(), step_size=zeta, n_steps=30, batch_size=2000, rng=rng)
    """

    s: int
    low: float
    high: float
    noise_std: float = 0.0
    false_fire: float = 1.0
    delta: float = 0.0

    def __post_init__(self) -> None:
        check_int(self.s, "s", low=1)
        _code_range(self.low, self.high)
        check_real(self.noise_std, "noise_std", low=0.0)
        check_real(self.false_fire, "false_fire", low=0.0, low_open=True)
        check_real(
            self.delta, "delta", low=0.0, high=np.sqrt(2.0), high_open=True
        )

    def k(self, m: int) -> float:
        """Number of standard deviations ``k = Φ⁻¹(1 − ε s/(m − s))`` for ``m`` units."""
        m = check_int(m, "m", low=self.s + 1)
        p = self.s / m
        target = self.false_fire * p / (1.0 - p)
        if target >= 0.5:
            raise ValueError(
                f"false_fire = {self.false_fire} asks units to fire wrongly in {target:.0%} of the samples "
                f"off their support (m = {m}, s = {self.s}); choose false_fire < {0.5 * (1 - p) / p:.3g}."
            )
        return float(-ndtri(target))

    def moments(self, W: np.ndarray) -> CrossTalkMoments:
        """Cross-talk moments estimated from ``W`` alone (the learner does not know ``A*``).

        * Spread: ``S2_i = Σ_{j≠i} (W̃_iᵀW̃_j)² + (m − 1)δ²/n`` (the last term a safety margin,
          see the class docstring) with ``W̃ = (I − ûûᵀ)W`` and
          ``û = W1/‖W1‖``. When every column is tilted by ``ε`` toward a shared direction,
          ``WᵀW`` gains about ``ε²`` in every entry while ``WᵀA*`` does not; removing ``û``
          first keeps that tilt out of the estimate (otherwise a more negative bias would
          cause a larger tilt, which the rule would read as more cross-talk: a feedback loop).
        * Mean: ``S1_i = Σ_{j≠i} C_ij`` cannot be estimated once the columns share a tilt,
          so it is set to its value ``0`` for an unstructured dictionary, and its uncertainty
          (``Var S1_i ≈ S2_i`` for random signs) is added to the variance:
          ``τ_i² = (s κ₁/(m − 1))² S2_i``.

        Returns
        -------
        CrossTalkMoments
            ``lam`` holds the worst own weight ``1 − δ²/2``.
        """
        W = self._weights(W)
        n, m = W.shape
        direction = W.sum(axis=1)
        size = np.linalg.norm(direction)
        if size > 0:
            direction /= size
            W = W - np.outer(direction, direction @ W)
        C = W.T @ W
        M = m - 1
        S2 = np.sum(C * C, axis=1) - np.diag(C) ** 2 + M * self.delta**2 / n
        kappa1, kappa2 = code_moments(self.low, self.high)
        zero = np.zeros(m)
        off_mean, off_var = _subset_sum_moments(
            zero, S2, self.s, M, kappa1, kappa2
        )
        on_mean, on_var = _subset_sum_moments(
            zero, S2, self.s - 1, M, kappa1, kappa2
        )
        noise = self.noise_std**2
        return CrossTalkMoments(
            lam=np.full(m, 1.0 - self.delta**2 / 2.0),
            off_mean=off_mean,
            off_std=np.sqrt(off_var + (self.s * kappa1 / M) ** 2 * S2 + noise),
            on_mean=on_mean,
            on_std=np.sqrt(
                on_var + ((self.s - 1) * kappa1 / M) ** 2 * S2 + noise
            ),
        )

    def __call__(self, W: np.ndarray, t: int = 0) -> np.ndarray:
        """Bias ``b (m,)`` for the current weights ``W (n, m)``; ``t`` is unused (the rule tracks ``W``)."""
        return self._bias_from(self.moments(W))

    def _bias_from(self, mom: CrossTalkMoments) -> np.ndarray:
        return -(mom.off_mean + self.k(mom.lam.shape[0]) * mom.off_std)

    def miss_rate(
        self, W: np.ndarray, bias: float | np.ndarray | None = None
    ) -> np.ndarray:
        """Predicted miss probability ``(m,)`` of every unit at ``bias`` (default: the rule's bias).

        Estimated moments, own weight ``a = 1 − δ²/2``, code values uniform on ``[a₁, a₂]``.
        """
        mom = self.moments(W)
        b = (
            self._bias_from(mom)
            if bias is None
            else as_vector(bias, "bias", mom.lam.shape[0])
        )
        return _miss_from_moments(mom, b, self.low, self.high)

    def lower_end(self, W: np.ndarray, miss_budget: float) -> np.ndarray:
        """Most negative bias ``(m,)`` whose predicted miss probability is at most ``miss_budget`` (bisection).

        The miss budget is a probability in ``(0, 1)``, separate from the false-fire budget
        ``ε`` (a ratio of wrong to right firings) that sets the rule's own bias.
        """
        budget = check_real(
            miss_budget,
            "miss_budget",
            low=0.0,
            high=1.0,
            low_open=True,
            high_open=True,
        )
        mom = self.moments(W)
        hi = np.zeros_like(mom.lam)
        lo = hi - 2.0 * self.high - 1.0
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            too_negative = (
                _miss_from_moments(mom, mid, self.low, self.high) > budget
            )
            lo = np.where(too_negative, mid, lo)
            hi = np.where(too_negative, hi, mid)
        return hi

    def admissible(self, W: np.ndarray, miss_budget: float) -> np.ndarray:
        """Boolean ``(m,)``: whether the rule's bias keeps each unit's miss probability at most ``miss_budget``."""
        budget = check_real(
            miss_budget,
            "miss_budget",
            low=0.0,
            high=1.0,
            low_open=True,
            high_open=True,
        )
        return self.miss_rate(W) <= budget

    def _weights(self, W: object) -> np.ndarray:
        W = as_matrix(W, "W")
        m = W.shape[1]
        if m <= self.s:
            raise ValueError(
                f"W must have more columns than s = {self.s}; got {m}."
            )
        norms = np.linalg.norm(W, axis=0)
        if np.any(norms == 0):
            raise ValueError(
                "W has a zero column; the bias rule needs non-zero columns (normalise W first)."
            )
        return W / norms
