"""The scale polynomial of plain (unnormalised) gradient descent, shared by the theory modules."""

from __future__ import annotations

import numpy as np


def scale_polynomial(
    bias: float, noise_std: float, kappa1: float = 1.0, kappa2: float = 1.0
) -> np.ndarray:
    """Coefficients (highest power first) of ``H(c)`` with ``E ∇_{W_i} ℓ = p_i H(c) A*_i`` at ``W_i = c A*_i``.

    With exact firing and ``x̃ = x*_i + A*_iᵀη`` (``E x̃ = κ₁``, ``E x̃² = κ₂ + σ_η²``)::

        H(c) = 2(κ₂ + σ_η²) c³ + 3bκ₁ c² + (b² − 2(κ₂ + σ_η²)) c − bκ₁

    The mixture is ``κ₁ = κ₂ = 1``. Arguments are checked by the public callers.

    Parameters
    ----------
    bias : float
        Constant bias ``b``.
    noise_std : float
        ``σ_η >= 0``.
    kappa1, kappa2 : float
        Code moments ``κ₁``, ``κ₂``.

    Returns
    -------
    (4,) ndarray
        Coefficients of ``c³, c², c, 1``.
    """
    k2 = kappa2 + noise_std**2
    return np.array(
        [2.0 * k2, 3.0 * bias * kappa1, bias * bias - 2.0 * k2, -bias * kappa1]
    )
