"""Practitioners' tools, configured honestly: every one starts where it is told and returns ``(n, m)`` unit columns.

The book compares the tied autoencoder with the tools people use to learn a dictionary or a set of
centres. A fair comparison needs the same data, the same start and the same metric for every method,
and each tool has defaults that quietly break one of the three. This module wraps them so that

* data are ``Y (n, N)`` (one sample per column) and every result is an ``(n, m)`` dictionary with
  unit-norm columns, the book's convention (scikit-learn's ``components_`` and
  ``cluster_centers_`` are ``(m, n)``: one atom per *row*);
* a given start ``(n, m)`` is really used: ``sklearn.decomposition.DictionaryLearning``
  ignores ``dict_init`` unless ``code_init`` is also passed, ``sklearn.mixture.GaussianMixture``
  takes its initial variances from a k-means run unless they are passed, and
  ``sklearn.cluster.KMeans`` must not re-run ``n_init`` times from an explicit start;
* the number of passes is what the caller asks for: early stopping of
  ``sklearn.decomposition.MiniBatchDictionaryLearning`` (``tol``, ``max_no_improvement``)
  is switched off;
* sparse codes from OMP have exactly ``s`` non-zeros (scikit-learn's default is
  ``n_features / 10``);
* randomness flows from an explicit ``numpy.random.Generator`` (a ``random_state`` is drawn
  from it) and linear algebra runs on one BLAS/OpenMP thread, so results are reproducible bit for bit.

MOD (method of optimal directions, Engan et al. 1999) has no library implementation in scikit-learn;
:func:`mod` is a few lines around scikit-learn's OMP. SPAMS (``spams-bin`` on PyPI) is optional and
imported only by :func:`spams_train_dl`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
from threadpoolctl import threadpool_limits

from ._validate import as_matrix, check_generator, check_int, check_real

__all__ = [
    "dictionary_learning",
    "gaussian_mixture",
    "kmeans",
    "minibatch_dictionary_learning",
    "mod",
    "nmf",
    "omp_codes",
    "spams_train_dl",
]

Callback = Callable[[int, np.ndarray], None]


def _random_state(rng: object) -> int:
    """An integer ``random_state`` drawn from ``rng``."""
    return int(check_generator(rng).integers(2**31 - 1))


def _data(Y: object) -> np.ndarray:
    return as_matrix(Y, "Y")


def _start(start: object, n: int, name: str = "start") -> np.ndarray:
    """The start as ``(n, m)`` with unit columns (a zero column cannot be normalised)."""
    W = as_matrix(start, name, (n, None))
    norms = np.linalg.norm(W, axis=0)
    if np.any(norms == 0):
        raise ValueError(
            f"{name} has a zero column {int(np.argmin(norms))}; every starting column must be non-zero."
        )
    return W / norms


def _unit_columns(rows: np.ndarray, method: str) -> np.ndarray:
    """Transpose scikit-learn's ``(m, n)`` rows to ``(n, m)`` columns and normalise them."""
    D = np.array(rows, dtype=float).T
    norms = np.linalg.norm(D, axis=0)
    if np.any(norms == 0):
        raise RuntimeError(
            f"{method} returned a zero atom (column {int(np.argmin(norms))}); it cannot be normalised. "
            "Start elsewhere or run more iterations."
        )
    return D / norms


@contextmanager
def _quiet_lasso() -> Iterator[None]:
    """Silence the ℓ1 solver's "objective did not converge" warnings, and nothing else.

    scikit-learn's coordinate descent warns when a code's duality gap stays above its internal
    tolerance after ``transform_max_iter`` sweeps; at the gaps seen here (10⁻⁸ to 10⁻⁵, on codes
    of size one) the codes are accurate far below what the recovery metric can see, and
    thousands of identical warnings would bury the results.
    """
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore",
            message="Objective did not converge",
            category=ConvergenceWarning,
        )
        yield


def _check_fewer(m: int, N: int) -> None:
    if m > N:
        raise ValueError(
            f"cannot learn m = {m} columns from N = {N} samples; pass at least m samples (columns of Y)."
        )


def omp_codes(D: np.ndarray, Y: np.ndarray, s: int) -> np.ndarray:
    """Codes with (at most) ``s`` non-zeros per sample by orthogonal matching pursuit.

    OMP picks, ``s`` times, the atom most correlated with the residual and refits all chosen
    coefficients by least squares (Pati, Rezaiifar and Krishnaprasad 1993). It runs on the Gram
    matrix ``DᵀD`` with ``sklearn.linear_model.orthogonal_mp_gram``. A sample that lies in the
    span of fewer than ``s`` atoms stops early (its residual is zero) and then has fewer non-zeros.

    Parameters
    ----------
    D : (n, m) ndarray
        Dictionary with non-zero columns (normalised here; OMP's selection assumes unit norms).
    Y : (n, N) ndarray
        Samples.
    s : int
        Non-zeros per code, ``1 <= s <= min(n, m)``.

    Returns
    -------
    X : (m, N) ndarray
        Codes for the normalised dictionary ``D / ‖D_i‖``.
    """
    from sklearn.linear_model import orthogonal_mp_gram

    Y = _data(Y)
    D = _start(D, Y.shape[0], "D")
    s = check_int(s, "s", low=1, high=min(D.shape))
    with threadpool_limits(limits=1), warnings.catch_warnings():
        # the one warning OMP emits: "ended prematurely due to linear dependence", i.e. the residual
        # is already zero with fewer than s atoms; the code is then exact and simply sparser
        warnings.filterwarnings(
            "ignore",
            message="Orthogonal matching pursuit ended prematurely",
            category=RuntimeWarning,
        )
        X = orthogonal_mp_gram(D.T @ D, D.T @ Y, n_nonzero_coefs=s)
    return np.asarray(X, dtype=float).reshape(D.shape[1], Y.shape[1])


def mod(
    Y: np.ndarray,
    start: np.ndarray,
    s: int,
    *,
    n_iter: int,
    callback: Callback | None = None,
) -> np.ndarray:
    """Method of optimal directions: alternate OMP codes with ``s`` non-zeros and a least-squares dictionary.

    One iteration is ``X ← OMP_s(A, Y)``, then ``A ← Y Xᵀ (X Xᵀ)⁻¹`` (the least-squares fit of
    ``Y ≈ A X``, Engan, Aase and Husøy 1999), then columns normalised. An atom that no sample uses keeps its
    previous value. Deterministic: no random choices.

    Parameters
    ----------
    Y : (n, N) ndarray
        Samples.
    start : (n, m) ndarray
        Starting dictionary (columns normalised first).
    s : int
        Non-zeros per code in the OMP step.
    n_iter : int
        Number of iterations, ``>= 1``; each is one pass over ``Y``.
    callback : callable, optional
        ``callback(t, A)`` after iteration ``t = 1, …, n_iter`` with the current ``(n, m)`` dictionary.

    Returns
    -------
    A : (n, m) ndarray
        Unit-norm columns.
    """
    Y = _data(Y)
    A = _start(start, Y.shape[0])
    _check_fewer(A.shape[1], Y.shape[1])
    n_iter = check_int(n_iter, "n_iter", low=1)
    with threadpool_limits(limits=1):
        for t in range(1, n_iter + 1):
            X = omp_codes(A, Y, s)
            used = np.any(X != 0, axis=1)
            fit = np.linalg.lstsq(X[used].T, Y.T, rcond=None)[0].T
            A = A.copy()
            A[:, used] = fit
            A = _unit_columns(A.T, "MOD")
            if callback is not None:
                callback(t, A)
    return A


def kmeans(
    Y: np.ndarray,
    start: np.ndarray | int,
    *,
    rng: np.random.Generator,
    n_init: int = 1,
    max_iter: int = 300,
) -> np.ndarray:
    """Centres from ``sklearn.cluster.KMeans`` (Lloyd's algorithm), as unit columns.

    Parameters
    ----------
    Y : (n, N) ndarray
        Samples.
    start : (n, m) ndarray or int
        Starting centres (used as given, one run), or the number ``m`` of clusters to start from
        scikit-learn's own k-means++ seeding (Arthur and Vassilvitskii 2007), best of ``n_init`` runs.
    rng : numpy.random.Generator
        Source of the ``random_state`` (k-means++ seeding).
    n_init : int
        Number of k-means++ restarts; must be 1 with an explicit start.
    max_iter : int
        Lloyd iterations per run (stops earlier when the centres stop moving).

    Returns
    -------
    C : (n, m) ndarray
        Centres normalised to unit norm.
    """
    from sklearn.cluster import KMeans

    Y = _data(Y)
    n_init = check_int(n_init, "n_init", low=1)
    if isinstance(start, (int, np.integer)) and not isinstance(start, bool):
        m, init = check_int(start, "start", low=1), "k-means++"
    else:
        W = _start(start, Y.shape[0])
        m, init = W.shape[1], W.T
        if n_init != 1:
            raise ValueError(
                f"n_init must be 1 with an explicit start (each restart would reuse it); got {n_init}."
            )
    _check_fewer(m, Y.shape[1])
    model = KMeans(
        m,
        init=init,
        n_init=n_init,
        max_iter=check_int(max_iter, "max_iter", low=1),
        random_state=_random_state(rng),
        algorithm="lloyd",
    )
    with threadpool_limits(limits=1):
        model.fit(Y.T)
    return _unit_columns(model.cluster_centers_, "KMeans")


def gaussian_mixture(
    Y: np.ndarray,
    start: np.ndarray | int,
    *,
    rng: np.random.Generator,
    n_init: int = 1,
    max_iter: int = 100,
) -> np.ndarray:
    """Means of a spherical ``sklearn.mixture.GaussianMixture`` fitted by EM, as unit columns.

    With an explicit start, EM starts from it completely: means ``start``, weights and one variance
    per component from assigning every sample to its nearest starting centre (scikit-learn would
    otherwise take weights and variances from a k-means run).

    Parameters
    ----------
    Y : (n, N) ndarray
        Samples.
    start : (n, m) ndarray or int
        Starting means, or the number ``m`` of components to start from scikit-learn's default
        (a k-means run), best of ``n_init``.
    rng : numpy.random.Generator
        Source of the ``random_state``.
    n_init : int
        Restarts; must be 1 with an explicit start.
    max_iter : int
        EM iterations (stops earlier when the log-likelihood gain falls below 10⁻³).

    Returns
    -------
    C : (n, m) ndarray
        Means normalised to unit norm.
    """
    from sklearn.mixture import GaussianMixture

    Y = _data(Y)
    n, N = Y.shape
    n_init = check_int(n_init, "n_init", low=1)
    options: dict[str, object] = {}
    if isinstance(start, (int, np.integer)) and not isinstance(start, bool):
        m = check_int(start, "start", low=1)
    else:
        W = _start(start, n)
        m = W.shape[1]
        if n_init != 1:
            raise ValueError(
                f"n_init must be 1 with an explicit start (each restart would reuse it); got {n_init}."
            )
        nearest = np.argmax(
            W.T @ Y - 0.5 * np.sum(W**2, axis=0)[:, None], axis=0
        )
        counts = np.bincount(nearest, minlength=m)
        if np.any(counts == 0):
            raise ValueError(
                f"starting centre {int(np.argmin(counts))} is nobody's nearest centre; start closer to the data."
            )
        spread = np.bincount(
            nearest,
            weights=np.sum((Y - W[:, nearest]) ** 2, axis=0),
            minlength=m,
        )
        options = {
            "init_params": "random_from_data",
            "means_init": W.T,
            "weights_init": counts / N,
            "precisions_init": n * counts / np.maximum(spread, 1e-12),
        }
    _check_fewer(m, N)
    model = GaussianMixture(
        m,
        covariance_type="spherical",
        n_init=n_init,
        max_iter=check_int(max_iter, "max_iter", low=1),
        random_state=_random_state(rng),
        **options,
    )
    with threadpool_limits(limits=1):
        model.fit(Y.T)
    return _unit_columns(model.means_, "GaussianMixture")


def minibatch_dictionary_learning(
    Y: np.ndarray,
    start: np.ndarray,
    *,
    alpha: float,
    n_epochs: int,
    rng: np.random.Generator,
    batch_size: int = 256,
    positive_code: bool = False,
    callback: Callback | None = None,
) -> np.ndarray:
    """``sklearn.decomposition.MiniBatchDictionaryLearning`` (Mairal et al. 2010) for exactly ``n_epochs`` passes.

    Codes minimise ``½‖y − Dx‖² + α‖x‖₁`` by coordinate descent (``fit_algorithm='cd'``); early
    stopping is off (``tol=0``, ``max_no_improvement=None``), so every call makes ``n_epochs`` passes over the
    data, shuffled once as scikit-learn does.

    Parameters
    ----------
    Y : (n, N) ndarray
        Samples.
    start : (n, m) ndarray
        Starting dictionary (``dict_init``; columns normalised first).
    alpha : float
        ℓ1 weight ``α > 0``. It decides the outcome; tune it.
    n_epochs : int
        Passes over the data, ``>= 1``.
    rng : numpy.random.Generator
        Source of the ``random_state`` (shuffling, resampling of unused atoms).
    batch_size : int
        Samples per minibatch.
    positive_code : bool
        Constrain codes to be non-negative.
    callback : callable, optional
        ``callback(epoch, D)`` after every full pass with the current ``(n, m)`` dictionary.

    Returns
    -------
    D : (n, m) ndarray
        Unit-norm columns.
    """
    from sklearn.decomposition import MiniBatchDictionaryLearning

    Y = _data(Y)
    W = _start(start, Y.shape[0])
    _check_fewer(W.shape[1], Y.shape[1])
    n_epochs = check_int(n_epochs, "n_epochs", low=1)
    batch_size = check_int(batch_size, "batch_size", low=1)
    steps_per_epoch = -(-Y.shape[1] // batch_size)

    def report(env: dict) -> None:
        if (env["i"] + 1) % steps_per_epoch == 0:
            callback(
                (env["i"] + 1) // steps_per_epoch,
                _unit_columns(env["dictionary"], "MiniBatchDictionaryLearning"),
            )

    model = MiniBatchDictionaryLearning(
        W.shape[1],
        alpha=check_real(alpha, "alpha", low=0.0, low_open=True),
        max_iter=n_epochs,
        fit_algorithm="cd",
        batch_size=batch_size,
        shuffle=True,
        dict_init=W.T.copy(),
        random_state=_random_state(rng),
        positive_code=bool(positive_code),
        tol=0.0,
        max_no_improvement=None,
        callback=None if callback is None else report,
    )
    with threadpool_limits(limits=1), _quiet_lasso():
        model.fit(Y.T)
    return _unit_columns(model.components_, "MiniBatchDictionaryLearning")


def dictionary_learning(
    Y: np.ndarray,
    start: np.ndarray,
    *,
    alpha: float,
    n_iter: int,
    rng: np.random.Generator,
    positive_code: bool = False,
) -> np.ndarray:
    """``sklearn.decomposition.DictionaryLearning`` (batch ℓ1 dictionary learning) from ``start``.

    scikit-learn uses ``dict_init`` only when ``code_init`` is given too (otherwise it starts from
    an SVD of the data); we pass zero codes, which is what its coordinate descent starts from
    anyway, so the first iteration codes the data on ``start``. Each iteration is one pass:
    lasso codes for every sample, then a block-coordinate update of every atom. The run stops after
    ``n_iter`` iterations or earlier when the cost changes by less than ``10⁻⁸`` (its ``tol``).

    Parameters
    ----------
    Y : (n, N) ndarray
        Samples.
    start : (n, m) ndarray
        Starting dictionary (columns normalised first).
    alpha : float
        ℓ1 weight ``α > 0``.
    n_iter : int
        Iterations, ``>= 1``.
    rng : numpy.random.Generator
        Source of the ``random_state`` (resampling of unused atoms).
    positive_code : bool
        Constrain codes to be non-negative.

    Returns
    -------
    D : (n, m) ndarray
        Unit-norm columns.
    """
    from sklearn.decomposition import DictionaryLearning

    Y = _data(Y)
    W = _start(start, Y.shape[0])
    _check_fewer(W.shape[1], Y.shape[1])
    model = DictionaryLearning(
        W.shape[1],
        alpha=check_real(alpha, "alpha", low=0.0, low_open=True),
        max_iter=check_int(n_iter, "n_iter", low=1),
        fit_algorithm="cd",
        dict_init=W.T.copy(),
        code_init=np.zeros((Y.shape[1], W.shape[1])),
        random_state=_random_state(rng),
        positive_code=bool(positive_code),
    )
    with threadpool_limits(limits=1), _quiet_lasso():
        model.fit(Y.T)
    return _unit_columns(model.components_, "DictionaryLearning")


def nmf(Y: np.ndarray, start: np.ndarray, *, n_iter: int) -> np.ndarray:
    """Non-negative matrix factorisation ``Y ≈ D X`` (``D, X >= 0``; Lee and Seung 1999) from ``start``.

    ``sklearn.decomposition.NMF`` with ``init='custom'``: the dictionary starts at ``start``
    and the codes at ``max(startᵀY, 0)``; coordinate descent on the Frobenius loss runs exactly
    ``n_iter`` iterations (``tol=0``; the convergence warning that this triggers by design is
    silenced, nothing else). No randomness.

    NMF needs ``Y >= 0`` and a non-negative start, and it can only return a non-negative
    dictionary: it does not apply when the true dictionary has negative entries. Its default
    start ``init='nndsvda'`` (an SVD) also refuses more atoms than ``min(n, N)``; an explicit start
    has no such limit.

    Parameters
    ----------
    Y : (n, N) ndarray
        Non-negative samples.
    start : (n, m) ndarray
        Non-negative starting dictionary (columns normalised first).
    n_iter : int
        Iterations, ``>= 1``.

    Returns
    -------
    D : (n, m) ndarray
        Non-negative unit-norm columns.
    """
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning

    Y = _data(Y)
    W = _start(start, Y.shape[0])
    if np.any(Y < 0):
        raise ValueError(
            f"NMF needs non-negative data; Y has {int(np.sum(Y < 0))} negative entries (min {Y.min():.3g}). "
            "Data y = A*x* with x* >= 0 are non-negative only when A* is: use a signed method instead."
        )
    if np.any(W < 0):
        raise ValueError(
            "start must be non-negative for NMF; clip it, e.g. numpy.maximum(start, 0), or start elsewhere."
        )
    model = NMF(
        W.shape[1],
        init="custom",
        solver="cd",
        max_iter=check_int(n_iter, "n_iter", low=1),
        tol=0.0,
    )
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        model.fit_transform(
            Y.T, W=np.maximum(W.T @ Y, 0.0).T.copy(), H=W.T.copy()
        )
    return _unit_columns(model.components_, "NMF")


def spams_train_dl(
    Y: np.ndarray,
    start: np.ndarray,
    *,
    lambda1: float,
    n_iter: int,
    batch_size: int = 256,
    positive_code: bool = False,
) -> np.ndarray:
    """SPAMS ``trainDL`` (online ℓ1 dictionary learning of Mairal et al. 2010, in C++) from ``start``.

    Mode 2 solves ``min ½‖y − Dx‖² + λ₁‖x‖₁`` (the same scale as scikit-learn's ``α``) with
    ``n_iter`` minibatches of ``batch_size`` samples, on one thread. SPAMS draws its minibatches
    with its own internal generator, which cannot be seeded from Python: its output is the same
    in every run, but it does not flow from an ``rng``. Requires the optional package ``spams-bin``.

    Parameters
    ----------
    Y : (n, N) ndarray
        Samples.
    start : (n, m) ndarray
        Starting dictionary ``D`` (columns normalised first).
    lambda1 : float
        ℓ1 weight ``λ₁ > 0``.
    n_iter : int
        Number of minibatches (``n_iter · batch_size / N`` passes).
    batch_size : int
        Samples per minibatch.
    positive_code : bool
        Constrain codes to be non-negative (``posAlpha``).

    Returns
    -------
    D : (n, m) ndarray
        Unit-norm columns.
    """
    try:
        import spams
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "spams_train_dl needs SPAMS: pip install spams-bin (GPL-3.0, binary wheels)."
        ) from exc
    Y = _data(Y)
    W = _start(start, Y.shape[0])
    _check_fewer(W.shape[1], Y.shape[1])
    D = spams.trainDL(
        np.asfortranarray(Y),
        D=np.asfortranarray(W),
        lambda1=check_real(lambda1, "lambda1", low=0.0, low_open=True),
        mode=2,
        iter=check_int(n_iter, "n_iter", low=1),
        batchsize=check_int(batch_size, "batch_size", low=1),
        posAlpha=bool(positive_code),
        numThreads=1,
        verbose=False,
    )
    return _unit_columns(np.asarray(D).T, "SPAMS trainDL")
