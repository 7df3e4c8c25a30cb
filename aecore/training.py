"""Gradient descent for the tied autoencoder, with or without column normalisation.

One step of **column-normalised gradient descent** with step size ``ζ`` is::

    W_i ← (W_i − ζ g_i) / ‖W_i − ζ g_i‖

and plain gradient descent omits the division. Data come from a fixed sample ``Y (n, N)``
(full-batch gradient), from a generative model that draws a fresh batch at every step (a
Monte-Carlo estimate of the population gradient), or, for noise-free sparse data, from the same
two kept as codes (:class:`aecore.codes.CodeBatch`, :class:`aecore.codes.CodeStream`), for which
the gradient is computed from the codes. There is one trainer, :func:`train`, and one loop,
:func:`descend`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._validate import (
    as_matrix,
    as_vector,
    check_bool,
    check_generator,
    check_int,
    check_real,
)
from .autoencoder import Activation, _check_activation, _loss_and_gradient
from .codes import CodeBatch, CodeStream, _code_loss_and_gradient
from .models import MixtureOfGaussians, SparseCoding

__all__ = [
    "TrainingDivergedError",
    "TrainingResult",
    "descend",
    "step_size_rule",
    "train",
]

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
    indexed_errors : (n_steps + 1, m) ndarray or None
        ``‖W_i − A*_i‖`` per column after each step (row 0: the start), column ``i`` of ``W``
        compared with column ``i`` of ``A*`` **as indexed**, without matching permutations or
        signs (runs started δ-close keep their order); ``None`` when no ground truth was given.
        For the matched errors of the final weights use :func:`aecore.column_errors`, or
        :meth:`matched_errors`.
    """

    W: np.ndarray
    bias: np.ndarray
    loss: np.ndarray
    indexed_errors: np.ndarray | None

    @property
    def max_indexed_error(self) -> np.ndarray:
        """``max_i ‖W_i − A*_i‖`` per step (columns as indexed), shape ``(n_steps + 1,)``."""
        return self._require_errors().max(axis=1)

    @property
    def mean_indexed_error(self) -> np.ndarray:
        """``mean_i ‖W_i − A*_i‖`` per step (columns as indexed), shape ``(n_steps + 1,)``."""
        return self._require_errors().mean(axis=1)

    @property
    def median_indexed_error(self) -> np.ndarray:
        """``median_i ‖W_i − A*_i‖`` per step (columns as indexed), shape ``(n_steps + 1,)``."""
        return np.median(self._require_errors(), axis=1)

    def matched_errors(
        self, A_star: np.ndarray, *, signed: bool = True
    ) -> np.ndarray:
        """Column errors of the final ``W`` after matching columns to ``A_star`` (see :func:`aecore.column_errors`).

        Parameters
        ----------
        A_star : (n, m) ndarray
            Ground truth.
        signed : bool
            Also match signs (sparse coding) or not (mixtures).

        Returns
        -------
        (m,) ndarray
        """
        from .metrics import column_errors

        return column_errors(self.W, A_star, signed=signed)

    def _require_errors(self) -> np.ndarray:
        if self.indexed_errors is None:
            raise ValueError(
                "this run recorded no errors: pass A_star (or a model) to train() to record them."
            )
        return self.indexed_errors


Model = MixtureOfGaussians | SparseCoding
Data = np.ndarray | Model | CodeBatch | CodeStream
BiasRule = Callable[[np.ndarray, int], np.ndarray]
Direction = Callable[[np.ndarray, int], tuple[float, np.ndarray]]


def step_size_rule(model: Model, c: float = 0.25) -> float:
    """The theory chapters' step size ``ζ = c·m/s``, i.e. ``ζ p_i = c`` for ``p_i = s/m``.

    Normalised descent on the leading term contracts ``tan θ`` by about ``1 − ζ p_i`` per step, so
    ``c = ζ p_i`` in ``(0, 1)`` sets the rate directly; ``c`` near 1 overshoots once the other
    terms of the gradient are added, and ``c`` above about 2 diverges or oscillates.

    Parameters
    ----------
    model : MixtureOfGaussians or SparseCoding
        Gives ``m`` and ``s`` (``s = 1`` for a mixture, where ``p_i`` is the mixing weight
        and ``c`` applies to the smallest one).
    c : float
        ``ζ p_i`` in ``(0, 1]``.

    Returns
    -------
    float
        ``ζ``.
    """
    if not isinstance(model, MixtureOfGaussians | SparseCoding):
        raise TypeError(
            f"model must be an aecore generative model; got {type(model).__name__}."
        )
    c = check_real(c, "c", low=0.0, high=1.0, low_open=True)
    return float(c / np.min(model.inclusion_probabilities))


def train(
    W0: np.ndarray,
    bias: float | np.ndarray | BiasRule,
    data: Data,
    activation: Activation,
    *,
    step_size: float,
    n_steps: int,
    normalize: bool = True,
    bias_step_size: float = 0.0,
    batch_size: int | None = None,
    rng: np.random.Generator | None = None,
    A_star: np.ndarray | None = None,
    allow_loss_increase: bool = False,
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
    data : (n, N) ndarray, generative model, CodeBatch or CodeStream
        A fixed sample ``Y`` (every step uses all of it); a model from :mod:`aecore.models`
        from which a fresh batch of ``batch_size`` samples is drawn at each step with ``rng``;
        or noise-free sparse data kept as codes, fixed (:class:`aecore.codes.CodeBatch`) or
        fresh (:class:`aecore.codes.CodeStream`), for which the gradient is computed from the
        codes (equal up to rounding, much cheaper).
    activation : Activation
        ``ReLU()`` or ``HardThreshold(λ)``.
    step_size : float
        Step size ``ζ > 0`` for ``W``. The theory chapters use ``ζ = c·m/s`` with ``c`` about
        ¼ (:func:`step_size_rule`).
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
        Ground truth for the error history; taken from ``data`` when it is a model or codes.
    allow_loss_increase : bool
        With normalised descent a run whose loss ends far above where it started (see
        :func:`descend`) raises :class:`TrainingDivergedError` unless this is ``True`` (for
        experiments that break an assumption on purpose).

    Returns
    -------
    TrainingResult

    Raises
    ------
    TrainingDivergedError
        If the loss becomes non-finite, a weight column's norm exceeds 1e6, or (normalised
        descent) the loss ends far above its start.
    """
    W = as_matrix(W0, "W0").copy()
    n, m = W.shape
    if isinstance(bias, bool):
        raise TypeError(
            "bias must be a number, an (m,) array or a bias rule bias(W, t); got a bool."
        )
    rule = bias if callable(bias) else None
    b = np.zeros(m) if rule is not None else as_vector(bias, "bias", m).copy()
    activation = _check_activation(activation)
    step_size = check_real(step_size, "step_size", low=0.0, low_open=True)
    bias_step_size = check_real(bias_step_size, "bias_step_size", low=0.0)
    if rule is not None and bias_step_size > 0:
        raise ValueError(
            "bias_step_size must be 0 when bias is a rule: the rule alone sets the bias."
        )
    n_steps = check_int(n_steps, "n_steps", low=1)
    draw, kernel, truth = data_source(data, n, m, batch_size, rng)
    if A_star is None:
        A_star = truth
    if A_star is not None:
        A_star = as_matrix(A_star, "A_star", (n, m))

    def direction(W: np.ndarray, t: int) -> tuple[float, np.ndarray]:
        nonlocal b
        if rule is not None:
            b = as_vector(rule(W, t), "bias(W, t)", m)
        loss_t, grad_W, grad_b = kernel(W, b, draw(), activation)
        b = b - bias_step_size * grad_b
        if not np.all(np.isfinite(b)):
            raise TrainingDivergedError(
                f"training diverged at step {t + 1}: the bias became non-finite; reduce bias_step_size."
            )
        return loss_t, grad_W

    W, losses, errors = descend(
        W,
        direction,
        step_size=step_size,
        n_steps=n_steps,
        normalize=normalize,
        A_star=A_star,
        allow_loss_increase=allow_loss_increase,
    )
    return TrainingResult(W=W, bias=b, loss=losses, indexed_errors=errors)


def descend(
    W0: np.ndarray,
    direction: Direction,
    *,
    step_size: float,
    n_steps: int,
    normalize: bool = True,
    A_star: np.ndarray | None = None,
    allow_loss_increase: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The descent loop shared by every trainer: ``W ← W − ζ d(W, t)``, then normalise the columns.

    :func:`train` drives it with the autoencoder gradient; other update rules (for example
    the neural update in :mod:`aecore.baselines`) reuse it with their own direction.

    Parameters
    ----------
    W0 : (n, m) ndarray
        Finite start; with ``normalize`` its columns are rescaled to unit norm first.
    direction : callable
        ``direction(W, t) -> (loss, d)`` with ``d`` of shape ``(n, m)``, called before step ``t``.
    step_size : float
        ``ζ > 0``.
    n_steps : int
        Number of steps, ``>= 1``.
    normalize : bool
        Column-normalised (default) or plain descent.
    A_star : (n, m) ndarray, optional
        Ground truth for the error history.
    allow_loss_increase : bool
        With ``normalize``, a run of at least 10 steps whose mean loss over its last fifth exceeds
        ``LOSS_RISE`` times its first loss raises :class:`TrainingDivergedError` (a step too
        large for the problem oscillates or leaves the basin without any non-finite number);
        ``True`` turns this check off.

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
        If the loss becomes non-finite, a weight column's norm exceeds 1e6, or the loss rises
        as described above.
    """
    W = as_matrix(W0, "W0").copy()
    n, m = W.shape
    if not callable(direction):
        raise TypeError(
            f"direction must be a callable direction(W, t) -> (loss, d); got {type(direction).__name__}."
        )
    step_size = check_real(step_size, "step_size", low=0.0, low_open=True)
    n_steps = check_int(n_steps, "n_steps", low=1)
    normalize = check_bool(normalize, "normalize")
    allow_loss_increase = check_bool(allow_loss_increase, "allow_loss_increase")
    if A_star is not None:
        A_star = as_matrix(A_star, "A_star", (n, m))
    if normalize:
        if np.any(np.linalg.norm(W, axis=0) == 0):
            raise ValueError(
                "W0 has a zero column, which cannot be normalised; start from non-zero columns."
            )
        W = _normalize_columns(W, 0)
    losses = np.empty(n_steps)
    errors = None if A_star is None else np.empty((n_steps + 1, m))
    if errors is not None:
        errors[0] = np.linalg.norm(W - A_star, axis=0)
    for t in range(n_steps):
        losses[t], d = direction(W, t)
        d = np.asarray(d)
        if d.shape != (n, m):
            raise ValueError(
                f"direction(W, t) returned a direction of shape {d.shape}; it must have W's shape {(n, m)}."
            )
        W = W - step_size * d
        if normalize:
            W = _normalize_columns(W, t + 1)
        _check_divergence(losses[t], W, t + 1)
        if errors is not None:
            errors[t + 1] = np.linalg.norm(W - A_star, axis=0)
    if normalize and not allow_loss_increase:
        _check_loss_rise(losses)
    return W, losses, errors


#: Factor by which the mean loss of a normalised run's last fifth may exceed its first loss.
LOSS_RISE = 1.5


def _check_loss_rise(losses: np.ndarray) -> None:
    if losses.size < 10:
        return
    tail = float(np.mean(losses[-max(2, losses.size // 5) :]))
    if tail > LOSS_RISE * losses[0]:
        raise TrainingDivergedError(
            f"the loss rose from {losses[0]:.4g} to a mean of {tail:.4g} over the last steps (more than "
            f"{LOSS_RISE}×): the step is too large for this problem or the start is outside the basin. "
            "Reduce step_size (the theory's rule is step_size_rule(model)), start closer, or pass "
            "allow_loss_increase=True if the rise is the point of the experiment."
        )


def data_source(data: object, n: int, m: int, batch_size: object, rng: object):
    """Turn ``train``'s ``data`` argument into a batch source.

    Parameters
    ----------
    data : (n, N) ndarray, generative model, CodeBatch or CodeStream
        See :func:`train`.
    n, m : int
        Shape of the weights.
    batch_size : int or None
        Required for a model or a ``CodeStream``; must be ``None`` otherwise.
    rng : numpy.random.Generator or None
        Required for a model or a ``CodeStream``; must be ``None`` otherwise.

    Returns
    -------
    draw : callable
        ``draw()`` returns the next batch (an ``(n, N)`` array or a ``CodeBatch``).
    kernel : callable
        ``kernel(W, b, batch, activation) -> (loss, grad_W, grad_b)`` for that kind of batch.
    A_star : (n, m) ndarray or None
        The ground truth carried by ``data`` (``None`` for a plain array).
    """
    fresh = isinstance(data, MixtureOfGaussians | SparseCoding | CodeStream)
    if fresh:
        if data.A_star.shape != (n, m):
            raise ValueError(
                f"the data's A_star has shape {data.A_star.shape}; W0 has shape {(n, m)}: they must agree."
            )
        if batch_size is None:
            raise ValueError(
                "batch_size is required when data is a generative model or a CodeStream (a fresh batch is drawn each step)."
            )
        size = check_int(batch_size, "batch_size", low=1)
        generator = check_generator(rng)
        if isinstance(data, CodeStream):
            return (
                data.sampler(size, generator),
                _code_loss_and_gradient,
                data.A_star,
            )
        return (
            (lambda: data.sample(size, generator).Y),
            _loss_and_gradient,
            data.A_star,
        )
    if batch_size is not None or rng is not None:
        raise ValueError(
            "batch_size and rng apply only when data is a generative model or a CodeStream; with a fixed sample, omit them."
        )
    if isinstance(data, CodeBatch):
        if data.A_star.shape != (n, m):
            raise ValueError(
                f"the CodeBatch's A_star has shape {data.A_star.shape}; W0 has shape {(n, m)}: they must agree."
            )
        return (lambda: data), _code_loss_and_gradient, data.A_star
    Y = as_matrix(data, "data", (n, None))
    return (lambda: Y), _loss_and_gradient, None


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
        raise TrainingDivergedError(
            f"training diverged at step {step}: non-finite loss or weights; reduce step_size."
        )
    largest = float(np.max(np.linalg.norm(W, axis=0)))
    if largest > _BLOW_UP:
        raise TrainingDivergedError(
            f"training diverged at step {step}: a weight column reached norm {largest:.3g} (> {_BLOW_UP:.0e}); "
            "reduce step_size or use normalize=True."
        )
