"""Noise-free sparse-coding data kept as codes, and the tied gradient computed from them.

For data ``Y = A* X*`` with ``s``-sparse codes the tied autoencoder's pre-activations are
``WᵀY = (WᵀA*) X*``, so the loss and gradient can be computed from the Gram matrices ``WᵀA*``
and ``WᵀW`` and the sparse codes, at cost ``O(m·N·s + n·m²)`` instead of ``O(n·m·N)``, without
forming ``Y``. This is a *data representation*, not a second training algorithm:

* :class:`CodeBatch` is a fixed sample kept as codes; :func:`sample_code_batch` draws one;
* :class:`CodeStream` stands for fresh noise-free batches of a model;
* :func:`aecore.train` accepts either as its ``data`` and then evaluates the gradient with
  :func:`code_loss_and_gradient`, which equals :func:`aecore.loss_and_gradient` on ``A* X*`` up to
  rounding (tested);
* :func:`code_consistency` and :func:`code_gradient_moments` measure the firing pattern and the
  per-sample gradient moments on a code batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy import sparse

from ._validate import (
    as_matrix,
    as_unit_matrix,
    as_vector,
    check_generator,
    check_int,
    check_real,
)
from .autoencoder import Activation, HardThreshold, ReLU, _check_activation
from .dictionaries import tangential_component
from .models import SparseCoding

__all__ = [
    "CodeBatch",
    "CodeStream",
    "GradientMoments",
    "code_consistency",
    "code_gradient_moments",
    "code_loss_and_gradient",
    "sample_code_batch",
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
        A_star = as_unit_matrix(self.A_star, "A_star")
        support = np.asarray(self.support)
        if support.ndim != 2 or support.dtype.kind not in "iu":
            raise ValueError(
                f"support must be a 2-D integer array of shape (N, s); got {support.dtype} {support.shape}."
            )
        values = as_matrix(self.values, "values", support.shape)
        m = A_star.shape[1]
        if support.size and (support.min() < 0 or support.max() >= m):
            raise ValueError(
                f"support entries must lie in [0, {m - 1}] (columns of A_star)."
            )
        if support.shape[1] > 1 and np.any(
            np.diff(np.sort(support, axis=1), axis=1) == 0
        ):
            raise ValueError("support must list distinct indices in every row.")
        object.__setattr__(self, "A_star", A_star)
        object.__setattr__(self, "support", support.astype(np.intp))
        object.__setattr__(self, "values", values)
        if self.gram is None:
            object.__setattr__(self, "gram", A_star.T @ A_star)
        else:
            object.__setattr__(
                self, "gram", as_matrix(self.gram, "gram", (m, m))
            )

    @property
    def N(self) -> int:
        """Number of samples."""
        return self.support.shape[0]

    @property
    def codes(self) -> sparse.csr_matrix:
        """``X*ᵀ`` as a sparse ``(N, m)`` CSR matrix (one row per sample)."""
        N, s = self.support.shape
        m = self.A_star.shape[1]
        return sparse.csr_matrix(
            (
                self.values.ravel(),
                self.support.ravel(),
                np.arange(0, N * s + 1, s),
            ),
            shape=(N, m),
        )

    @property
    def X(self) -> np.ndarray:
        """Dense codes ``X*``, shape ``(m, N)``."""
        return self.codes.T.toarray()

    @property
    def Y(self) -> np.ndarray:
        """Dense observations ``Y = A* X*``, shape ``(n, N)``."""
        return np.asarray((self.codes @ self.A_star.T).T)


def sample_code_batch(
    model: SparseCoding,
    N: int,
    rng: np.random.Generator,
    *,
    gram: np.ndarray | None = None,
) -> CodeBatch:
    """Draw ``N`` noise-free samples of a sparse-coding model, kept as codes.

    Supports are uniform ``s``-subsets (exact, at a cost that does not depend on luck), magnitudes
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
    _check_noise_free(model, "model")
    N = check_int(N, "N", low=1)
    rng = check_generator(rng)
    m, s = model.A_star.shape[1], model.s
    support = _uniform_subsets(m, s, N, rng)
    magnitudes = (
        rng.uniform(model.low, model.high, size=(N, s))
        if model.high > model.low
        else np.full((N, s), model.low)
    )
    values = magnitudes * model._signs((N, s), rng)
    return CodeBatch(model.A_star, support, values, gram)


def _uniform_subsets(
    m: int, s: int, N: int, rng: np.random.Generator
) -> np.ndarray:
    """``(N, s)`` sorted rows, each a uniformly random ``s``-subset of ``range(m)``.

    Ordered draws with rejection of rows that repeat an index are exact and cheap when repeats
    are rare; their cost depends on luck, so they are used only when a row is accepted with
    probability at least ½, and rows still rejected after ``_MAX_REDRAWS`` rounds (probability
    below ``2⁻⁶⁴`` each) are drawn as random permutations. When repeats are common, every row is a
    random permutation from the start. The cost is therefore bounded whatever the draws.
    """
    accept = float(
        np.prod(1.0 - np.arange(s) / m)
    )  # P[s ordered draws are distinct]
    if accept < 0.5:
        return _permutation_subsets(m, s, N, rng)
    idx = np.sort(rng.integers(0, m, size=(N, s)), axis=1)
    bad = np.flatnonzero(np.any(np.diff(idx, axis=1) == 0, axis=1))
    for _ in range(_MAX_REDRAWS):
        if not bad.size:
            return idx
        redraw = np.sort(rng.integers(0, m, size=(bad.size, s)), axis=1)
        idx[bad] = redraw
        bad = bad[np.any(np.diff(redraw, axis=1) == 0, axis=1)]
    if bad.size:
        idx[bad] = _permutation_subsets(m, s, bad.size, rng)
    return idx


_MAX_REDRAWS = 64


def _permutation_subsets(
    m: int, s: int, N: int, rng: np.random.Generator
) -> np.ndarray:
    return np.sort(np.argsort(rng.random((N, m)), axis=1)[:, :s], axis=1)


@dataclass(frozen=True)
class CodeStream:
    """Fresh noise-free batches of a sparse-coding model, kept as codes.

    Pass it as ``data`` to :func:`aecore.train` (with ``batch_size`` and ``rng``) to draw a new
    :class:`CodeBatch` at every step; the iterates equal those of training on
    ``model.sample(...).Y`` batches up to rounding, but the random stream differs.

    Parameters
    ----------
    model : SparseCoding
        A :class:`aecore.SparseCoding` or :class:`aecore.NonnegativeSparseCoding` with
        ``noise_std == 0``.
    """

    model: SparseCoding

    def __post_init__(self) -> None:
        _check_noise_free(self.model, "model")

    @property
    def A_star(self) -> np.ndarray:
        """The model's dictionary, shape ``(n, m)``."""
        return self.model.A_star

    def sampler(self, batch_size: int, rng: np.random.Generator):
        """Return a function that draws the next ``CodeBatch`` of ``batch_size`` samples with ``rng``."""
        size = check_int(batch_size, "batch_size", low=1)
        generator = check_generator(rng)
        gram = self.model.A_star.T @ self.model.A_star
        return lambda: sample_code_batch(self.model, size, generator, gram=gram)


def _check_noise_free(model: object, name: str) -> SparseCoding:
    if not isinstance(model, SparseCoding):
        raise TypeError(
            f"{name} must be a SparseCoding (or NonnegativeSparseCoding) instance; got {type(model).__name__}."
        )
    if model.noise_std != 0:
        raise ValueError(
            f"{name}.noise_std must be 0 for code batches (Y = A* X* exactly); got {model.noise_std}. "
            "Train on model.sample(N, rng).Y or pass the model itself to aecore.train for noisy data."
        )
    return model


# ----------------------------------------------------------------------------------------------
# Exact empirical gradient from the codes
# ----------------------------------------------------------------------------------------------


def _hidden(
    W: np.ndarray, b: np.ndarray, batch: CodeBatch, activation: Activation
):
    """Hidden layer on a code batch.

    Returns ``Xs`` (true codes, sparse ``(N, m)``), ``Ut`` (``WᵀY`` as ``(N, m)``, bias not added),
    the sparse hidden codes ``Xh = σ(U + b)`` as ``(N, m)`` CSR, and the row and column indices of
    its active entries (row-major order, matching ``Xh.data``).
    """
    Xs = batch.codes
    Ut = np.asarray(
        Xs @ (batch.A_star.T @ W)
    )  # (N, m): U_ki = Σ_j x*_kj ⟨A*_j, W_i⟩
    N, m = Ut.shape
    has_bias = bool(np.any(b != 0))
    if (
        isinstance(activation, HardThreshold) and not has_bias
    ):  # fast path, same mask as .active
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


def _kx_active(
    Xh: sparse.csr_matrix, K: np.ndarray, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """``(K X)`` at the active entries of ``Xh``, i.e. ``Σ_j K_ij X_kj`` for each active ``(k, i)``."""
    counts = np.diff(Xh.indptr)
    width = int(counts.max()) if counts.size else 0
    if width == 0:
        return np.zeros(0)
    if width > 24:  # many active units per sample: a dense product is cheaper
        return np.asarray(Xh @ K)[rows, cols]
    N = Xh.shape[0]
    slot = (
        np.arange(rows.size) - Xh.indptr[rows]
    )  # position of each entry within its row
    idx = np.zeros((N, width), dtype=np.intp)
    val = np.zeros((N, width))
    idx[rows, slot] = cols
    val[rows, slot] = Xh.data
    block = np.einsum("kab,kb->ka", K[idx[:, :, None], idx[:, None, :]], val)
    return block[rows, slot]


def code_loss_and_gradient(
    W: np.ndarray,
    bias: float | np.ndarray,
    batch: CodeBatch,
    activation: Activation,
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


def _check_w_batch(
    W: object, bias: object, batch: object
) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(batch, CodeBatch):
        raise ValueError(
            f"batch must be a CodeBatch (see sample_code_batch); got {type(batch).__name__}."
        )
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
    yy = np.einsum(
        "ka,kb,kab->", vals, vals, batch.gram[S[:, :, None], S[:, None, :]]
    )
    xu = float(Xh.data @ u)
    xkx = float(Xh.data @ kx)
    loss = 0.5 * max(yy - 2.0 * xu + xkx, 0.0) / N
    return loss, grad, grad_b


def code_consistency(
    W: np.ndarray, batch: CodeBatch, threshold: float = 0.5
) -> float:
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
    ok = (
        fired.sum(axis=1) == batch.support.shape[1]
    )  # no spurious unit (given the next line)
    on = np.take_along_axis(Ut, batch.support, axis=1) * np.sign(batch.values)
    ok &= np.all(
        on >= threshold, axis=1
    )  # every support unit fires, with the right sign
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
    W: np.ndarray,
    bias: float | np.ndarray,
    batch: CodeBatch,
    activation: Activation,
) -> GradientMoments:
    """Per-unit first and second moments of the per-sample gradients on a code batch.

    The gradient of sample ``k`` for unit ``i`` is ``g_i^{(k)} = −σ′(u_ik)[x_ik r_k + (W_iᵀ r_k) y_k]``
    (``x_ik = σ(u_ik)``, ``r_k = y_k − W x_k``). Its squared norm needs only the per-sample scalars
    ``‖y_k‖²``, ``⟨r_k, y_k⟩``, ``‖r_k‖²`` and, for the tangential part,
    ``⟨W_i, g_i^{(k)}⟩ = −(x_ik W_iᵀr_k + (W_iᵀr_k) W_iᵀy_k)``, so no ``(n, N)`` array is formed.
    The second moments set the sampling-noise part of the error floor (:func:`aecore.theory.sparse.fresh_batch_floor`);
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
        raise ValueError(
            "W has a zero column; the tangential projection needs non-zero columns."
        )
    N, m = batch.N, W.shape[1]
    Xs, Ut, Xh, rows, cols = _hidden(W, b, batch, activation)
    kx = _kx_active(Xh, W.T @ W, rows, cols)
    u = Ut.ravel()[rows * m + cols]  # W_iᵀ y_k on the active pairs
    x = Xh.data  # σ(u + b)
    wr = u - kx  # W_iᵀ r_k
    S, vals = batch.support, batch.values
    yy = np.einsum(
        "ka,kb,kab->k", vals, vals, batch.gram[S[:, :, None], S[:, None, :]]
    )
    xu = np.bincount(rows, weights=x * u, minlength=N)  # x_kᵀ Wᵀ y_k
    xkx = np.bincount(rows, weights=x * kx, minlength=N)  # x_kᵀ WᵀW x_k
    ry = yy - xu
    rr = yy - 2.0 * xu + xkx
    sq = x**2 * rr[rows] + 2.0 * x * wr * ry[rows] + wr**2 * yy[rows]
    radial = (x * wr + wr * u) / norms[cols]
    second = np.bincount(cols, weights=sq, minlength=m) / N
    second_t = np.bincount(cols, weights=sq - radial**2, minlength=m) / N
    mean = _code_loss_and_gradient(W, b, batch, activation)[1]
    return GradientMoments(
        mean, tangential_component(mean, W), second, second_t
    )
