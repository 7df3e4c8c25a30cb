"""Sparse coding with a tied autoencoder: closed-form predictions and a fast exact gradient.

The chapter on sparse coding derives, for the tied autoencoder ``x = threshold_{1/2}(Wᵀy)``,
``ŷ = W x`` on data ``y = A* x*`` with ``s``-sparse symmetric codes:

* the probability of **code consistency** (the hidden layer fires exactly on the support,
  with the right signs) — :func:`sc_consistency_probability`, :func:`sc_hoeffding_sparsity`,
  measured by :func:`code_consistency`;
* the **expected gradient on the consistency event** in closed form — :func:`sc_expected_gradient`
  — and its leading term ``p_i λ_i (λ_i W_i − A*_i)`` — :func:`sc_leading_gradient`;
* the normalised-GD **angle map** of the leading term — :func:`sc_angle_map`, :func:`sc_linear_rate`;
* the **error floor** set by the gradient at ``A*`` and by sampling noise — :func:`tangential_component`,
  :func:`sc_stationary_error`;
* the **population dynamics** (normalised GD driven by the closed-form gradient) —
  :func:`sc_population_trajectory`.

Experiments run on noise-free data ``Y = A* X*``, for which the gradient of the tied loss can be
evaluated from the Gram matrices ``WᵀA*`` and ``WᵀW`` and the sparse codes, without forming ``Y``:
:class:`CodeBatch`, :func:`sample_code_batch`, :func:`code_loss_and_gradient` (equal to
:func:`aecore.loss_and_gradient` on ``A* X*`` up to rounding), :func:`code_gradient_moments` and the
training driver :func:`train_on_codes`.

Notation: ``p_i = P[i ∈ S] = s/m``; ``q2 = P[i, j ∈ S]``, ``q3 = P[i, j, k ∈ S]`` for distinct
indices; ``λ_i = ⟨W_i, A*_i⟩``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy import sparse
from scipy.optimize import brentq
from scipy.special import betainc, ndtr

from ._validate import as_matrix, as_vector, check_generator, check_int, check_real, check_unit_columns
from .autoencoder import Activation, HardThreshold, ReLU, _check_activation
from .models import SparseCoding
from .training import TrainingResult, descend

__all__ = [
    "CodeBatch",
    "GradientMoments",
    "code_consistency",
    "code_gradient_moments",
    "code_loss_and_gradient",
    "sample_code_batch",
    "sc_angle_map",
    "sc_consistency_boundary",
    "sc_consistency_probability",
    "sc_expected_gradient",
    "sc_fixed_sample_column_errors",
    "sc_hoeffding_sparsity",
    "sc_leading_gradient",
    "sc_linear_rate",
    "sc_population_trajectory",
    "sc_relu_gradient_at_optimum",
    "sc_stationary_error",
    "sc_support_probabilities",
    "tangential_component",
    "train_on_codes",
]


# ----------------------------------------------------------------------------------------------
# Data: sparse codes without forming Y
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeBatch:
    """A batch of noise-free sparse-coding data ``Y = A* X*`` kept as its codes.

    Attributes
    ----------
    A_star : (n, m) ndarray
        Dictionary with unit-norm columns.
    support : (N, s) int ndarray
        Support of each sample, sorted increasingly within a row.
    values : (N, s) ndarray
        Non-zero code values, aligned with ``support``.
    gram : (m, m) ndarray, optional
        ``A*ᵀA*`` if already known (saves recomputing it for every batch of a run).
    """

    A_star: np.ndarray
    support: np.ndarray
    values: np.ndarray
    gram: np.ndarray | None = None

    def __post_init__(self) -> None:
        A_star = check_unit_columns(as_matrix(self.A_star, "A_star"), "A_star")
        support = np.asarray(self.support)
        if support.ndim != 2 or support.dtype.kind not in "iu":
            raise ValueError(f"support must be a 2-D integer array of shape (N, s); got {support.dtype} {support.shape}.")
        values = as_matrix(self.values, "values", support.shape)
        m = A_star.shape[1]
        if support.size and (support.min() < 0 or support.max() >= m):
            raise ValueError(f"support entries must lie in [0, {m - 1}] (columns of A_star).")
        if support.shape[1] > 1 and np.any(np.diff(np.sort(support, axis=1), axis=1) == 0):
            raise ValueError("support must list distinct indices in every row.")
        object.__setattr__(self, "A_star", A_star)
        object.__setattr__(self, "support", support.astype(np.intp))
        object.__setattr__(self, "values", values)
        if self.gram is None:
            object.__setattr__(self, "gram", A_star.T @ A_star)
        else:
            object.__setattr__(self, "gram", as_matrix(self.gram, "gram", (m, m)))

    @property
    def N(self) -> int:
        """Number of samples."""
        return self.support.shape[0]

    @property
    def codes(self) -> sparse.csr_matrix:
        """``X*ᵀ`` as a sparse ``(N, m)`` CSR matrix (one row per sample)."""
        N, s = self.support.shape
        m = self.A_star.shape[1]
        return sparse.csr_matrix((self.values.ravel(), self.support.ravel(), np.arange(0, N * s + 1, s)), shape=(N, m))

    @property
    def X(self) -> np.ndarray:
        """Dense codes ``X*``, shape ``(m, N)``."""
        return self.codes.T.toarray()

    @property
    def Y(self) -> np.ndarray:
        """Dense observations ``Y = A* X*``, shape ``(n, N)``."""
        return np.asarray((self.codes @ self.A_star.T).T)


def sample_code_batch(
    model: SparseCoding, N: int, rng: np.random.Generator, *, gram: np.ndarray | None = None
) -> CodeBatch:
    """Draw ``N`` noise-free samples of a sparse-coding model, kept as codes.

    Supports are uniform ``s``-subsets (rejection sampling of ordered draws, exact), magnitudes
    uniform on ``[low, high]`` and signs as in ``model`` (fair coins for :class:`SparseCoding`,
    all positive for :class:`aecore.NonnegativeSparseCoding`). Same distribution as
    ``model.sample``, different random stream.

    Parameters
    ----------
    model : SparseCoding
        The generative model; its ``noise_std`` must be 0.
    N : int
        Number of samples.
    rng : numpy.random.Generator
    gram : (m, m) ndarray, optional
        ``A*ᵀA*``, passed on to the batch (computed when omitted).

    Returns
    -------
    CodeBatch
    """
    if not isinstance(model, SparseCoding):
        raise ValueError(f"model must be a SparseCoding (or NonnegativeSparseCoding) instance; got {type(model).__name__}.")
    if model.noise_std != 0:
        raise ValueError(f"model.noise_std must be 0 for code batches (Y = A* X* exactly); got {model.noise_std}.")
    N = check_int(N, "N", low=1)
    rng = check_generator(rng)
    m, s = model.A_star.shape[1], model.s
    support = _uniform_subsets(m, s, N, rng)
    magnitudes = rng.uniform(model.low, model.high, size=(N, s)) if model.high > model.low else np.full((N, s), model.low)
    values = magnitudes * model._signs((N, s), rng)
    return CodeBatch(model.A_star, support, values, gram)


def _uniform_subsets(m: int, s: int, N: int, rng: np.random.Generator) -> np.ndarray:
    """``(N, s)`` sorted rows, each a uniformly random ``s``-subset of ``range(m)``."""
    if 2 * s > m:  # dense regime: random permutations
        return np.sort(np.argsort(rng.random((N, m)), axis=1)[:, :s], axis=1)
    idx = np.sort(rng.integers(0, m, size=(N, s)), axis=1)
    bad = np.flatnonzero(np.any(np.diff(idx, axis=1) == 0, axis=1))
    while bad.size:
        redraw = np.sort(rng.integers(0, m, size=(bad.size, s)), axis=1)
        idx[bad] = redraw
        bad = bad[np.any(np.diff(redraw, axis=1) == 0, axis=1)]
    return idx


# ----------------------------------------------------------------------------------------------
# Exact empirical gradient from the codes
# ----------------------------------------------------------------------------------------------


def _hidden(W: np.ndarray, b: np.ndarray, batch: CodeBatch, activation: Activation):
    """Hidden layer on a code batch.

    Returns ``Xs`` (true codes, sparse ``(N, m)``), ``Ut`` (``WᵀY`` as ``(N, m)``, bias not added),
    the sparse hidden codes ``Xh = σ(U + b)`` as ``(N, m)`` CSR, and the row and column indices of
    its active entries (row-major order, matching ``Xh.data``).
    """
    Xs = batch.codes
    Ut = np.asarray(Xs @ (batch.A_star.T @ W))  # (N, m): U_ki = Σ_j x*_kj ⟨A*_j, W_i⟩
    N, m = Ut.shape
    has_bias = bool(np.any(b != 0))
    if isinstance(activation, HardThreshold) and not has_bias:  # fast path, same mask as .active
        mask = Ut >= activation.threshold
        mask |= Ut <= -activation.threshold
    elif isinstance(activation, ReLU):
        mask = Ut > -b if has_bias else Ut > 0
    else:
        mask = activation.active(Ut + b if has_bias else Ut)
    flat = np.flatnonzero(mask)
    rows, cols = np.divmod(flat, m)
    values = Ut.ravel()[flat] + b[cols] if has_bias else Ut.ravel()[flat]
    indptr = np.zeros(N + 1, dtype=np.intp)
    np.cumsum(np.bincount(rows, minlength=N), out=indptr[1:])
    Xh = sparse.csr_matrix((values, cols, indptr), shape=(N, m))
    return Xs, Ut, Xh, rows, cols


def _kx_active(Xh: sparse.csr_matrix, K: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``(K X)`` at the active entries of ``Xh``, i.e. ``Σ_j K_ij X_kj`` for each active ``(k, i)``."""
    counts = np.diff(Xh.indptr)
    width = int(counts.max()) if counts.size else 0
    if width == 0:
        return np.zeros(0)
    if width > 24:  # many active units per sample: a dense product is cheaper
        return np.asarray(Xh @ K)[rows, cols]
    N = Xh.shape[0]
    slot = np.arange(rows.size) - Xh.indptr[rows]  # position of each entry within its row
    idx = np.zeros((N, width), dtype=np.intp)
    val = np.zeros((N, width))
    idx[rows, slot] = cols
    val[rows, slot] = Xh.data
    block = np.einsum("kab,kb->ka", K[idx[:, :, None], idx[:, None, :]], val)
    return block[rows, slot]


def code_loss_and_gradient(
    W: np.ndarray, bias: float | np.ndarray, batch: CodeBatch, activation: Activation
) -> tuple[float, np.ndarray, np.ndarray]:
    """Loss and gradient of the tied autoencoder on ``Y = A* X*``, computed from the codes.

    Identical (up to rounding) to ``aecore.loss_and_gradient(W, bias, batch.Y, activation)``, but
    uses ``WᵀY = (WᵀA*) X*``, ``WᵀR = WᵀY − (WᵀW) X`` and ``R Xᵀ = A*(X* Xᵀ) − W (X Xᵀ)``, so the
    cost is ``O(m·N·s + n·m²)`` instead of ``O(n·m·N)``.

    Parameters
    ----------
    W : (n, m) ndarray
    bias : float or (m,) ndarray
    batch : CodeBatch
    activation : Activation

    Returns
    -------
    loss : float
    grad_W : (n, m) ndarray
    grad_bias : (m,) ndarray
    """
    W, b = _check_w_batch(W, bias, batch)
    return _code_loss_and_gradient(W, b, batch, _check_activation(activation))


def _check_w_batch(W: object, bias: object, batch: object) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(batch, CodeBatch):
        raise ValueError(f"batch must be a CodeBatch (see sample_code_batch); got {type(batch).__name__}.")
    W = as_matrix(W, "W", batch.A_star.shape)
    return W, as_vector(bias, "bias", W.shape[1])


def _code_loss_and_gradient(W, b, batch, activation):
    A = batch.A_star
    N = batch.N
    Xs, Ut, Xh, rows, cols = _hidden(W, b, batch, activation)
    K = W.T @ W
    kx = _kx_active(Xh, K, rows, cols)
    u = Ut.ravel()[rows * Ut.shape[1] + cols]  # (WᵀY) on the active entries
    v = u - kx  # Wᵀr on the active entries
    V = sparse.csr_matrix((v, Xh.indices, Xh.indptr), shape=Xh.shape)
    XsT = Xs.T.tocsr()
    grad = A @ (XsT @ (Xh + V)).toarray() - W @ (Xh.T @ Xh).toarray()
    grad *= -1.0 / N
    grad_b = np.asarray(V.sum(axis=0)).ravel() * (-1.0 / N)
    # ‖A* x* − W x‖² = x*ᵀ G* x* − 2 xᵀ (WᵀA* x*) + xᵀ K x, summed over samples
    S, vals = batch.support, batch.values
    yy = np.einsum("ka,kb,kab->", vals, vals, batch.gram[S[:, :, None], S[:, None, :]])
    xu = float(Xh.data @ u)
    xkx = float(Xh.data @ kx)
    loss = 0.5 * max(yy - 2.0 * xu + xkx, 0.0) / N
    return loss, grad, grad_b


def code_consistency(W: np.ndarray, batch: CodeBatch, threshold: float = 0.5) -> float:
    """Fraction of samples on which ``threshold_λ(WᵀY)`` has exactly the support and signs of ``X*``.

    Units are compared as indexed (unit ``i`` estimates atom ``i``).

    Parameters
    ----------
    W : (n, m) ndarray
    batch : CodeBatch
    threshold : float
        Threshold ``λ >= 0`` of the hard-threshold activation.

    Returns
    -------
    float in [0, 1]
    """
    W, _ = _check_w_batch(W, 0.0, batch)
    threshold = check_real(threshold, "threshold", low=0.0)
    Ut = np.asarray(batch.codes @ (batch.A_star.T @ W))
    fired = np.abs(Ut) >= threshold
    ok = fired.sum(axis=1) == batch.support.shape[1]  # no spurious unit (given the next line)
    on = np.take_along_axis(Ut, batch.support, axis=1) * np.sign(batch.values)
    ok &= np.all(on >= threshold, axis=1)  # every support unit fires, with the right sign
    return float(np.mean(ok))


class GradientMoments(NamedTuple):
    """Batch moments of the per-sample gradients (see :func:`code_gradient_moments`).

    Attributes
    ----------
    mean : (n, m) ndarray
        ``(1/N) Σ_k g_i^{(k)}``: the batch gradient.
    mean_tangential : (n, m) ndarray
        Its part orthogonal to each ``W_i``.
    second_moment : (m,) ndarray
        ``(1/N) Σ_k ‖g_i^{(k)}‖²``.
    second_moment_tangential : (m,) ndarray
        ``(1/N) Σ_k ‖P_i g_i^{(k)}‖²`` with ``P_i = I − W_i W_iᵀ/‖W_i‖²``.
    """

    mean: np.ndarray
    mean_tangential: np.ndarray
    second_moment: np.ndarray
    second_moment_tangential: np.ndarray


def code_gradient_moments(
    W: np.ndarray, bias: float | np.ndarray, batch: CodeBatch, activation: Activation
) -> GradientMoments:
    """Per-unit first and second moments of the per-sample gradients on a code batch.

    The gradient of sample ``k`` for unit ``i`` is ``g_i^{(k)} = −σ′(u_ik)[x_ik r_k + (W_iᵀ r_k) y_k]``
    (``x_ik = σ(u_ik)``, ``r_k = y_k − W x_k``). Its squared norm needs only the per-sample scalars
    ``‖y_k‖²``, ``⟨r_k, y_k⟩``, ``‖r_k‖²`` and, for the tangential part,
    ``⟨W_i, g_i^{(k)}⟩ = −(x_ik W_iᵀr_k + (W_iᵀr_k) W_iᵀy_k)``, so no ``(n, N)`` array is formed.
    The second moments set the sampling-noise part of the error floor (:func:`sc_stationary_error`);
    ``(second_moment − ‖mean‖²)/N`` is the variance of the batch gradient of each column.

    Parameters
    ----------
    W : (n, m) ndarray
    bias : float or (m,) ndarray
    batch : CodeBatch
    activation : Activation

    Returns
    -------
    GradientMoments
    """
    W, b = _check_w_batch(W, bias, batch)
    activation = _check_activation(activation)
    norms = np.linalg.norm(W, axis=0)
    if np.any(norms == 0):
        raise ValueError("W has a zero column; the tangential projection needs non-zero columns.")
    N, m = batch.N, W.shape[1]
    Xs, Ut, Xh, rows, cols = _hidden(W, b, batch, activation)
    kx = _kx_active(Xh, W.T @ W, rows, cols)
    u = Ut.ravel()[rows * m + cols]  # W_iᵀ y_k on the active pairs
    x = Xh.data  # σ(u + b)
    wr = u - kx  # W_iᵀ r_k
    S, vals = batch.support, batch.values
    yy = np.einsum("ka,kb,kab->k", vals, vals, batch.gram[S[:, :, None], S[:, None, :]])
    xu = np.bincount(rows, weights=x * u, minlength=N)  # x_kᵀ Wᵀ y_k
    xkx = np.bincount(rows, weights=x * kx, minlength=N)  # x_kᵀ WᵀW x_k
    ry = yy - xu
    rr = yy - 2.0 * xu + xkx
    sq = x**2 * rr[rows] + 2.0 * x * wr * ry[rows] + wr**2 * yy[rows]
    radial = (x * wr + wr * u) / norms[cols]
    second = np.bincount(cols, weights=sq, minlength=m) / N
    second_t = np.bincount(cols, weights=sq - radial**2, minlength=m) / N
    mean = _code_loss_and_gradient(W, b, batch, activation)[1]
    return GradientMoments(mean, tangential_component(mean, W), second, second_t)


# ----------------------------------------------------------------------------------------------
# Training driver on code batches
# ----------------------------------------------------------------------------------------------


def _code_source(data: object, batch_size: int | None, rng: object) -> tuple[Callable[[], CodeBatch], np.ndarray]:
    if isinstance(data, CodeBatch):
        if batch_size is not None or rng is not None:
            raise ValueError("batch_size and rng apply only when data is a model; with a fixed CodeBatch, omit them.")
        return (lambda: data), data.A_star
    if isinstance(data, SparseCoding):
        if batch_size is None:
            raise ValueError("batch_size is required when data is a model (a fresh batch is drawn each step).")
        size = check_int(batch_size, "batch_size", low=1)
        generator = check_generator(rng)
        gram = sample_code_batch(data, 1, np.random.default_rng(0)).gram  # also validates the model
        return (lambda: sample_code_batch(data, size, generator, gram=gram)), data.A_star
    raise ValueError(
        "data must be a CodeBatch (fixed sample) or a SparseCoding model (fresh batches); "
        f"got {type(data).__name__}."
    )


def train_on_codes(
    W0: np.ndarray,
    bias: float | np.ndarray,
    data: CodeBatch | SparseCoding,
    activation: Activation,
    *,
    step_size: float,
    n_steps: int,
    normalize: bool = True,
    batch_size: int | None = None,
    rng: np.random.Generator | None = None,
) -> TrainingResult:
    """Column-normalised gradient descent on the tied-autoencoder loss, on noise-free sparse data.

    The same iteration as :func:`aecore.train` with a fixed bias (identical iterates up to
    rounding on the same data), with the gradient evaluated by :func:`code_loss_and_gradient`.

    Parameters
    ----------
    W0 : (n, m) ndarray
        Start; with ``normalize=True`` its columns are rescaled to unit norm first.
    bias : float or (m,) ndarray
        Fixed encoder bias ``b``.
    data : CodeBatch or SparseCoding
        A fixed sample (every step uses all of it) or a noise-free model (a fresh batch of
        ``batch_size`` samples per step, drawn with ``rng``).
    activation : Activation
    step_size : float
        ``ζ > 0``.
    n_steps : int
    normalize : bool
    batch_size : int, optional
    rng : numpy.random.Generator, optional

    Returns
    -------
    TrainingResult
        With per-step errors ``‖W_i − A*_i‖`` (columns compared as indexed).
    """
    draw, A_star = _code_source(data, batch_size, rng)
    W0 = as_matrix(W0, "W0", A_star.shape)
    b = as_vector(bias, "bias", W0.shape[1])
    activation = _check_activation(activation)
    step_size = check_real(step_size, "step_size", low=0.0, low_open=True)
    n_steps = check_int(n_steps, "n_steps", low=1)

    def direction(W: np.ndarray, t: int) -> tuple[float, np.ndarray]:
        loss, grad, _ = _code_loss_and_gradient(W, b, draw(), activation)
        return loss, grad

    W, losses, errors = descend(W0, direction, step_size=step_size, n_steps=n_steps, normalize=normalize, A_star=A_star)
    return TrainingResult(W=W, bias=b, loss=losses, errors=errors)


# ----------------------------------------------------------------------------------------------
# Code consistency: predictions
# ----------------------------------------------------------------------------------------------


def sc_consistency_probability(
    n: float, m: int, s: int, delta: float | np.ndarray = 0.0, *, threshold: float = 0.5, refined: bool = True
) -> float | np.ndarray:
    """Predicted probability that ``threshold_τ(Wᵀy)`` recovers support and signs exactly.

    Model of the cross-talk for a random dictionary and Rademacher codes. Unit ``i ∈ S`` sees
    ``λ x*_i + Z_i`` with ``λ = 1 − δ²/2`` and fails when ``x*_i Z_i < −(λ − τ)``; unit ``i ∉ S``
    sees ``Z_i = ⟨W_i, y⟩`` and fails when ``|Z_i| ≥ τ``. The formulas below are for ``τ = ½``.
    Failures are rare, so the probability of none is ``exp(−expected number of failures)``
    (Poisson approximation).

    * ``refined=False``: ``Z_i ≈ N(0, k/n)`` with ``k = s − 1`` (``i ∈ S``) or ``s`` (``i ∉ S``),
      independently over units::

          P ≈ exp(−[s·Φ̄((λ − ½)/√((s−1)/n)) + (m − s)·2Φ̄(½/√(s/n))])

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
        ``τ`` in ``(0, 1)``.
    refined : bool
        Which model (see above).

    Returns
    -------
    float or ndarray
    """
    m = check_int(m, "m", low=1)
    s = check_int(s, "s", low=1, high=m)
    threshold = check_real(threshold, "threshold", low=0.0, high=1.0, low_open=True, high_open=True)
    return _consistency(n, m, float(s), delta, refined, threshold)


def _consistency(n, m, s, delta, refined, tau=0.5):
    n = np.asarray(n, dtype=float)
    if np.any(n <= 1):
        raise ValueError("n must be larger than 1.")
    delta = np.asarray(delta, dtype=float)
    if np.any(delta < 0) or np.any(delta > 2):
        raise ValueError("delta must lie in [0, 2].")
    margin = 1.0 - delta**2 / 2 - tau  # λ − τ

    def fail_in(var_in):
        if s <= 1:
            return np.where(margin > 0, 0.0, np.where(margin < 0, 1.0, 0.5))
        return s * ndtr(-margin / np.sqrt(var_in))

    if not refined:
        out = np.exp(-(fail_in((s - 1) / n) + (m - s) * 2.0 * ndtr(-tau / np.sqrt(s / n))))
        return float(out) if out.ndim == 0 else out
    if n.ndim or delta.ndim:
        return np.vectorize(lambda nn, dd: _consistency(nn, m, s, dd, True, tau))(n, delta)
    nodes, weights = np.polynomial.hermite_e.hermegauss(40)
    weights = weights / weights.sum()
    y2 = np.maximum(s + np.sqrt(2 * s * max(s - 1, 0) / n) * nodes, 1e-12)
    fail_out = (m - s) * betainc((n - 1) / 2, 0.5, 1.0 - np.minimum(tau**2 / y2, 1.0))
    fails = np.array([fail_in(v * (s - 1) / s / n) for v in y2]) + fail_out
    return float(np.sum(weights * np.exp(-fails)))


def sc_consistency_boundary(n: float, m: int, level: float = 0.5, *, refined: bool = True) -> float:
    """Support size ``s`` (real-valued) at which :func:`sc_consistency_probability` (δ = 0) equals ``level``.

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
        Which model of :func:`sc_consistency_probability`.

    Returns
    -------
    float
    """
    level = check_real(level, "level", low=0.0, high=1.0, low_open=True, high_open=True)
    m = check_int(m, "m", low=4)
    n = check_real(n, "n", low=2.0)

    def f(s):
        return _consistency(n, m, s, 0.0, refined) - level

    if f(1.0) <= 0:
        return 1.0
    if f(m / 2) >= 0:
        return m / 2
    return float(brentq(f, 1.0, m / 2, xtol=1e-6))


def sc_hoeffding_sparsity(n: float | np.ndarray, m: float | np.ndarray, failure: float = 1.0) -> np.ndarray:
    """Sparsity below which the union bound guarantees consistency: ``s ≤ n / (8 ln(2m/ε))``.

    Hoeffding for the Rademacher cross-talk with variance proxy ``s/n`` (average coherence) and
    margin ``½``: ``P[|Z_i| ≥ ½] ≤ 2 exp(−n/(8s))``; a union bound over the ``m`` units gives
    ``P[failure] ≤ 2m exp(−n/(8s)) ≤ ε``.

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
    return np.asarray(n, dtype=float) / (8.0 * np.log(2.0 * np.asarray(m, dtype=float) / failure))


# ----------------------------------------------------------------------------------------------
# Expected gradient on the consistency event
# ----------------------------------------------------------------------------------------------


def sc_support_probabilities(m: int, s: int) -> tuple[float, float, float]:
    """``(q1, q2, q3)``: probabilities that 1, 2 or 3 given distinct indices lie in a uniform ``s``-subset of ``m``."""
    m = check_int(m, "m", low=1)
    s = check_int(s, "s", low=1, high=m)
    q1 = s / m
    q2 = s * (s - 1) / (m * (m - 1)) if m > 1 else 0.0
    q3 = s * (s - 1) * (s - 2) / (m * (m - 1) * (m - 2)) if m > 2 else 0.0
    return q1, q2, q3


def _pair(W: object, A_star: object) -> tuple[np.ndarray, np.ndarray]:
    A_star = check_unit_columns(as_matrix(A_star, "A_star"), "A_star")
    return as_matrix(W, "W", A_star.shape), A_star


def sc_expected_gradient(
    W: np.ndarray, A_star: np.ndarray, s: int, *, kappa2: float = 1.0, noise_std: float = 0.0
) -> np.ndarray:
    """Expected tied gradient of ``threshold_{1/2}``, ``b = 0``, on the code-consistency event, in closed form.

    On the event that the hidden layer fires exactly on ``S`` (values ``x_S = W_Sᵀy``), the
    gradient of unit ``i ∈ S`` is ``−[P_S yyᵀ W_i + yyᵀ P_S W_i]`` with ``P_S = I − W_S W_Sᵀ``.
    With ``E[yyᵀ | S] = κ₂ A*_S A*_Sᵀ + σ² I`` and a uniform support of size ``s`` the expectation
    is a polynomial in the indicators ``1{j ∈ S}`` of degree three, whose mean involves only
    ``q1, q2, q3`` (:func:`sc_support_probabilities`). This function evaluates it exactly.

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
    q1, q2, q3 = sc_support_probabilities(m, s)
    c1, c2, c0 = q2 - q3, q3, q1 - 3 * q2 + 2 * q3  # weights: two-equal, all-distinct, all-equal
    G = A.T @ W  # G[j, i] = ⟨A*_j, W_i⟩
    K = W.T @ W
    lam = np.diag(G).copy()
    kdiag = np.diag(K).copy()
    H = G.T
    AG = A @ G
    WH = W @ H
    single = (q1 - q2) * A * lam + q2 * AG  # E[1{i∈S} Σ_{j∈S} A*_j ⟨A*_j, W_i⟩], in T1 and in T2
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


def sc_leading_gradient(W: np.ndarray, A_star: np.ndarray, s: int) -> np.ndarray:
    """Leading term ``p_i λ_i (λ_i W_i − A*_i)`` of the expected gradient (``λ_i = ⟨W_i, A*_i⟩``, ``p_i = s/m``).

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


def sc_relu_gradient_at_optimum(A_star: np.ndarray, s: int) -> np.ndarray:
    """First-order expected gradient at ``W = A*`` of a ReLU with bias ``b = −½`` on Rademacher codes.

    On the event that unit ``i`` fires exactly when ``i ∈ S`` and ``x*_i = +1`` (probability
    ``p_i/2``), its value is ``u_i ≈ ½`` and the residual is ``r ≈ Σ_{j∈S} ρ_j A*_j`` with
    ``ρ_j = ½`` (positive code, reconstructed at half amplitude) or ``ρ_j = −1`` (negative code,
    not reconstructed). Averaging over the other atoms' signs and keeping terms of first order in
    the cross-coherences ``c_ij = ⟨A*_i, A*_j⟩``::

        g_i(A*) ≈ −(p_i/2) [ ¾ A*_i − ¼ (s−1)/(m−1) (Σ_{j≠i} c_ij) A*_i
                             − ⅛ (s−1)/(m−1) Σ_{j≠i} A*_j + ¼ (s−1)/(m−1) Σ_{j≠i} c_ij A*_j ]

    The radial part ``−(3/8) p_i A*_i`` is absorbed by column normalisation; the ``−⅛ Σ A*_j``
    term comes from the non-zero mean ``E ρ_j = −¼`` of the residual.

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
    A = check_unit_columns(as_matrix(A_star, "A_star"), "A_star")
    m = A.shape[1]
    s = check_int(s, "s", low=1, high=m)
    if m < 2:
        raise ValueError("A_star needs at least 2 columns.")
    w = (s - 1) / (m - 1)
    C = A.T @ A
    np.fill_diagonal(C, 0.0)
    others = A.sum(axis=1, keepdims=True) - A  # Σ_{j≠i} A*_j
    bracket = 0.75 * A - 0.25 * w * A * C.sum(axis=0) - 0.125 * w * others + 0.25 * w * (A @ C)
    return -(s / m) / 2.0 * bracket


def tangential_component(G: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Project each column ``G_i`` orthogonally to ``W_i``: ``G_i − W_i ⟨W_i, G_i⟩/‖W_i‖²``; shape ``(n, m)``.

    Column normalisation absorbs the radial part of a step, so only this part moves ``W_i``
    to first order.
    """
    W = as_matrix(W, "W")
    G = as_matrix(G, "G", W.shape)
    norms2 = np.sum(W * W, axis=0)
    if np.any(norms2 == 0):
        raise ValueError("W has a zero column; the tangential projection needs non-zero columns.")
    return G - W * (np.sum(W * G, axis=0) / norms2)


# ----------------------------------------------------------------------------------------------
# Dynamics: angle map, rate, floor, population trajectory
# ----------------------------------------------------------------------------------------------


def sc_angle_map(theta: float | np.ndarray, c: float) -> float | np.ndarray:
    """One normalised step driven by the leading term, as a map on the angle ``θ = ∠(W_i, A*_i)``.

    With ``ζ p_i = c`` and ``λ = cos θ``: ``W' ∝ (1 − cλ²) W + cλ A*``, hence::

        tan θ' = tan θ · (1 − cλ²) / (1 − cλ² + c)

    Parameters
    ----------
    theta : float or ndarray
        Angles in ``[0, π/2)``.
    c : float
        ``ζ p_i``, in ``(0, 1]``.

    Returns
    -------
    float or ndarray
        ``θ'``.
    """
    c = check_real(c, "c", low=0.0, high=1.0, low_open=True)
    theta = np.asarray(theta, dtype=float)
    if np.any(theta < 0) or np.any(theta >= np.pi / 2):
        raise ValueError("theta must lie in [0, π/2).")
    lam2 = np.cos(theta) ** 2
    out = np.arctan(np.tan(theta) * (1 - c * lam2) / (1 - c * lam2 + c))
    return float(out) if out.ndim == 0 else out


def sc_linear_rate(c: float, delta: float = 0.0) -> float:
    """Per-step contraction factor of ``tan θ`` at column distance ``δ``.

    It is ``(1 − cλ²)/(1 − cλ² + c)`` with ``λ = 1 − δ²/2`` (see :func:`sc_angle_map`); at the
    optimum (``δ = 0``) it is ``1 − c``.
    """
    c = check_real(c, "c", low=0.0, high=1.0, low_open=True)
    delta = check_real(delta, "delta", low=0.0, high=np.sqrt(2.0))
    lam2 = (1 - delta**2 / 2) ** 2
    return (1 - c * lam2) / (1 - c * lam2 + c)


def sc_stationary_error(
    bias: np.ndarray,
    contraction: float | np.ndarray,
    *,
    second_moment: float | np.ndarray = 0.0,
    n_samples: int | None = None,
    step_size: float | None = None,
    fresh: bool = False,
) -> np.ndarray:
    """Predicted error floor ``‖W_i − A*_i‖`` of normalised GD, per column.

    Near ``A*`` the tangential gradient is ``h_i (W_i − A*_i) + β_i + ξ_i``: contraction ``h_i``,
    systematic part ``β_i`` (the tangential gradient at ``A*``) and sampling noise ``ξ_i`` with
    ``E‖ξ_i‖² = v_i/N``. A fixed sample of size ``N`` stops where the empirical tangential gradient
    vanishes, ``ε_i² = (‖β_i‖² + v_i/N)/h_i²``. Fresh batches of size ``N`` with step ``ζ`` give the
    stationary mean square of ``e ← (1 − ζh)e − ζ(β + ξ)``:
    ``ε_i² = ‖β_i‖²/h_i² + ζ v_i / (N h_i (2 − ζ h_i))``.

    Parameters
    ----------
    bias : (m,) ndarray
        ``‖β_i‖``.
    contraction : float or (m,) ndarray
        ``h_i > 0`` (``p_i`` for the hard threshold at ``b = 0``).
    second_moment : float or (m,) ndarray
        ``v_i`` (from :func:`code_gradient_moments`); 0 for the population.
    n_samples : int, optional
        Sample or batch size ``N``; required when ``second_moment`` is non-zero.
    step_size : float, optional
        ``ζ``; required with ``fresh=True``.
    fresh : bool
        Fresh batches (True) or one fixed sample (False).

    Returns
    -------
    (m,) ndarray
    """
    beta = np.asarray(bias, dtype=float)
    a = np.asarray(contraction, dtype=float)
    v = np.asarray(second_moment, dtype=float)
    if np.any(a <= 0):
        raise ValueError("contraction must be positive.")
    if np.any(beta < 0) or np.any(v < 0):
        raise ValueError("bias and second_moment must be non-negative norms.")
    out = beta**2 / a**2
    if np.any(v > 0):
        if n_samples is None:
            raise ValueError("n_samples is required when second_moment is non-zero.")
        N = check_int(n_samples, "n_samples", low=1)
        if fresh:
            if step_size is None:
                raise ValueError("step_size is required with fresh=True.")
            zeta = check_real(step_size, "step_size", low=0.0, low_open=True)
            if np.any(zeta * a >= 2):
                raise ValueError("step_size * contraction must be below 2 for a stationary regime.")
            out = out + zeta * v / (N * a * (2 - zeta * a))
        else:
            out = out + v / (N * a**2)
    return np.sqrt(out)


def sc_fixed_sample_column_errors(
    batch: CodeBatch, columns: np.ndarray | None = None, threshold: float = 0.5
) -> np.ndarray:
    """Predicted fixed-point error of single columns on a fixed sample, from the exact empirical Hessian.

    Linearises, at ``W = A*``, the fixed-point condition of normalised gradient descent for column
    ``i`` alone (the other columns held at ``A*``): ``P_i g_i(W_i) = 0`` with ``P_i = I − W_i W_iᵀ``.
    For a tangential step ``dw`` the per-sample gradient ``−[u r + (W_iᵀ r) y]`` changes by
    ``u² dw + y⊥ y⊥ᵀ dw − r⊥ y⊥ᵀ dw − y⊥ r⊥ᵀ dw`` (``⊥``: orthogonal to ``A*_i``), and the projection
    adds ``−⟨A*_i, g_i⟩ dw``. So ``e_i = −H_i⁻¹ P_i g_i(A*)`` with::

        H_i = (1/N) Σ_{k: unit i fires} [u_k² P_i + y⊥_k y⊥_kᵀ − r⊥_k y⊥_kᵀ − y⊥_k r⊥_kᵀ] − ⟨A*_i, g_i⟩ P_i

    Unlike :func:`sc_stationary_error` (``H_i ≈ p_i I``) this keeps the stiffness of the empirical
    loss along the directions of the atoms that share samples with atom ``i``, where the sampling
    noise lives. Couplings between columns are not included.

    Parameters
    ----------
    batch : CodeBatch
        The fixed sample.
    columns : (k,) int ndarray, optional
        Columns to evaluate (default: all).
    threshold : float
        Hard threshold ``τ`` of the autoencoder (bias 0).

    Returns
    -------
    (k,) ndarray
        Predicted ``‖W_i − A*_i‖`` at the fixed point (0 for a column that never fires).
    """
    if not isinstance(batch, CodeBatch):
        raise ValueError(f"batch must be a CodeBatch (see sample_code_batch); got {type(batch).__name__}.")
    threshold = check_real(threshold, "threshold", low=0.0)
    A = batch.A_star
    n, m = A.shape
    cols = np.arange(m) if columns is None else np.asarray(columns)
    if cols.ndim != 1 or cols.dtype.kind not in "iu" or (cols.size and (cols.min() < 0 or cols.max() >= m)):
        raise ValueError(f"columns must be a 1-D integer array with entries in [0, {m - 1}].")
    N = batch.N
    Y = batch.Y
    U = A.T @ Y
    D = np.abs(U) >= threshold
    R = Y - A @ np.where(D, U, 0.0)
    G = _code_loss_and_gradient(A, np.zeros(m), batch, HardThreshold(threshold))[1]
    out = np.zeros(cols.size)
    for k, i in enumerate(cols):
        ks = np.flatnonzero(D[i])
        if ks.size == 0:
            continue
        a = A[:, i]
        P = np.eye(n) - np.outer(a, a)
        Yk, Rk, u = P @ Y[:, ks], P @ R[:, ks], U[i, ks]
        H = (np.sum(u * u) * P + Yk @ Yk.T - Rk @ Yk.T - Yk @ Rk.T) / N - float(a @ G[:, i]) * P + np.outer(a, a)
        out[k] = np.linalg.norm(np.linalg.solve(H, P @ G[:, i]))
    return out


def sc_population_trajectory(W0: np.ndarray, A_star: np.ndarray, s: int, *, step_size: float, n_steps: int) -> np.ndarray:
    """Column errors of normalised GD driven by the closed-form expected gradient (:func:`sc_expected_gradient`).

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
    W0, A = _pair(W0, A_star)
    s = check_int(s, "s", low=1, high=W0.shape[1])
    step_size = check_real(step_size, "step_size", low=0.0, low_open=True)
    n_steps = check_int(n_steps, "n_steps", low=1)

    def direction(W: np.ndarray, t: int) -> tuple[float, np.ndarray]:
        return 0.0, sc_expected_gradient(W, A, s)

    return descend(W0, direction, step_size=step_size, n_steps=n_steps, A_star=A)[2]
