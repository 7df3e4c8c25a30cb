"""The weight-tied autoencoder ``x = σ(Wᵀy + b)``, ``ŷ = W x``: forward pass, loss, gradient.

Both activations satisfy ``σ(u) = σ′(u) u``, which gives the per-sample gradient of
``ℓ = ½‖y − W σ(Wᵀy + b)‖²`` (with ``u = Wᵀy + b`` and ``r = y − ŷ``)::

    ∇_{W_i} ℓ = −σ′(u_i) [u_i r + (W_iᵀ r) y]        ∂ℓ/∂b_i = −σ′(u_i) W_iᵀ r

The first term is the decoder's use of ``W_i`` and the second the encoder's; weight
tying is what makes two terms. Batched over the columns of ``Y (n, N)``, with
``D = σ′(U)`` and ``X = D ⊙ U``::

    ∇_W L = −(R Xᵀ + Y (D ⊙ WᵀR)ᵀ) / N            ∇_b L = −(D ⊙ WᵀR) 1 / N
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ._validate import as_matrix, as_vector, check_real

__all__ = [
    "Activation",
    "HardThreshold",
    "ReLU",
    "decode",
    "encode",
    "gradient",
    "loss",
    "loss_and_gradient",
]


class Activation(Protocol):
    """An activation ``σ`` with ``σ(u) = σ′(u)·u`` and ``σ′(u) ∈ {0, 1}``."""

    def active(self, U: np.ndarray) -> np.ndarray:
        """Boolean mask ``σ′(U) = 1`` (which hidden units fire)."""
        ...

    def __call__(self, U: np.ndarray) -> np.ndarray:
        """``σ(U)`` elementwise."""
        ...


@dataclass(frozen=True)
class ReLU:
    """Rectified linear unit ``σ(z) = max(z, 0)``; the bias ``b`` sets its threshold."""

    def active(self, U: np.ndarray) -> np.ndarray:
        """Mask of ``U > 0``."""
        return U > 0

    def __call__(self, U: np.ndarray) -> np.ndarray:
        """``max(U, 0)`` elementwise."""
        return np.maximum(U, 0.0)


@dataclass(frozen=True)
class HardThreshold:
    """Hard thresholding ``σ(z) = z·1{|z| ≥ λ}``.

    Parameters
    ----------
    threshold : float
        The level ``λ >= 0`` (default ½, the book's choice for unit-norm atoms and codes of
        magnitude at least 1).
    """

    threshold: float = 0.5

    def __post_init__(self) -> None:
        check_real(self.threshold, "threshold", low=0.0)

    def active(self, U: np.ndarray) -> np.ndarray:
        """Mask of ``|U| >= λ``."""
        return np.abs(U) >= self.threshold

    def __call__(self, U: np.ndarray) -> np.ndarray:
        """``U·1{|U| ≥ λ}`` elementwise."""
        return np.where(self.active(U), U, 0.0)


def _check_activation(activation: object) -> Activation:
    if isinstance(activation, type) or not (
        callable(activation) and hasattr(activation, "active")
    ):
        raise ValueError(
            f"activation must be an aecore activation such as ReLU() or HardThreshold(0.5); got {activation!r}."
        )
    return activation  # type: ignore[return-value]


def _check_inputs(
    W: object, bias: object, Y: object
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    W = as_matrix(W, "W")
    n, m = W.shape
    Y = as_matrix(Y, "Y", (n, None))
    return W, as_vector(bias, "bias", m), Y


def encode(
    W: np.ndarray,
    bias: float | np.ndarray,
    Y: np.ndarray,
    activation: Activation,
) -> np.ndarray:
    """Hidden codes ``X = σ(WᵀY + b)``.

    Parameters
    ----------
    W : (n, m) ndarray
        Tied weights; column ``W_i`` belongs to hidden unit ``i``.
    bias : float or (m,) ndarray
        Encoder bias ``b``.
    Y : (n, N) ndarray
        Inputs, one per column.
    activation : Activation
        ``ReLU()`` or ``HardThreshold(λ)``.

    Returns
    -------
    X : (m, N) ndarray
    """
    W, bias, Y = _check_inputs(W, bias, Y)
    return _check_activation(activation)(W.T @ Y + bias[:, None])


def decode(W: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Reconstruction ``Ŷ = W X``.

    Parameters
    ----------
    W : (n, m) ndarray
    X : (m, N) ndarray

    Returns
    -------
    Y_hat : (n, N) ndarray
    """
    W = as_matrix(W, "W")
    X = as_matrix(X, "X", (W.shape[1], None))
    return W @ X


def loss_and_gradient(
    W: np.ndarray,
    bias: float | np.ndarray,
    Y: np.ndarray,
    activation: Activation,
) -> tuple[float, np.ndarray, np.ndarray]:
    """Empirical loss ``L = (1/2N) Σ_j ‖y_j − W σ(Wᵀy_j + b)‖²`` and its gradient.

    Parameters
    ----------
    W : (n, m) ndarray
    bias : float or (m,) ndarray
    Y : (n, N) ndarray
    activation : Activation

    Returns
    -------
    loss : float
    grad_W : (n, m) ndarray
        Both terms of the tied gradient (decoder and encoder paths).
    grad_bias : (m,) ndarray
    """
    W, bias, Y = _check_inputs(W, bias, Y)
    return _loss_and_gradient(W, bias, Y, _check_activation(activation))


def _loss_and_gradient(
    W: np.ndarray, bias: np.ndarray, Y: np.ndarray, activation: Activation
) -> tuple[float, np.ndarray, np.ndarray]:
    """Unchecked kernel of :func:`loss_and_gradient` (used inside training loops)."""
    N = Y.shape[1]
    U = W.T @ Y
    U += bias[:, None]
    D = activation.active(U)
    X = np.multiply(U, D, out=U)
    R = Y - W @ X
    V = W.T @ R
    V *= D
    grad_W = R @ X.T
    grad_W += Y @ V.T
    grad_W *= -1.0 / N
    grad_bias = V.sum(axis=1) * (-1.0 / N)
    return 0.5 * float(np.vdot(R, R)) / N, grad_W, grad_bias


def loss(
    W: np.ndarray,
    bias: float | np.ndarray,
    Y: np.ndarray,
    activation: Activation,
) -> float:
    """Empirical loss ``(1/2N) Σ_j ‖y_j − W σ(Wᵀy_j + b)‖²`` (see :func:`loss_and_gradient`).

    Parameters
    ----------
    W : (n, m) ndarray
        Tied weights.
    bias : float or (m,) ndarray
        Encoder bias ``b``.
    Y : (n, N) ndarray
        Samples, one per column.
    activation : Activation
        ``ReLU()`` or ``HardThreshold(λ)``.

    Returns
    -------
    float
    """
    W, bias, Y = _check_inputs(W, bias, Y)
    R = Y - W @ _check_activation(activation)(W.T @ Y + bias[:, None])
    return 0.5 * float(np.vdot(R, R)) / Y.shape[1]


def gradient(
    W: np.ndarray,
    bias: float | np.ndarray,
    Y: np.ndarray,
    activation: Activation,
) -> tuple[np.ndarray, np.ndarray]:
    """Gradient of the empirical loss (see :func:`loss_and_gradient`).

    Parameters
    ----------
    W : (n, m) ndarray
        Tied weights.
    bias : float or (m,) ndarray
        Encoder bias ``b``.
    Y : (n, N) ndarray
        Samples, one per column.
    activation : Activation
        ``ReLU()`` or ``HardThreshold(λ)``.

    Returns
    -------
    grad_W : (n, m) ndarray
        ``∇_W L``.
    grad_bias : (m,) ndarray
        ``∇_b L``.
    """
    return loss_and_gradient(W, bias, Y, activation)[1:]
