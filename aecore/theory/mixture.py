"""Mixture of Gaussians (chapter 3): the closed forms of :mod:`aecore.theory`, answered for the mixture.

The model is ``y = A*_k + η`` with class ``k`` drawn with probability ``p_k`` and
``η ~ N(0, σ_η² I_n)``; the autoencoder is ``x = σ(Wᵀy + b)``, ``ŷ = W x``, trained by
(column-normalised) gradient descent with step size ``ζ``. Notation (chapters/notation.md):
``a_i = ⟨W_i, A*_i⟩``, ``γ_i = ζ p_i`` (the effective step), ``Γ_i = γ_i (a_i + b_i)²``,
``θ_i`` the angle between ``W_i`` and ``A*_i``, ``t_η`` the noise margin, ``ε`` a failure probability.

* :func:`expected_gradient`: ``E[∇_{W_i} ℓ]`` on the exact-firing event; with
  ``‖W_i‖ = 1`` it is ``p_i[(a_i + b_i)² W_i − a_i A*_i]`` (the noise cancels).
* :func:`noise_margin`, :func:`bias_range`, :func:`threshold_range`:
  sufficient conditions under which only the true unit fires.
* :func:`firing_probability`: the probability of exact firing for a given ``W``
  (units treated as independent).
* :func:`contraction_factor`, :func:`trajectory`: the exact angle recursion
  ``tan θ' = ρ tan θ``, ``ρ = (1 − Γ)/(1 − Γ + γ)``, of normalised gradient descent on the
  expected gradient.
* :func:`fresh_batch_floor`, :func:`fixed_sample_floor`: the error floors with a
  fresh batch per step and with one fixed sample.
* :func:`unnormalised_scale`, :func:`step_limit`: plain gradient
  descent without normalisation converges to ``c* A*_i`` with ``c*(c* + b) = 1``
  (noise-free), stably when ``ζ p_i < 2/(b² + 4)``.
* :func:`correlation_constants`: ``α``, ``β`` of the correlation inequality for the
  tangential part of the expected gradient.

All of them are derived, and checked against simulation, in Chapter 3.
"""

from __future__ import annotations

import numpy as np
from scipy.special import log_ndtr, ndtr

from .._validate import (
    as_array,
    as_matrix,
    as_unit_matrix,
    as_vector,
    check_int,
    check_real,
)
from ..autoencoder import HardThreshold, ReLU
from ._scale import scale_polynomial

__all__ = [
    "bias_range",
    "contraction_factor",
    "correlation_constants",
    "trajectory",
    "firing_probability",
    "expected_gradient",
    "fixed_sample_floor",
    "fresh_batch_floor",
    "threshold_range",
    "unnormalised_scale",
    "step_limit",
    "noise_margin",
]


# --------------------------------------------------------------------------- input checks


def _finite_1d(value: object, name: str) -> np.ndarray:
    return np.atleast_1d(as_array(value, name, max_ndim=1))


def _check_weights(p: np.ndarray) -> np.ndarray:
    if np.any(p <= 0) or np.any(p > 1):
        raise ValueError(
            f"weights must lie in (0, 1] (mixing weights p_i); got values in [{p.min()}, {p.max()}]."
        )
    return p


def _per_column(**arrays: object) -> list[np.ndarray]:
    """Convert scalars / 1-D arrays to float vectors broadcast to one common length ``m``."""
    vectors = {name: _finite_1d(value, name) for name, value in arrays.items()}
    lengths = {
        name: v.shape[0] for name, v in vectors.items() if v.shape[0] != 1
    }
    if len(set(lengths.values())) > 1:
        raise ValueError(
            f"per-column arguments must be scalars or have one common length; got lengths {lengths}."
        )
    m = next(iter(lengths.values()), 1)
    return [np.broadcast_to(v, (m,)).copy() for v in vectors.values()]


def _weights(weights: object, m: int) -> np.ndarray:
    """Mixing weights as an ``(m,)`` array with entries in (0, 1] (a scalar is broadcast)."""
    return _check_weights(as_vector(weights, "weights", m))


def _bias_like(bias: object, m: int) -> np.ndarray:
    return as_vector(bias, "bias", m)


def _check_errors(e: np.ndarray) -> np.ndarray:
    if np.any(e < 0) or np.any(e >= np.sqrt(2.0)):
        raise ValueError(
            "errors0 must lie in [0, √2) (column errors ‖W_i − A*_i‖ of unit vectors at an angle below 90°); "
            f"got values in [{e.min()}, {e.max()}]."
        )
    return e


# --------------------------------------------------------------------------- expected gradient


def expected_gradient(
    W: np.ndarray,
    A_star: np.ndarray,
    bias: float | np.ndarray,
    weights: np.ndarray,
    noise_std: float = 0.0,
) -> np.ndarray:
    """Expected tied gradient of the mixture model on the exact-firing event.

    Assumes that unit ``i`` fires on every sample of class ``i`` and on no other sample
    (so ``σ(u_i) = u_i`` on class ``i`` and ``σ′(u_i) = 0`` elsewhere). With
    ``ν_i = ‖W_i‖²`` and ``a_i = ⟨W_i, A*_i⟩``::

        E g_i = p_i { [(ν_i − 2) a_i + (ν_i − 1) b_i] A*_i + [(a_i + b_i)² + 2 σ_η² (ν_i − 1)] W_i }

    which for unit-norm columns is ``p_i [(a_i + b_i)² W_i − a_i A*_i]``: the noise cancels (within the
    decoder term and within the encoder term, each of which carries ``p_i σ_η² (ν_i − 1) W_i``).

    Parameters
    ----------
    W : (n, m) ndarray
        Weights; columns of any non-zero norm.
    A_star : (n, m) ndarray
        Centres (unit-norm columns).
    bias : float or (m,) ndarray
        Encoder bias ``b``.
    weights : (m,) ndarray
        Mixing weights ``p_i``.
    noise_std : float
        ``σ_η >= 0``; matters only for columns with ``‖W_i‖ ≠ 1``.

    Returns
    -------
    G : (n, m) ndarray
        Column ``i`` is ``E[∇_{W_i} ℓ]``, the gradient of the population loss.
    """
    A_star = as_unit_matrix(A_star, "A_star")
    n, m = A_star.shape
    W = as_matrix(W, "W", (n, m))
    p = _weights(weights, m)
    b = _bias_like(bias, m)
    sigma2 = check_real(noise_std, "noise_std", low=0.0) ** 2
    s = np.sum(W * W, axis=0)
    a = np.sum(W * A_star, axis=0)
    coef_A = (s - 2.0) * a + (s - 1.0) * b
    coef_W = (a + b) ** 2 + 2.0 * sigma2 * (s - 1.0)
    return p * (coef_A * A_star + coef_W * W)


# --------------------------------------------------------------------------- which units fire


def noise_margin(noise_std: float, m: int, failure_prob: float) -> float:
    """Margin ``t_η = σ_η √(2 ln(2m/ε))`` with ``P[max_j |W_jᵀη| > t_η] <= ε``.

    Each ``W_jᵀη ~ N(0, σ_η²)`` for a unit-norm column, ``P[|Z| > t] <= 2 exp(−t²/2σ²)``,
    and a union bound over the ``m`` units gives ``ε``.

    Parameters
    ----------
    noise_std : float
        ``σ_η >= 0``.
    m : int
        Number of hidden units, ``>= 1``.
    failure_prob : float
        ``ε`` in ``(0, 1)``: probability that one sample exceeds the margin.

    Returns
    -------
    float
        The margin ``t_η``.
    """
    sigma = check_real(noise_std, "noise_std", low=0.0)
    m = check_int(m, "m", low=1)
    eps = check_real(
        failure_prob,
        "failure_prob",
        low=0.0,
        high=1.0,
        low_open=True,
        high_open=True,
    )
    return sigma * float(np.sqrt(2.0 * np.log(2.0 * m / eps)))


def _check_interval_args(
    mu: float, n: int, delta: float, margin: float
) -> tuple[float, float, float]:
    mu = check_real(mu, "mu", low=0.0)
    n = check_int(n, "n", low=1)
    delta = check_real(
        delta, "delta", low=0.0, high=np.sqrt(2.0), high_open=True
    )
    margin = check_real(margin, "margin", low=0.0)
    return mu / np.sqrt(n) + delta, 1.0 - delta**2 / 2.0, margin


def bias_range(
    mu: float, n: int, delta: float, margin: float
) -> tuple[float, float]:
    """Sufficient interval of the ReLU bias ``b`` for exact firing from a δ-close start.

    Unit ``i`` fires on class ``i`` if ``a_i + W_iᵀη + b > 0`` with ``a_i >= 1 − δ²/2``,
    and stays silent on class ``k ≠ i`` if ``⟨W_i, A*_k⟩ + W_iᵀη + b <= 0`` with
    ``|⟨W_i, A*_k⟩| <= μ/√n + δ``. With ``|W_jᵀη| <= t_η`` for all units this holds for

        −(1 − δ²/2) + t_η < b < −(μ/√n + δ) − t_η.

    Parameters
    ----------
    mu : float
        Incoherence ``μ`` of the centres (``|⟨A*_i, A*_k⟩| <= μ/√n``).
    n : int
        Dimension.
    delta : float
        Closeness ``δ`` in ``[0, √2)``: ``‖W_i − A*_i‖ <= δ``, unit-norm columns.
    margin : float
        Noise margin ``t_η >= 0`` (see :func:`noise_margin`).

    Returns
    -------
    (low, high) : tuple of float
        The interval; it is empty when ``low >= high``, i.e. unless
        ``1 − δ²/2 − δ − μ/√n > 2 t_η``.
    """
    cross, own, t = _check_interval_args(mu, n, delta, margin)
    return float(-own + t), float(-cross - t)


def threshold_range(
    mu: float, n: int, delta: float, margin: float
) -> tuple[float, float]:
    """Sufficient interval of the hard threshold ``λ`` (with ``b = 0``) for exact firing.

    Unit ``i`` fires on class ``i`` if ``|a_i + W_iᵀη| >= λ`` and stays silent on class
    ``k ≠ i`` if ``|⟨W_i, A*_k⟩ + W_iᵀη| < λ``; with ``|W_jᵀη| <= t_η`` this holds for

        μ/√n + δ + t_η < λ <= 1 − δ²/2 − t_η.

    Parameters are those of :func:`bias_range`.

    Returns
    -------
    (low, high) : tuple of float
        Empty when ``low >= high``.
    """
    cross, own, t = _check_interval_args(mu, n, delta, margin)
    return float(cross + t), float(own - t)


def firing_probability(
    W: np.ndarray,
    A_star: np.ndarray,
    bias: float | np.ndarray,
    weights: np.ndarray,
    noise_std: float,
    activation: ReLU | HardThreshold,
) -> float:
    """Probability that exactly the true unit fires, treating the units' noises as independent.

    For a sample of class ``k`` the pre-activations are ``u_j = C_jk + b_j + z_j`` with
    ``C = WᵀA*`` and ``z = Wᵀη ~ N(0, σ_η² WᵀW)``. Ignoring the small correlations
    ``σ_η² ⟨W_j, W_l⟩`` between units, ``P[exact | k] = P[unit k fires] · Π_{j≠k} P[unit j silent]``
    in closed form with the normal distribution function; the result is ``Σ_k p_k P[exact | k]``.

    Parameters
    ----------
    W : (n, m) ndarray
        Weights (non-zero columns).
    A_star : (n, m) ndarray
        Centres (unit-norm columns).
    bias : float or (m,) ndarray
        Bias ``b``.
    weights : (m,) ndarray
        Mixing weights ``p_k``.
    noise_std : float
        ``σ_η > 0``.
    activation : ReLU or HardThreshold
        Which units count as firing: ``u > 0`` or ``|u| >= λ``.

    Returns
    -------
    float
        In ``[0, 1]``.
    """
    A_star = as_unit_matrix(A_star, "A_star")
    n, m = A_star.shape
    W = as_matrix(W, "W", (n, m))
    p = _weights(weights, m)
    b = _bias_like(bias, m)
    sigma = check_real(noise_std, "noise_std", low=0.0, low_open=True)
    scale = sigma * np.linalg.norm(W, axis=0)  # std of z_j, shape (m,)
    mean = (
        W.T @ A_star + b[:, None]
    )  # (m units, m classes): mean of u_j on class k
    if isinstance(activation, ReLU):
        log_on = log_ndtr(mean / scale[:, None])  # P[u_j > 0]
        log_off = log_ndtr(-mean / scale[:, None])
    elif isinstance(activation, HardThreshold):
        lam = activation.threshold
        off = ndtr((lam - mean) / scale[:, None]) - ndtr(
            (-lam - mean) / scale[:, None]
        )  # P[|u_j| < λ]
        with np.errstate(divide="ignore"):
            log_off = np.log(np.clip(off, 0.0, 1.0))
            log_on = np.log(np.clip(1.0 - off, 0.0, 1.0))
    else:
        raise ValueError(
            f"activation must be aecore.ReLU() or aecore.HardThreshold(λ); got {activation!r}."
        )
    diag = np.arange(m)
    others = np.where(
        np.eye(m, dtype=bool), 0.0, log_off
    )  # log P[unit j silent | k] for j ≠ k
    log_exact = others.sum(axis=0) + log_on[diag, diag]
    return float(np.clip(np.sum(p * np.exp(log_exact)), 0.0, 1.0))


# --------------------------------------------------------------------------- normalised gradient descent


def contraction_factor(
    cos_angle: float | np.ndarray,
    bias: float | np.ndarray,
    weights: float | np.ndarray,
    *,
    step_size: float,
) -> np.ndarray:
    """Factor ``ρ`` in ``tan θ' = ρ tan θ`` for one step of normalised gradient descent.

    With the expected gradient ``g_i = p_i[(a_i + b_i)² W_i − a_i A*_i]`` and
    ``W_i = cos θ A*_i + sin θ v`` (``v ⊥ A*_i``, unit), the step ``W_i − ζ g_i`` is
    ``((1 − Γ) + γ) cos θ A*_i + (1 − Γ) sin θ v`` with ``γ = ζ p_i`` and
    ``Γ = γ (cos θ + b_i)²``, so

        ρ = (1 − Γ) / (1 − Γ + γ).

    ``|ρ| < 1`` whenever ``0 <= Γ < 1 + γ/2``; ``ρ`` decreases as ``θ`` decreases
    (when ``cos θ + b_i > 0``), so its value at ``cos θ = 1 − δ²/2`` bounds every later step.

    Parameters
    ----------
    cos_angle : float or (m,) ndarray
        ``a_i = cos θ_i``; ``1`` gives the asymptotic rate.
    bias : float or (m,) ndarray
        Bias ``b_i`` (``0`` for hard thresholding).
    weights : float or (m,) ndarray
        Mixing weights ``p_i``.
    step_size : float
        ``ζ > 0``.

    Returns
    -------
    rho : (m,) ndarray
        Signed factor (negative when ``Γ > 1``: the perpendicular part flips sign).

    Raises
    ------
    ValueError
        If ``cos θ_i + b_i <= 0`` (unit ``i`` does not fire on its own class, so the
        formula's gradient does not apply: the column does not move), or if
        ``1 − Γ + γ <= 0`` (the step overshoots past ``−A*_i``).
    """
    zeta = check_real(step_size, "step_size", low=0.0, low_open=True)
    p, b, a = _per_column(weights=weights, bias=bias, cos_angle=cos_angle)
    _check_weights(p)
    if np.any(np.abs(a) > 1):
        raise ValueError(
            f"cos_angle must lie in [-1, 1]; got values in [{a.min()}, {a.max()}]."
        )
    if np.any(a + b <= 0):
        raise ValueError(
            "cos_angle + bias must be positive for every column: where cos θ_i + b_i <= 0 unit i does not fire "
            "on its own class and the expected-gradient formula does not apply; start closer (smaller δ) or raise b."
        )
    kappa = zeta * p
    c = kappa * (a + b) ** 2
    denominator = 1.0 - c + kappa
    if np.any(denominator <= 0):
        raise ValueError(
            f"step_size is too large: 1 − Γ_i + γ_i = {denominator.min():.3g} <= 0 (γ_i = ζ p_i) for some column; reduce step_size."
        )
    return (1.0 - c) / denominator


def trajectory(
    errors0: float | np.ndarray,
    bias: float | np.ndarray,
    weights: np.ndarray,
    *,
    step_size: float,
    n_steps: int,
) -> np.ndarray:
    """Column errors ``‖W_i − A*_i‖`` predicted by iterating the exact angle recursion.

    ``θ_i = 2 arcsin(e_i/2)``, then ``tan θ_i ← |ρ(cos θ_i)| tan θ_i`` (see
    :func:`contraction_factor`) and ``e_i = 2 sin(θ_i/2)``: normalised gradient
    descent on the expected gradient, exact while firing stays exact.

    Parameters
    ----------
    errors0 : float or (m,) ndarray
        Starting errors in ``[0, √2)``.
    bias : float or (m,) ndarray
        Bias ``b_i``.
    weights : (m,) ndarray
        Mixing weights ``p_i``.
    step_size : float
        ``ζ > 0``.
    n_steps : int
        Number of steps, ``>= 0``.

    Returns
    -------
    errors : (n_steps + 1, m) ndarray
        Row ``t`` holds the predicted errors after ``t`` steps.
    """
    e, p, b = _per_column(errors0=errors0, weights=weights, bias=bias)
    _check_errors(e)
    _check_weights(p)
    m = p.shape[0]
    n_steps = check_int(n_steps, "n_steps", low=0)
    step_size = check_real(step_size, "step_size", low=0.0, low_open=True)
    theta = 2.0 * np.arcsin(e / 2.0)
    out = np.empty((n_steps + 1, m))
    out[0] = e
    for t in range(n_steps):
        rho = contraction_factor(np.cos(theta), b, p, step_size=step_size)
        theta = np.arctan(np.abs(rho) * np.tan(theta))
        out[t + 1] = 2.0 * np.sin(theta / 2.0)
    return out


# --------------------------------------------------------------------------- finite-sample floors


def fresh_batch_floor(
    bias: float | np.ndarray,
    weights: np.ndarray,
    noise_std: float,
    n: int,
    *,
    step_size: float,
    batch_size: int,
) -> np.ndarray:
    """RMS column error at stationarity when every step draws a fresh batch of ``N`` samples.

    Linearising at ``W_i = A*_i``, the perpendicular error obeys
    ``e' = ρ e − ζ ω_i/(1 − Γ + γ)`` with ``ρ`` the asymptotic contraction factor,
    ``γ = ζ p_i``, ``Γ = γ(1 + b_i)²`` and ``ω_i`` the perpendicular gradient noise,
    ``E‖ω_i‖² = σ_η²(1 + σ_η²)(n − 1) p_i / N``. Its stationary RMS is

        ζ σ_η √((1 + σ_η²)(n − 1) p_i / N) / ((1 − Γ + γ) √(1 − ρ²)),

    which for ``b = 0`` is ``σ_η √((1 + σ_η²)(n − 1)/(N p_i)) · √(γ/(2 − γ))``. In general it is
    :func:`fixed_sample_floor` times ``√(γ/(2(1 − Γ) + γ))``: the iteration averages over
    ``1 + 2(1 − Γ)/γ`` batches.

    Parameters
    ----------
    bias : float or (m,) ndarray
        Bias ``b_i``.
    weights : (m,) ndarray
        Mixing weights ``p_i``.
    noise_std : float
        ``σ_η >= 0``.
    n : int
        Dimension, ``>= 2``.
    step_size : float
        ``ζ > 0``.
    batch_size : int
        ``N >= 1`` samples per step.

    Returns
    -------
    floor : (m,) ndarray
        Predicted ``√E‖W_i − A*_i‖²`` per column.
    """
    n = check_int(n, "n", low=2)
    N = check_int(batch_size, "batch_size", low=1)
    zeta = check_real(step_size, "step_size", low=0.0, low_open=True)
    p, b = _per_column(weights=weights, bias=bias)
    _check_weights(p)
    sigma = check_real(noise_std, "noise_std", low=0.0)
    rho = contraction_factor(1.0, b, p, step_size=zeta)
    if np.any(np.abs(rho) >= 1):
        raise ValueError(
            "step_size gives |ρ| >= 1 for some column: there is no stationary floor; reduce step_size."
        )
    kappa = zeta * p
    c = kappa * (1.0 + b) ** 2
    noise = sigma * np.sqrt((1.0 + sigma**2) * (n - 1) * p / N)
    return zeta * noise / ((1.0 - c + kappa) * np.sqrt(1.0 - rho**2))


def fixed_sample_floor(
    weights: np.ndarray, noise_std: float, n: int, *, n_samples: int
) -> np.ndarray:
    """RMS column error of the point that gradient descent on one fixed sample converges to.

    On a fixed sample with exact firing, the perpendicular part of the full-batch gradient
    of column ``i`` is ``−P⊥ M̂_i W_i`` with ``M̂_i = (1/N) Σ_{class i} y yᵀ``, so the fixed
    point is the top eigenvector of ``M̂_i``. First-order perturbation of
    ``A*_i A*_iᵀ + σ_η² I`` gives ``E‖W_i − A*_i‖² ≈ σ_η²(1 + σ_η²)(n − 1)/(N p_i)``.

    Parameters
    ----------
    weights : (m,) ndarray
        Mixing weights ``p_i``.
    noise_std : float
        ``σ_η >= 0``.
    n : int
        Dimension, ``>= 2``.
    n_samples : int
        Sample size ``N >= 1``.

    Returns
    -------
    floor : (m,) ndarray
        ``σ_η √((1 + σ_η²)(n − 1)/(N p_i))`` per column.
    """
    n = check_int(n, "n", low=2)
    N = check_int(n_samples, "n_samples", low=1)
    p = _check_weights(_finite_1d(weights, "weights"))
    sigma = check_real(noise_std, "noise_std", low=0.0)
    return sigma * np.sqrt((1.0 + sigma**2) * (n - 1) / (N * p))


# --------------------------------------------------------------------------- plain gradient descent


def unnormalised_scale(bias: float, noise_std: float = 0.0) -> float:
    """Norm ``c*`` that plain (unnormalised) gradient descent gives a column, ``W_i → c* A*_i``.

    At ``W_i = c A*_i`` the expected gradient (exact firing) is ``p_i h(c) A*_i`` with
    ``h(c) = 2(1 + σ²)c³ + 3b c² + (b² − 2 − 2σ²)c − b``; noise-free
    ``h(c) = −(1 − c(c + b))(2c + b)``, whose firing root is ``c* = (−b + √(b² + 4))/2``.

    Parameters
    ----------
    bias : float
        Bias ``b`` in ``(-2, 2)``.
    noise_std : float
        ``σ_η >= 0``.

    Returns
    -------
    float
        The largest real root of ``h`` (positive, with ``c* + b > 0``).
    """
    b = check_real(
        bias, "bias", low=-2.0, high=2.0, low_open=True, high_open=True
    )
    sigma = check_real(noise_std, "noise_std", low=0.0)
    roots = np.roots(scale_polynomial(b, sigma))
    real = roots[np.abs(roots.imag) < 1e-9].real
    return float(real.max())


def step_limit(bias: float, noise_std: float = 0.0) -> float:
    """Largest effective step ``γ = ζ p_i`` for which plain gradient descent on the scale converges to ``c*``.

    The scale obeys ``c' = c − γ h(c)``; the fixed point ``c*`` is stable iff
    ``|1 − γ h′(c*)| < 1``, i.e. ``γ < 2/h′(c*)``; noise-free ``h′(c*) = b² + 4``.

    Parameters
    ----------
    bias : float
        Bias ``b`` in ``(-2, 2)``.
    noise_std : float
        ``σ_η >= 0``.

    Returns
    -------
    float
        ``2/h′(c*)``.
    """
    c = unnormalised_scale(bias, noise_std)
    slope = np.polyval(
        np.polyder(scale_polynomial(float(bias), float(noise_std))), c
    )
    return float(2.0 / slope)


# --------------------------------------------------------------------------- correlation inequality


def correlation_constants(
    weights: np.ndarray, delta: float, split: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    """Constants of ``⟨g_i^⊥, W_i − A*_i⟩ >= α_i ‖W_i − A*_i‖² + β_i ‖g_i^⊥‖²`` on the δ-ball.

    ``g_i^⊥ = (I − W_i W_iᵀ) g_i = −p_i a_i (A*_i − a_i W_i)`` is the part of the expected
    gradient that normalisation keeps (it does not depend on ``b``). With ``d = W_i − A*_i``
    and unit-norm ``W_i``: ``⟨g^⊥, d⟩ = p_i a_i (1 + a_i)‖d‖²/2 = ‖g^⊥‖²/(p_i a_i)``; giving a
    fraction ``split`` to each side and using ``1 − δ²/2 <= a_i <= 1``::

        α_i = split · p_i a_min (1 + a_min) / 2,    β_i = (1 − split) / p_i,    a_min = 1 − δ²/2.

    Parameters
    ----------
    weights : (m,) ndarray
        Mixing weights ``p_i``.
    delta : float
        Radius ``δ`` in ``[0, √2)`` of the ball ``‖W_i − A*_i‖ <= δ``.
    split : float
        Fraction in ``[0, 1]`` of the correlation credited to ``α``.

    Returns
    -------
    alpha, beta : (m,) ndarray
    """
    p = _check_weights(_finite_1d(weights, "weights"))
    delta = check_real(
        delta, "delta", low=0.0, high=np.sqrt(2.0), high_open=True
    )
    split = check_real(split, "split", low=0.0, high=1.0)
    a_min = 1.0 - delta**2 / 2.0
    return split * p * a_min * (1.0 + a_min) / 2.0, (1.0 - split) / p
