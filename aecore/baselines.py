"""Baselines: the neural sparse-coding update of Arora, Ge, Ma and Moitra (COLT 2015).

Their simple neural algorithm decodes with a hard threshold and takes a Hebbian-like step::

    x = threshold_{C/2}(Aᵀy)                  (decoding, C = 1 here: threshold ½)
    A ← A + ζ E[(y − A x) sgn(x)ᵀ]             (update, ζ = Θ(m/s))

and, as in the book's autoencoder runs, the columns are normalised after every step. We write the
update as a descent step ``A ← A − ζ d`` with the **neural direction**
``d = −(1/N) Σ_k (y_k − A x_k) sgn(x_k)ᵀ``, so that it can be compared column by column with the
autoencoder gradient.
"""

from __future__ import annotations

import numpy as np

from ._validate import (
    as_matrix,
    as_unit_matrix,
    check_bool,
    check_int,
    check_real,
)
from .autoencoder import HardThreshold
from .codes import CodeBatch, CodeStream, GradientMoments, _hidden, _kx_active
from .dictionaries import tangential_component
from .models import MixtureOfGaussians, SparseCoding
from .theory.sparse import support_probabilities
from .training import TrainingResult, data_source, descend

__all__ = [
    "expected_neural_direction",
    "neural_direction",
    "neural_direction_moments",
    "neural_decode",
    "train_neural",
]


def neural_decode(
    A: np.ndarray, Y: np.ndarray, threshold: float = 0.5
) -> np.ndarray:
    """Decoder of the neural algorithm: ``X = threshold_τ(AᵀY)`` (entries with ``|·| < τ`` set to 0).

    Parameters
    ----------
    A : (n, m) ndarray
        Current dictionary estimate.
    Y : (n, N) ndarray
        Observations.
    threshold : float
        ``τ >= 0``.

    Returns
    -------
    X : (m, N) ndarray
    """
    A = as_matrix(A, "A")
    Y = as_matrix(Y, "Y", (A.shape[0], None))
    threshold = check_real(threshold, "threshold", low=0.0)
    return HardThreshold(threshold)(A.T @ Y)


def neural_direction(
    A: np.ndarray, data: np.ndarray | CodeBatch, threshold: float = 0.5
) -> tuple[float, np.ndarray]:
    """Descent direction ``d = −(1/N)(Y − A X) sgn(X)ᵀ`` of the neural update, and the decoder's loss.

    Parameters
    ----------
    A : (n, m) ndarray
        Current dictionary estimate.
    data : (n, N) ndarray or CodeBatch
        Observations ``Y``, or noise-free data kept as codes (same result, faster).
    threshold : float
        Decoder threshold ``τ``.

    Returns
    -------
    loss : float
        ``(1/2N) Σ_k ‖y_k − A x_k‖²``.
    d : (n, m) ndarray
        The update is ``A ← A − ζ d``.
    """
    A = as_matrix(A, "A")
    threshold = check_real(threshold, "threshold", low=0.0)
    if isinstance(data, CodeBatch):
        if data.A_star.shape != A.shape:
            raise ValueError(
                f"A must have the shape of the batch's A_star {data.A_star.shape}; got {A.shape}."
            )
        return _neural_direction_codes(A, data, threshold)
    Y = as_matrix(data, "data", (A.shape[0], None))
    X = HardThreshold(threshold)(A.T @ Y)
    R = Y - A @ X
    return 0.5 * float(np.vdot(R, R)) / Y.shape[1], -(
        R @ np.sign(X).T
    ) / Y.shape[1]


def _neural_direction_codes(
    A: np.ndarray, batch: CodeBatch, threshold: float
) -> tuple[float, np.ndarray]:
    """Same as :func:`neural_direction` from the codes: ``R sgn(X)ᵀ = A*(X* Sᵀ) − A (X Sᵀ)``."""
    Xs, Ut, Xh, rows, cols = _hidden(
        A, np.zeros(A.shape[1]), batch, HardThreshold(threshold)
    )
    Sg = Xh.copy()
    Sg.data = np.sign(Sg.data)
    N = batch.N
    d = (
        -(
            batch.A_star @ (Xs.T.tocsr() @ Sg).toarray()
            - A @ (Xh.T @ Sg).toarray()
        )
        / N
    )
    S, vals = batch.support, batch.values
    yy = np.einsum(
        "ka,kb,kab->", vals, vals, batch.gram[S[:, :, None], S[:, None, :]]
    )
    kx = _kx_active(Xh, A.T @ A, rows, cols)
    loss = (
        0.5
        * max(
            yy - 2.0 * float(Xh.data @ Ut[rows, cols]) + float(Xh.data @ kx),
            0.0,
        )
        / N
    )
    return loss, d


def neural_direction_moments(
    A: np.ndarray, batch: CodeBatch, threshold: float = 0.5
) -> GradientMoments:
    """Per-column moments of the per-sample neural directions ``d_i^{(k)} = −(y_k − A x_k) sgn(x_ik)``.

    Parameters
    ----------
    A : (n, m) ndarray
    batch : CodeBatch
    threshold : float
        Decoder threshold ``τ``.

    Returns
    -------
    GradientMoments
        ``mean`` is the batch direction of :func:`neural_direction`; the second moments are
        ``(1/N) Σ_k ‖d_i^{(k)}‖²`` (``= ‖r_k‖²`` on the active samples) and its part orthogonal to ``A_i``.
    """
    A = as_matrix(A, "A")
    if not isinstance(batch, CodeBatch):
        raise TypeError(
            f"batch must be an aecore.codes.CodeBatch (see sample_code_batch); got {type(batch).__name__}."
        )
    if batch.A_star.shape != A.shape:
        raise ValueError(
            f"A must have the shape of the batch's A_star {batch.A_star.shape}; got {A.shape}."
        )
    threshold = check_real(threshold, "threshold", low=0.0)
    norms = np.linalg.norm(A, axis=0)
    if np.any(norms == 0):
        raise ValueError(
            "A has a zero column; the orthogonal projection needs non-zero columns."
        )
    N, m = batch.N, A.shape[1]
    Xs, Ut, Xh, rows, cols = _hidden(
        A, np.zeros(m), batch, HardThreshold(threshold)
    )
    kx = _kx_active(Xh, A.T @ A, rows, cols)
    u = Ut.ravel()[rows * m + cols]
    x = Xh.data
    S, vals = batch.support, batch.values
    yy = np.einsum(
        "ka,kb,kab->k", vals, vals, batch.gram[S[:, :, None], S[:, None, :]]
    )
    rr = (
        yy
        - 2.0 * np.bincount(rows, weights=x * u, minlength=N)
        + np.bincount(rows, weights=x * kx, minlength=N)
    )
    ar = (u - kx) / norms[cols]  # ⟨A_i, r_k⟩/‖A_i‖
    second = np.bincount(cols, weights=rr[rows], minlength=m) / N
    second_t = np.bincount(cols, weights=rr[rows] - ar**2, minlength=m) / N
    mean = _neural_direction_codes(A, batch, threshold)[1]
    return GradientMoments(
        mean, tangential_component(mean, A), second, second_t
    )


def train_neural(
    A0: np.ndarray,
    data: np.ndarray
    | MixtureOfGaussians
    | SparseCoding
    | CodeBatch
    | CodeStream,
    *,
    step_size: float,
    n_steps: int,
    threshold: float = 0.5,
    normalize: bool = True,
    batch_size: int | None = None,
    rng: np.random.Generator | None = None,
    A_star: np.ndarray | None = None,
) -> TrainingResult:
    """Run the neural sparse-coding update ``A ← A − ζ d`` (then normalise columns).

    Parameters
    ----------
    A0 : (n, m) ndarray
        Start (columns rescaled to unit norm when ``normalize``).
    data : (n, N) ndarray, generative model, CodeBatch or CodeStream
        The same kinds of data as :func:`aecore.train`: a fixed sample (dense or as codes), or
        fresh batches of ``batch_size`` samples per step drawn with ``rng`` from a model (dense)
        or a :class:`aecore.codes.CodeStream` (codes).
    step_size : float
        ``ζ > 0``.
    n_steps : int
    threshold : float
        Decoder threshold ``τ``.
    normalize : bool
    batch_size : int, optional
    rng : numpy.random.Generator, optional
    A_star : (n, m) ndarray, optional
        Ground truth for the error history (taken from ``data`` unless ``data`` is a dense array).

    Returns
    -------
    TrainingResult
        ``loss`` is the decoder's reconstruction loss; ``bias`` is zero.
    """
    threshold = check_real(threshold, "threshold", low=0.0)
    A0 = as_matrix(A0, "A0")
    if check_bool(normalize, "normalize") and np.any(
        np.linalg.norm(A0, axis=0) == 0
    ):
        raise ValueError(
            "A0 has a zero column, which cannot be normalised; start from non-zero columns."
        )
    draw, _, truth = data_source(data, *A0.shape, batch_size, rng)
    if A_star is not None and truth is not None:
        raise ValueError(
            "A_star is taken from data when data is a model or codes; omit it."
        )
    A_star = truth if A_star is None else as_matrix(A_star, "A_star", A0.shape)

    def direction(A: np.ndarray, t: int) -> tuple[float, np.ndarray]:
        return neural_direction(A, draw(), threshold)

    A, losses, errors = descend(
        A0,
        direction,
        step_size=step_size,
        n_steps=n_steps,
        normalize=normalize,
        A_star=A_star,
    )
    return TrainingResult(
        W=A, bias=np.zeros(A.shape[1]), loss=losses, indexed_errors=errors
    )


def expected_neural_direction(
    A: np.ndarray, A_star: np.ndarray, s: int, *, kappa1_abs: float = 1.0
) -> np.ndarray:
    """Expected neural direction on the code-consistency event, in closed form.

    On the event (decoder fires exactly on ``S`` with the right signs, ``x_S = A_Sᵀy``),
    ``E[(y − A x) sgn(x_i) | S] = E|x*_i| (I − A_S A_Sᵀ) A*_i`` for ``i ∈ S``, so with
    ``q1 = p_i``, ``q2 = P[i, j ∈ S]``::

        d_i = −E|x*_i| [q1 A*_i − (q1 − q2) A_i ⟨A_i, A*_i⟩ − q2 Σ_k A_k ⟨A_k, A*_i⟩]

    Its leading term is ``p_i (⟨A_i, A*_i⟩ A_i − A*_i)`` (for ``‖A_i‖ = 1``).

    Parameters
    ----------
    A, A_star : (n, m) ndarray
    s : int
    kappa1_abs : float
        ``E[|x*_i| | i ∈ S]`` (1 for Rademacher codes).

    Returns
    -------
    (n, m) ndarray
    """
    As = as_unit_matrix(A_star, "A_star")
    A = as_matrix(A, "A", As.shape)
    s = check_int(s, "s", low=1, high=A.shape[1])
    kappa1_abs = check_real(kappa1_abs, "kappa1_abs", low=0.0)
    q1, q2, _ = support_probabilities(A.shape[1], s)
    C = A.T @ As  # C[k, i] = ⟨A_k, A*_i⟩
    lam = np.diag(C)
    return -kappa1_abs * (q1 * As - (q1 - q2) * A * lam - q2 * (A @ C))
