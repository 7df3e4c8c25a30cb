"""Generative linear ("bilinear") models ``y = A* x* + η`` and their samplers.

Three cases of the model are implemented, each a small frozen dataclass:

* :class:`MixtureOfGaussians`: ``x* = e_i`` with probability ``p_i`` (so ``s = 1``);
* :class:`SparseCoding`: ``x*`` has a uniformly random support of size ``s`` and
  independent symmetric non-zeros with magnitudes uniform on ``[a₁, a₂]``
  (Rademacher when ``a₁ = a₂ = 1``);
* :class:`NonnegativeSparseCoding`: as sparse coding, with non-negative non-zeros
  uniform on ``[a₁, a₂]``, ``a₁ > 0``.

The noise is ``η ~ N(0, σ_η² I_n)``, independent of ``x*``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from ._validate import (
    as_unit_matrix,
    as_vector,
    check_generator,
    check_int,
    check_real,
    input_eps,
)

__all__ = [
    "MixtureOfGaussians",
    "NonnegativeSparseCoding",
    "Sample",
    "SparseCoding",
]


class Sample(NamedTuple):
    """A sample of the generative model.

    Attributes
    ----------
    Y : (n, N) ndarray
        Observations, one per column.
    X : (m, N) ndarray
        The latent codes ``x*`` that generated them.
    """

    Y: np.ndarray
    X: np.ndarray


def _check_dictionary(A_star: object) -> np.ndarray:
    return as_unit_matrix(A_star, "A_star")


def _observe(
    A_star: np.ndarray,
    X: np.ndarray,
    noise_std: float,
    rng: np.random.Generator,
) -> Sample:
    Y = A_star @ X
    if noise_std > 0:
        Y += noise_std * rng.standard_normal(Y.shape)
    return Sample(Y, X)


def _random_supports(
    m: int, s: int, N: int, rng: np.random.Generator
) -> np.ndarray:
    """Return an ``(m, N)`` boolean mask with a uniformly random ``s``-subset per column."""
    keys = rng.random((N, m))
    idx = (
        np.argpartition(keys, s - 1, axis=1)[:, :s]
        if s < m
        else np.tile(np.arange(m), (N, 1))
    )
    mask = np.zeros((N, m), dtype=bool)
    np.put_along_axis(mask, idx, True, axis=1)
    return mask.T


@dataclass(frozen=True)
class MixtureOfGaussians:
    """Mixture of spherical Gaussians with unit-norm centres ``A*_i``.

    Each sample picks centre ``i`` with probability ``p_i`` and adds ``N(0, σ_η² I)``
    noise: ``y = A*_i + η``, i.e. the bilinear model with ``x* = e_i``.

    Parameters
    ----------
    A_star : (n, m) ndarray
        Centres, unit-norm columns.
    weights : (m,) ndarray or None
        Mixing weights ``p_i`` (non-negative, summing to one). ``None`` means uniform.
    noise_std : float
        Noise level ``σ_η >= 0``.
    """

    A_star: np.ndarray
    weights: np.ndarray | None = None
    noise_std: float = 0.0
    s: int = field(default=1, init=False)

    def __post_init__(self) -> None:
        A_star = _check_dictionary(self.A_star)
        m = A_star.shape[1]
        weights = (
            np.full(m, 1.0 / m)
            if self.weights is None
            else as_vector(self.weights, "weights", m)
        )
        # float32 weights normalised in float32 sum to 1 only up to about m·eps32
        atol = max(1e-10, 10.0 * m * input_eps(self.weights, weights))
        if np.any(weights < 0) or not np.isclose(
            weights.sum(), 1.0, rtol=0, atol=atol
        ):
            raise ValueError(
                f"weights must be non-negative and sum to 1; got sum {weights.sum():.6g}."
            )
        if (
            abs(weights.sum() - 1.0) > 1e-10
        ):  # within the input's precision: renormalise for the sampler
            weights = weights / weights.sum()
        object.__setattr__(self, "A_star", A_star)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(
            self, "noise_std", check_real(self.noise_std, "noise_std", low=0.0)
        )

    @property
    def inclusion_probabilities(self) -> np.ndarray:
        """Inclusion probabilities ``p_i = P[i ∈ S]`` (here the mixing weights), shape ``(m,)``."""
        return self.weights

    def sample(self, N: int, rng: np.random.Generator) -> Sample:
        """Draw ``N`` samples; returns ``Sample(Y (n, N), X (m, N))`` with one-hot columns ``X``."""
        N = check_int(N, "N", low=1)
        rng = check_generator(rng)
        m = self.A_star.shape[1]
        labels = rng.choice(m, size=N, p=self.weights)
        X = np.zeros((m, N))
        X[labels, np.arange(N)] = 1.0
        return _observe(self.A_star, X, self.noise_std, rng)


@dataclass(frozen=True)
class SparseCoding:
    """Sparse coding: ``s``-sparse codes with symmetric non-zeros, ``|x*_i| ∈ [a₁, a₂]``.

    The support ``S`` is a uniformly random ``s``-subset of ``{1, …, m}`` (so
    ``p_i = s/m``); on it the signs are independent fair coin flips and the
    magnitudes are independent and uniform on ``[low, high]``.

    Parameters
    ----------
    A_star : (n, m) ndarray
        Dictionary, unit-norm columns.
    s : int
        Support size, ``1 <= s <= m``.
    low, high : float
        Magnitude range ``[a₁, a₂]`` with ``0 < low <= high`` (``1, 1``: Rademacher).
    noise_std : float
        Noise level ``σ_η >= 0``.
    """

    A_star: np.ndarray
    s: int
    low: float = 1.0
    high: float = 1.0
    noise_std: float = 0.0

    def __post_init__(self) -> None:
        A_star = _check_dictionary(self.A_star)
        m = A_star.shape[1]
        object.__setattr__(self, "A_star", A_star)
        object.__setattr__(self, "s", check_int(self.s, "s", low=1, high=m))
        low = check_real(self.low, "low", low=0.0, low_open=True)
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", check_real(self.high, "high", low=low))
        object.__setattr__(
            self, "noise_std", check_real(self.noise_std, "noise_std", low=0.0)
        )

    @property
    def inclusion_probabilities(self) -> np.ndarray:
        """``p_i = P[i ∈ S] = s/m`` for every ``i``, shape ``(m,)``."""
        m = self.A_star.shape[1]
        return np.full(m, self.s / m)

    @property
    def kappa1(self) -> float:
        """First code moment ``κ₁ = E[x*_i | i ∈ S]``, zero for symmetric codes."""
        return 0.0

    @property
    def kappa2(self) -> float:
        """``κ₂ = E[x*_i² | i ∈ S] = (a₁² + a₁a₂ + a₂²)/3``."""
        return (self.low**2 + self.low * self.high + self.high**2) / 3.0

    def _signs(
        self, shape: tuple[int, int], rng: np.random.Generator
    ) -> np.ndarray:
        return rng.choice(np.array([-1.0, 1.0]), size=shape)

    def sample(self, N: int, rng: np.random.Generator) -> Sample:
        """Draw ``N`` samples; returns ``Sample(Y (n, N), X (m, N))`` with ``s`` non-zeros per column."""
        N = check_int(N, "N", low=1)
        rng = check_generator(rng)
        m = self.A_star.shape[1]
        mask = _random_supports(m, self.s, N, rng)
        magnitudes = (
            rng.uniform(self.low, self.high, size=(m, N))
            if self.high > self.low
            else np.full((m, N), self.low)
        )
        X = np.where(mask, magnitudes * self._signs((m, N), rng), 0.0)
        return _observe(self.A_star, X, self.noise_std, rng)


@dataclass(frozen=True)
class NonnegativeSparseCoding(SparseCoding):
    """Non-negative sparse coding: ``s``-sparse codes with non-zeros uniform on ``[a₁, a₂]``, ``a₁ > 0``.

    Parameters are those of :class:`SparseCoding`; all non-zeros are positive.
    """

    @property
    def kappa1(self) -> float:
        """``κ₁ = E[x*_i | i ∈ S] = (a₁ + a₂)/2``."""
        return (self.low + self.high) / 2.0

    def _signs(
        self, shape: tuple[int, int], rng: np.random.Generator
    ) -> np.ndarray:
        return np.ones(shape)
