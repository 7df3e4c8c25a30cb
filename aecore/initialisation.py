"""Initialisations from the data alone: seeding for mixtures, pairwise reweighting for sparse coding.

The recovery theorems of the book are local: they start from a δ-close ``W``. This module builds
such a start from samples ``Y (n, N)`` without knowing ``A*``.

**Mixtures** (:func:`farthest_point_seeds`, :func:`mixture_init`). A sample ``y = A*_k + η`` lies at
distance about ``σ_η√n`` from its centre, two samples of one class at about ``σ_η√(2n)`` from each other
and two samples of different classes at about ``√(2 − 2⟨A*_k, A*_l⟩ + 2σ_η²n)``. When every distance
within a class is smaller than every distance across classes, farthest-point traversal picks one sample
per class, and assigning every sample to its nearest seed recovers the classes; the mean of a class is
``A*_k`` plus noise of norm about ``σ_η√(n/N_k)``.

**Sparse coding** (:func:`spectral_init`): the pairwise reweighting of Arora, Ge, Ma and Moitra (COLT 2015,
Algorithm 3). For two samples ``u, v`` the reweighted second moment::

    M_{u,v} = (1/N) Σ_k ⟨y_k, u⟩⟨y_k, v⟩ y_k y_kᵀ

is dominated by ``A*_i A*_iᵀ`` when ``u`` and ``v`` share exactly one atom ``i``; its top eigenvector is
then close to ``±A*_i`` and its top two eigenvalues are well separated. Our implementation adds the
speed-ups measured in the book: pairs are screened by ``|cos(u, v)|`` (pairs sharing an atom are
correlated), each ``M_{u,v}`` keeps only the ``keep`` samples with the largest ``|⟨y, u⟩⟨y, v⟩|``,
the top eigenpairs come from a fixed number of block power iterations, and accepted eigenvectors are
merged when their ``|cos|`` exceeds ``merge``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import (
    as_matrix,
    check_bool,
    check_generator,
    check_int,
    check_real,
)

__all__ = [
    "SpectralInit",
    "farthest_point_seeds",
    "mixture_init",
    "spectral_init",
]


def farthest_point_seeds(
    Y: np.ndarray, m: int, rng: np.random.Generator
) -> np.ndarray:
    """Indices of ``m`` samples chosen by farthest-point traversal.

    The first seed is a uniformly random sample; each further seed is the sample farthest (in
    Euclidean distance) from all seeds chosen so far. Ties go to the lowest index.

    Parameters
    ----------
    Y : (n, N) ndarray
        Samples, one per column.
    m : int
        Number of seeds, ``1 <= m <= N``.
    rng : numpy.random.Generator
        Draws the first seed.

    Returns
    -------
    seeds : (m,) int ndarray
        Column indices into ``Y``, all distinct when the samples are.
    """
    Y = as_matrix(Y, "Y")
    N = Y.shape[1]
    m = check_int(m, "m", low=1, high=N)
    rng = check_generator(rng)
    seeds = np.empty(m, dtype=int)
    seeds[0] = rng.integers(N)
    sq_norms = np.sum(Y**2, axis=0)
    nearest = np.full(N, np.inf)
    for k in range(1, m):
        last = Y[:, seeds[k - 1]]
        nearest = np.minimum(nearest, sq_norms - 2.0 * (last @ Y) + last @ last)
        seeds[k] = int(np.argmax(nearest))
    return seeds


def mixture_init(
    Y: np.ndarray,
    m: int,
    rng: np.random.Generator,
    *,
    n_averaging_steps: int = 1,
) -> np.ndarray:
    """Centres from samples of a mixture: farthest-point seeds, averaging steps, unit-norm columns.

    Each averaging step assigns every sample to its nearest current centre (Euclidean) and replaces
    each centre by the mean of its samples (one Lloyd step of k-means). The seeds are samples, so
    every centre keeps at least its own seed before the first step; a centre left without samples
    in a later step keeps its position.

    Parameters
    ----------
    Y : (n, N) ndarray
        Samples ``y = A*_k + η``, one per column.
    m : int
        Number of centres, ``1 <= m <= N``.
    rng : numpy.random.Generator
        Draws the first seed (:func:`farthest_point_seeds`).
    n_averaging_steps : int
        Number of averaging steps, ``>= 0`` (``0`` returns the normalised seeds).

    Returns
    -------
    W : (n, m) ndarray
        Unit-norm columns, ``W_i`` estimating the ``i``-th centre up to a permutation.
    """
    Y = as_matrix(Y, "Y")
    n_averaging_steps = check_int(n_averaging_steps, "n_averaging_steps", low=0)
    C = Y[:, farthest_point_seeds(Y, m, rng)].copy()
    sq_norms = np.sum(Y**2, axis=0)
    for _ in range(n_averaging_steps):
        distances = (
            sq_norms[None, :] - 2.0 * (C.T @ Y) + np.sum(C**2, axis=0)[:, None]
        )
        labels = np.argmin(distances, axis=0)
        counts = np.bincount(labels, minlength=m)
        sums = np.zeros_like(C)
        np.add.at(sums.T, labels, Y.T)
        filled = counts > 0
        C[:, filled] = sums[:, filled] / counts[filled]
    norms = np.linalg.norm(C, axis=0)
    if np.any(norms == 0):
        raise ValueError(
            "Y produced a zero centre, which cannot be normalised; remove zero samples from Y."
        )
    return C / norms


@dataclass(frozen=True)
class SpectralInit:
    """Result of :func:`spectral_init`.

    Attributes
    ----------
    W : (n, m) ndarray
        Unit-norm start: the ``n_found`` merged candidates found most often first, then random unit
        columns for the atoms that were not found.
    n_found : int
        Number of distinct candidates that passed the tests (at most ``m`` of them are used).
    counts : (n_found,) int ndarray
        How many accepted pairs produced each candidate, in the order of the columns of ``W``.
    pairs : (n_tested, 2) int ndarray
        Column indices into ``Y`` of the two samples of each tested pair, in the order tested.
    top_eigenvalue, second_eigenvalue : (n_tested,) ndarray
        Largest and second-largest absolute eigenvalue of ``M_{u,v}`` for each tested pair.
    accepted : (n_tested,) bool ndarray
        Which tested pairs passed the eigenvalue test.
    n_screened_pairs : int
        Pairs produced by the screening; those not tested were skipped as explained.
    reference_eigenvalue : float
        Median largest absolute eigenvalue over random (unscreened) pairs: the "no shared atom" level.
    """

    W: np.ndarray
    n_found: int
    counts: np.ndarray
    pairs: np.ndarray
    top_eigenvalue: np.ndarray
    second_eigenvalue: np.ndarray
    accepted: np.ndarray
    reference_eigenvalue: float
    n_screened_pairs: int


def _top_eigenpairs(
    Y: np.ndarray,
    P: np.ndarray,
    Q: np.ndarray,
    keep: int,
    n_power: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Top three |eigen|pairs of ``M_{u,v}`` for pairs ``(P[:, k], Q[:, k])`` by block power iteration.

    Returns ``(absolute eigenvalues (B, 3) in decreasing order, top eigenvectors (n, B))``.
    """
    n, N = Y.shape
    B = P.shape[1]
    weights = (Y.T @ P) * (Y.T @ Q) / N  # (N, B)
    top = np.argpartition(-np.abs(weights), keep - 1, axis=0)[
        :keep
    ].T  # (B, keep)
    Yk = np.transpose(Y[:, top], (1, 0, 2))  # (B, n, keep)
    wk = np.take_along_axis(weights.T, top, axis=1)  # (B, keep)
    M = (Yk * wk[:, None, :]) @ np.transpose(Yk, (0, 2, 1))  # (B, n, n)
    V = np.linalg.qr(rng.standard_normal((B, n, 3)))[0]
    for _ in range(n_power):
        V = np.linalg.qr(M @ V)[0]
    small = np.transpose(V, (0, 2, 1)) @ M @ V  # (B, 3, 3) Rayleigh–Ritz
    values, vectors = np.linalg.eigh(small)
    order = np.argsort(-np.abs(values), axis=1)
    values = np.take_along_axis(values, order, axis=1)
    leading = np.take_along_axis(vectors, order[:, None, :], axis=2)[
        :, :, 0
    ]  # (B, 3)
    return np.abs(values), np.einsum("bnk,bk->nb", V, leading)


def _merge(
    sums: np.ndarray,
    counts: list[int],
    v: np.ndarray,
    weight: int,
    merge: float,
) -> tuple[np.ndarray, list[int]]:
    """Add ``v`` (a sum of ``weight`` unit eigenvectors) to the candidate with ``|cos| > merge``, or start a new one."""
    if counts:
        c = (sums / np.linalg.norm(sums, axis=0)).T @ v / np.linalg.norm(v)
        j = int(np.argmax(np.abs(c)))
        if abs(c[j]) > merge:
            sums = sums.copy()
            sums[:, j] += np.sign(c[j]) * v
            return sums, counts[:j] + [counts[j] + weight] + counts[j + 1 :]
    return np.column_stack([sums, v]), counts + [weight]


def spectral_init(
    Y: np.ndarray,
    s: int,
    m: int,
    rng: np.random.Generator,
    *,
    n_screen: int = 2000,
    partners: int = 2,
    keep: int | None = None,
    n_power: int = 15,
    n_reference: int = 64,
    ratio: float = 2.5,
    gap: float = 2.0,
    merge: float = 0.85,
    min_count: int = 2,
    explained: float | None = None,
    batch: int = 64,
    nonnegative: bool = False,
) -> SpectralInit:
    """Dictionary start from samples by pairwise reweighting (Arora, Ge, Ma & Moitra 2015, Alg. 3).

    1. Draw ``n_screen`` distinct samples and pair each with the ``partners`` among them with the
       largest ``|cos(u, v)|`` (with ``nonnegative``: the largest ``cos(u, v)``); duplicate pairs are
       dropped.
    2. For each pair form ``M_{u,v}`` from the ``keep`` samples of ``Y`` with the largest
       ``|⟨y, u⟩⟨y, v⟩|`` and find its top three eigenvalues in absolute value by ``n_power`` steps of
       block power iteration followed by a Rayleigh–Ritz step.
    3. Accept the pair when ``Λ₁ > ratio · Λ_ref`` (``Λ_ref``: median ``Λ₁`` of ``n_reference`` random
       pairs) and ``Λ₁ > gap · Λ₂``, where ``Λ₁ >= Λ₂`` are the two largest absolute eigenvalues.
       Pairs are tested in batches; a pair whose correlation a candidate already found more than
       ``min_count`` times explains is skipped (see ``explained``).
    4. Merge accepted eigenvectors greedily (in decreasing ``Λ₁``) when ``|cos| > merge``, then merge
       the averaged candidates once more the same way (most frequent first); keep candidates produced
       by at least ``min_count`` pairs, most frequent first, at most ``m``.
    5. Fill the remaining columns with random unit vectors.

    Every loop is bounded by the arguments and the data size; none waits for a random event.

    Parameters
    ----------
    Y : (n, N) ndarray
        Samples of a sparse-coding model.
    s : int
        Support size of the codes, ``1 <= s <= n`` (sets the default ``keep``).
    m : int
        Number of atoms wanted, ``>= 1``.
    rng : numpy.random.Generator
        Draws the screened samples, the reference pairs, the power-iteration starts and the fill.
    n_screen : int
        Samples screened, ``2 <= n_screen <= N``.
    partners : int
        Each screened sample is paired with its ``partners`` most correlated samples among the
        screened ones, ``1 <= partners < n_screen``; at most ``n_screen · partners`` distinct pairs.
    keep : int, optional
        Samples kept per pair; default ``min(N, 2Ns/m)`` (about twice the samples containing a given atom).
    n_power : int
        Block power iterations, ``>= 1``.
    n_reference : int
        Random pairs for the reference level, ``>= 1``.
    ratio, gap : float
        Acceptance thresholds, both ``> 0``.
    merge : float
        ``|cos|`` above which two eigenvectors are the same candidate, in ``(0, 1)``.
    min_count : int
        Accepted pairs needed to keep a candidate, ``>= 1``.
    explained : float, optional
        A pair is skipped when a candidate already produced by more than ``min_count`` pairs explains
        it: both samples have ``|cos| > explained`` with the candidate, and the correlation of the two
        samples with the candidate's direction removed is below ``explained``; in ``(0, 1]`` (``1``
        skips nothing). Default
        ``min(1, 3/√n)``: three standard deviations of the cosine between a fixed unit vector and a
        random direction, so that chance correlations rarely cause a skip.
    batch : int
        Pairs processed together (memory ``batch · n²`` floats), ``>= 1``.
    nonnegative : bool
        Codes are non-negative: screen by ``cos(u, v)`` rather than ``|cos(u, v)|`` and orient each
        candidate ``w`` by the sign of ``Σ_k ⟨w, y_k⟩³``, which the large projections of the samples
        containing the atom dominate. (The sign of the mean projection is not reliable: it is
        ``κ₁ p (1 + Σ_{j≠i} ⟨A*_i, A*_j⟩)`` and the sum is of order ``√(m/n)``.)

    Returns
    -------
    SpectralInit
    """
    Y = as_matrix(Y, "Y")
    n, N = Y.shape
    s = check_int(s, "s", low=1, high=n)
    m = check_int(m, "m", low=1)
    rng = check_generator(rng)
    n_screen = check_int(n_screen, "n_screen", low=2, high=N)
    partners = check_int(partners, "partners", low=1, high=n_screen - 1)
    keep = (
        min(N, max(1, round(2 * N * s / m)))
        if keep is None
        else check_int(keep, "keep", low=1, high=N)
    )
    n_power = check_int(n_power, "n_power", low=1)
    n_reference = check_int(n_reference, "n_reference", low=1)
    ratio = check_real(ratio, "ratio", low=0.0, low_open=True)
    gap = check_real(gap, "gap", low=0.0, low_open=True)
    merge = check_real(
        merge, "merge", low=0.0, high=1.0, low_open=True, high_open=True
    )
    min_count = check_int(min_count, "min_count", low=1)
    explained = (
        min(1.0, 3.0 / np.sqrt(n))
        if explained is None
        else check_real(
            explained, "explained", low=0.0, high=1.0, low_open=True
        )
    )
    batch = check_int(batch, "batch", low=1)
    nonnegative = check_bool(nonnegative, "nonnegative")
    norms = np.linalg.norm(Y, axis=0)
    if np.any(norms == 0):
        raise ValueError(
            "Y has a zero sample (column), whose direction is undefined; remove it from Y."
        )

    # 1. screening: pair every screened sample with its most correlated partner
    chosen = rng.choice(N, size=n_screen, replace=False)
    U = Y[:, chosen] / norms[chosen]
    cos = U.T @ U
    score = cos if nonnegative else np.abs(cos)
    np.fill_diagonal(score, -np.inf)
    partner = np.argpartition(-score, partners - 1, axis=1)[
        :, :partners
    ]  # (n_screen, partners)
    own = np.repeat(np.arange(n_screen), partners)
    pairs = np.unique(
        np.sort(np.column_stack([own, partner.ravel()]), axis=1), axis=0
    )
    P, Q = Y[:, chosen[pairs[:, 0]]], Y[:, chosen[pairs[:, 1]]]
    n_pairs = pairs.shape[0]

    # 2. reference level from random pairs
    ref = rng.choice(N, size=(2, n_reference))
    ref_values, _ = _top_eigenpairs(
        Y, Y[:, ref[0]], Y[:, ref[1]], keep, n_power, rng
    )
    reference = float(np.median(ref_values[:, 0]))

    # 3-4. test the pairs batch by batch and merge accepted eigenvectors into candidates as they come;
    # a pair is skipped when a candidate already produced by more than min_count pairs explains it:
    # both samples have |cos| > explained with the candidate, and once the candidate's direction is
    # removed from both, their correlation is below explained (it would most likely find that atom again)
    unit_P, unit_Q = (
        P / np.linalg.norm(P, axis=0),
        Q / np.linalg.norm(Q, axis=0),
    )
    sums = np.zeros((n, 0))
    counts: list[int] = []
    tested = np.zeros(n_pairs, dtype=bool)
    sigma_parts: list[np.ndarray] = []
    accepted_parts: list[np.ndarray] = []
    for start in range(0, n_pairs, batch):
        part = np.arange(start, min(start + batch, n_pairs))
        if counts:
            done = sums[:, np.array(counts) > min_count]
            done = done / np.linalg.norm(done, axis=0)
            cu, cv = (
                done.T @ unit_P[:, part],
                done.T @ unit_Q[:, part],
            )  # (k, B)
            uv = np.sum(unit_P[:, part] * unit_Q[:, part], axis=0)
            rest = (uv - cu * cv) / np.sqrt(
                np.maximum((1 - cu**2) * (1 - cv**2), 1e-12)
            )
            skip = np.any(
                (np.abs(cu) > explained)
                & (np.abs(cv) > explained)
                & (np.abs(rest) < explained),
                axis=0,
            )
            part = part[~skip]
        if part.size == 0:
            continue
        tested[part] = True
        values, vectors = _top_eigenpairs(
            Y, P[:, part], Q[:, part], keep, n_power, rng
        )
        passed = (values[:, 0] > ratio * reference) & (
            values[:, 0] > gap * values[:, 1]
        )
        sigma_parts.append(values)
        accepted_parts.append(passed)
        for k in np.flatnonzero(passed)[
            np.argsort(-values[passed, 0], kind="stable")
        ]:
            sums, counts = _merge(sums, counts, vectors[:, k], 1, merge)
    sigma = np.concatenate(sigma_parts) if sigma_parts else np.zeros((0, 3))
    accepted = (
        np.concatenate(accepted_parts)
        if accepted_parts
        else np.zeros(0, dtype=bool)
    )
    # second pass on the averaged candidates (more accurate than single eigenvectors), most frequent first
    order = np.argsort(-np.array(counts, dtype=int), kind="stable")
    merged, merged_counts = np.zeros((n, 0)), []
    for k in order:
        merged, merged_counts = _merge(
            merged, merged_counts, sums[:, k], counts[k], merge
        )
    sums, counts_arr = merged, np.array(merged_counts, dtype=int)
    good = np.flatnonzero(counts_arr >= min_count)
    good = good[np.argsort(-counts_arr[good], kind="stable")][:m]
    found = (
        sums[:, good] / np.linalg.norm(sums[:, good], axis=0)
        if good.size
        else np.zeros((n, 0))
    )
    if nonnegative and good.size:
        signs = np.sign(
            np.sum((found.T @ Y) ** 3, axis=1)
        )  # the large projections: samples containing the atom
        signs[signs == 0] = 1.0
        found = found * signs

    # 5. fill
    fill = rng.standard_normal((n, m - found.shape[1]))
    W = (
        np.column_stack([found, fill / np.linalg.norm(fill, axis=0)])
        if fill.shape[1]
        else found
    )
    return SpectralInit(
        W=W,
        n_found=int(good.size),
        counts=counts_arr[good],
        pairs=chosen[pairs[tested]] if n_pairs else np.zeros((0, 2), dtype=int),
        top_eigenvalue=sigma[:, 0],
        second_eigenvalue=sigma[:, 1],
        accepted=accepted,
        reference_eigenvalue=reference,
        n_screened_pairs=n_pairs,
    )
