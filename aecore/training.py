"""Gradient descent for the tied autoencoder, with or without column normalisation.

One step of **column-normalised gradient descent** with step size ``ζ`` is::

    W_i ← (W_i − ζ g_i) / ‖W_i − ζ g_i‖

and plain gradient descent omits the division. Data come either from a fixed
sample ``Y (n, N)`` (full-batch gradient) or from a generative model that draws a
fresh batch at every step (a Monte-Carlo estimate of the population gradient).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._validate import as_matrix, as_vector, check_generator, check_int, check_real
from .autoencoder import Activation, _check_activation, _loss_and_gradient
from .models import MixtureOfGaussians, SparseCoding

__all__ = ["TrainingDivergedError", "TrainingResult", "descend", "train"]

_BLOW_UP = 1e6


class TrainingDivergedError(RuntimeError):
    """Raised when gradient descent produces a non-finite loss or weights that blow up."""


@dataclass(frozen=True)
class TrainingResult:
    """Final parameters and per-step history of a training run.

    Attributes
    ----------
    W : (n, m) ndarray
        Final weights.
    bias : (m,) ndarray
        Bias used at the last step (after the last update when it is learned).
    loss : (n_steps,) ndarray
        Loss of the batch used at each step, evaluated before the step.
    errors : (n_steps + 1, m) ndarray or None
        ``‖W_i − A*_i‖`` per column after each step (row 0: the start), columns
        compared as indexed; ``None`` when no ground truth was given.
    """

    W: np.ndarray
    bias: np.ndarray
    loss: np.ndarray
    errors: np.ndarray | None

    @property
    def max_error(self) -> np.ndarray:
        """``max_i ‖W_i − A*_i‖`` per step, shape ``(n_steps + 1,)``."""
        return self._require_errors().max(axis=1)

    @property
    def mean_error(self) -> np.ndarray:
        """``mean_i ‖W_i − A*_i‖`` per step, shape ``(n_steps + 1,)``."""
        return self._require_errors().mean(axis=1)

    @property
    def median_error(self) -> np.ndarray:
        """``median_i ‖W_i − A*_i‖`` per step, shape ``(n_steps + 1,)``."""
        return np.median(self._require_errors(), axis=1)

    def _require_errors(self) -> np.ndarray:
        if self.errors is None:
            raise ValueError("this run recorded no errors: pass A_star (or a model) to train() to record them.")
        return self.errors


Model = MixtureOfGaussians | SparseCoding
BiasRule = Callable[[np.ndarray, int], np.ndarray]
Direction = Callable[[np.ndarray, int], tuple[float, np.ndarray]]


def train(
    W0: np.ndarray,
    bias: float | np.ndarray | BiasRule,
    data: np.ndarray | Model,
    activation: Activation,
    *,
    step_size: float,
    n_steps: int,
    normalize: bool = True,
    bias_step_size: float = 0.0,
    batch_size: int | None = None,
    rng: np.random.Generator | None = None,
    A_star: np.ndarray | None = None,
) -> TrainingResult:
    """Run gradient descent on the tied-autoencoder loss.

    Parameters
    ----------
    W0 : (n, m) ndarray
        Starting weights (with ``normalize=True``, columns are rescaled to unit norm first).
    bias : float, (m,) ndarray or callable
        Encoder bias ``b``: a constant (kept fixed unless ``bias_step_size > 0``),
        or a bias rule ``bias(W, t) -> (m,) ndarray`` evaluated on the current
        weights before step ``t = 0, 1, …``.
    data : (n, N) ndarray or generative model
        A fixed sample ``Y`` (every step uses all of it), or a model from
        :mod:`aecore.models` from which a fresh batch of ``batch_size`` samples is
        drawn at each step with ``rng``.
    activation : Activation
        ``ReLU()`` or ``HardThreshold(λ)``.
    step_size : float
        Step size ``ζ > 0`` for ``W``.
    n_steps : int
        Number of steps, ``>= 1``.
    normalize : bool
        Column-normalised gradient descent (default) or plain gradient descent.
    bias_step_size : float
        Step size for plain gradient descent on a constant ``b``; ``0`` keeps ``b`` fixed.
    batch_size : int, optional
        Batch size when ``data`` is a model.
    rng : numpy.random.Generator, optional
        Required when ``data`` is a model.
    A_star : (n, m) ndarray, optional
        Ground truth for the error history; taken from ``data`` when it is a model.

    Returns
    -------
    TrainingResult

    Raises
    ------
    TrainingDivergedError
        If the loss becomes non-finite or a weight column's norm exceeds 1e6.
    """
    W = as_matrix(W0, "W0").copy()
    n, m = W.shape
    rule = bias if callable(bias) else None
    b = np.zeros(m) if rule is not None else as_vector(bias, "bias", m).copy()
    activation = _check_activation(activation)
    step_size = check_real(step_size, "step_size", low=0.0, low_open=True)
    bias_step_size = check_real(bias_step_size, "bias_step_size", low=0.0)
    if rule is not None and bias_step_size > 0:
        raise ValueError("bias_step_size must be 0 when bias is a rule: the rule alone sets the bias.")
    n_steps = check_int(n_steps, "n_steps", low=1)
    draw = _batch_source(data, n, m, batch_size, rng)
    if A_star is None and isinstance(data, MixtureOfGaussians | SparseCoding):
        A_star = data.A_star
    if A_star is not None:
        A_star = as_matrix(A_star, "A_star", (n, m))

    def direction(W: np.ndarray, t: int) -> tuple[float, np.ndarray]:
        nonlocal b
        if rule is not None:
            b = as_vector(rule(W, t), "bias(W, t)", m)
        loss_t, grad_W, grad_b = _loss_and_gradient(W, b, draw(), activation)
        b = b - bias_step_size * grad_b
        if not np.all(np.isfinite(b)):
            raise TrainingDivergedError(f"training diverged at step {t + 1}: the bias became non-finite; reduce bias_step_size.")
        return loss_t, grad_W

    W, losses, errors = descend(W, direction, step_size=step_size, n_steps=n_steps, normalize=normalize, A_star=A_star)
    return TrainingResult(W=W, bias=b, loss=losses, errors=errors)


def descend(
    W0: np.ndarray,
    direction: Direction,
    *,
    step_size: float,
    n_steps: int,
    normalize: bool = True,
    A_star: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The descent loop shared by every trainer: ``W ← W − ζ d(W, t)``, then normalise the columns.

    :func:`train` drives it with the autoencoder gradient; other update rules (for example
    the neural update in :mod:`aecore.baselines`) reuse it with their own direction.

    Parameters
    ----------
    W0 : (n, m) ndarray
        Start (checked by the caller); with ``normalize`` its columns are rescaled to unit norm first.
    direction : callable
        ``direction(W, t) -> (loss, d)`` with ``d`` of shape ``(n, m)``, called before step ``t``.
    step_size : float
        ``ζ > 0``.
    n_steps : int
    normalize : bool
        Column-normalised (default) or plain descent.
    A_star : (n, m) ndarray, optional
        Ground truth for the error history.

    Returns
    -------
    W : (n, m) ndarray
        Final weights.
    losses : (n_steps,) ndarray
        The loss returned by ``direction`` at each step.
    errors : (n_steps + 1, m) ndarray or None
        ``‖W_i − A*_i‖`` per column after each step (row 0: the start), columns compared as indexed.

    Raises
    ------
    TrainingDivergedError
        If the loss becomes non-finite or a weight column's norm exceeds 1e6.
    """
    W = np.array(W0, dtype=float)
    m = W.shape[1]
    if normalize:
        if np.any(np.linalg.norm(W, axis=0) == 0):
            raise ValueError("W0 has a zero column, which cannot be normalised; start from non-zero columns.")
        W = _normalize_columns(W, 0)
    losses = np.empty(n_steps)
    errors = None if A_star is None else np.empty((n_steps + 1, m))
    if errors is not None:
        errors[0] = np.linalg.norm(W - A_star, axis=0)
    for t in range(n_steps):
        losses[t], d = direction(W, t)
        W = W - step_size * d
        if normalize:
            W = _normalize_columns(W, t + 1)
        _check_divergence(losses[t], W, t + 1)
        if errors is not None:
            errors[t + 1] = np.linalg.norm(W - A_star, axis=0)
    return W, losses, errors


def _batch_source(data: object, n: int, m: int, batch_size: int | None, rng: object):
    """Return a function that yields the ``(n, N)`` batch for the next step."""
    if isinstance(data, MixtureOfGaussians | SparseCoding):
        if data.A_star.shape != (n, m):
            raise ValueError(f"the model's A_star has shape {data.A_star.shape}; W0 has shape {(n, m)}: they must agree.")
        if batch_size is None:
            raise ValueError("batch_size is required when data is a generative model (a fresh batch is drawn each step).")
        size = check_int(batch_size, "batch_size", low=1)
        generator = check_generator(rng)
        return lambda: data.sample(size, generator).Y
    Y = as_matrix(data, "data", (n, None))
    if batch_size is not None or rng is not None:
        raise ValueError("batch_size and rng apply only when data is a generative model; with a fixed sample Y, omit them.")
    return lambda: Y


def _normalize_columns(W: np.ndarray, step: int) -> np.ndarray:
    norms = np.linalg.norm(W, axis=0)
    if not np.all(np.isfinite(norms)) or np.any(norms == 0):
        raise TrainingDivergedError(
            f"at step {step} a weight column became zero or non-finite and cannot be normalised; "
            "reduce step_size."
        )
    return W / norms


def _check_divergence(loss_value: float, W: np.ndarray, step: int) -> None:
    if not np.isfinite(loss_value) or not np.all(np.isfinite(W)):
        raise TrainingDivergedError(f"training diverged at step {step}: non-finite loss or weights; reduce step_size.")
    largest = float(np.max(np.linalg.norm(W, axis=0)))
    if largest > _BLOW_UP:
        raise TrainingDivergedError(
            f"training diverged at step {step}: a weight column reached norm {largest:.3g} (> {_BLOW_UP:.0e}); "
            "reduce step_size or use normalize=True."
        )
