"""Tests of aecore.initialisation: farthest-point seeding, averaging, the spectral initialiser."""

import numpy as np
import pytest

from aecore import (
    MixtureOfGaussians,
    NonnegativeSparseCoding,
    SparseCoding,
    column_errors,
    random_dictionary,
)
from aecore.initialisation import (
    _top_eigenpairs,
    farthest_point_seeds,
    mixture_init,
    spectral_init,
)


@pytest.fixture(scope="module")
def mixture():
    rng = np.random.default_rng(21)
    A = random_dictionary(50, 10, rng)
    return A, MixtureOfGaussians(A, None, 0.05).sample(2000, rng)


@pytest.fixture(scope="module")
def sparse():
    rng = np.random.default_rng(22)
    A = random_dictionary(64, 96, rng)
    return A, SparseCoding(A, 2, low=1.0, high=2.0, noise_std=0.01).sample(
        4000, rng
    ).Y


def test_farthest_point_seeds_one_per_class(mixture):
    _, sample = mixture
    seeds = farthest_point_seeds(sample.Y, 10, np.random.default_rng(0))
    labels = sample.X.argmax(axis=0)
    assert sorted(labels[seeds]) == list(range(10))
    # each new seed is the sample farthest from the previous ones
    d = np.min(
        np.linalg.norm(
            sample.Y[:, :, None] - sample.Y[:, None, seeds[:4]], axis=0
        ),
        axis=1,
    )
    assert seeds[4] == int(np.argmax(d))


def test_mixture_init_is_the_class_means(mixture):
    # one averaging step with one seed per class returns the normalised class means exactly
    A, sample = mixture
    W = mixture_init(
        sample.Y, 10, np.random.default_rng(0), n_averaging_steps=1
    )
    labels = sample.X.argmax(axis=0)
    means = np.column_stack(
        [sample.Y[:, labels == k].mean(axis=1) for k in range(10)]
    )
    means /= np.linalg.norm(means, axis=0)
    assert np.allclose(np.sort(means.T @ W, axis=1)[:, -1], 1.0, atol=1e-12)
    seeds_only = mixture_init(
        sample.Y, 10, np.random.default_rng(0), n_averaging_steps=0
    )
    # seeds sit at about σ√n = 0.35 from their centre, the means at about σ√(n/200) = 0.025
    assert column_errors(seeds_only, A, signed=False).min() > 0.2
    assert column_errors(W, A, signed=False).max() < 0.06


def test_spectral_init_is_close_at_small_size(sparse):
    A, Y = sparse
    result = spectral_init(Y, 2, 96, np.random.default_rng(1), n_screen=1500)
    errors = column_errors(result.W, A)
    assert result.n_found == 96 and errors.max() < 0.4
    assert np.allclose(np.linalg.norm(result.W, axis=0), 1.0)
    assert result.accepted.sum() >= 2 * 96 and np.all(result.counts >= 2)
    assert np.all(result.top_eigenvalue >= result.second_eigenvalue)


def test_spectral_init_fills_missing_atoms_with_random_columns(sparse):
    A, Y = sparse
    result = spectral_init(
        Y, 2, 96, np.random.default_rng(1), n_screen=100
    )  # too few pairs to cover every atom
    assert 0 < result.n_found < 96 and result.W.shape == (64, 96)
    assert np.allclose(np.linalg.norm(result.W, axis=0), 1.0)
    best = np.max(
        np.abs(A.T @ result.W), axis=0
    )  # the fill is random: far from every atom
    assert (
        best[: result.n_found].min() > 0.9
        and best[result.n_found :].max() < 0.6
    )


def test_top_eigenpairs_match_eigh(sparse):
    _, Y = sparse
    rng = np.random.default_rng(2)
    P, Q = Y[:, :3], Y[:, 3:6]
    values, vectors = _top_eigenpairs(Y, P, Q, 200, 60, rng)
    for k in range(3):
        w = (Y.T @ P[:, k]) * (Y.T @ Q[:, k]) / Y.shape[1]
        top = np.argsort(-np.abs(w), kind="stable")[:200]
        M = (Y[:, top] * w[top]) @ Y[:, top].T
        exact = np.linalg.eigvalsh(M)
        exact = exact[np.argsort(-np.abs(exact))]
        assert np.allclose(
            values[k, :2], np.abs(exact[:2]), rtol=1e-6
        )  # the third converges more slowly
        assert np.allclose(
            np.abs(
                vectors[:, k]
                @ np.linalg.eigh(M)[1][
                    :, np.argmax(np.abs(np.linalg.eigvalsh(M)))
                ]
            ),
            1.0,
            atol=1e-6,
        )


def test_spectral_init_nonnegative_orientation():
    rng = np.random.default_rng(23)
    A = random_dictionary(64, 96, rng)
    Y = NonnegativeSparseCoding(A, 2, low=1.0, high=2.0).sample(4000, rng).Y
    result = spectral_init(
        Y, 2, 96, np.random.default_rng(3), n_screen=1500, nonnegative=True
    )
    unsigned, signed = (
        column_errors(result.W, A, signed=False),
        column_errors(result.W, A),
    )
    close = signed < 0.5
    assert result.n_found >= 94 and close.sum() >= result.n_found
    assert np.allclose(
        unsigned[close], signed[close]
    )  # every candidate found has the right sign


def test_validation(sparse):
    _, Y = sparse
    rng = np.random.default_rng(4)
    with pytest.raises(ValueError, match="m must be at most"):
        farthest_point_seeds(Y, Y.shape[1] + 1, rng)
    with pytest.raises(
        ValueError, match="rng must be a numpy.random.Generator"
    ):
        farthest_point_seeds(Y, 3, 0)
    with pytest.raises(
        ValueError, match="n_averaging_steps must be at least 0"
    ):
        mixture_init(Y, 3, rng, n_averaging_steps=-1)
    bad = Y.copy()
    bad[0, 0] = np.nan
    for call in (
        lambda: mixture_init(bad, 3, rng),
        lambda: spectral_init(bad, 2, 96, rng),
    ):
        with pytest.raises(ValueError, match="Y contains NaN"):
            call()
    with pytest.raises(ValueError, match="s must be at most 64"):
        spectral_init(Y, 65, 96, rng)
    with pytest.raises(ValueError, match="n_screen must be at most"):
        spectral_init(Y, 2, 64, rng, n_screen=Y.shape[1] + 1)
    with pytest.raises(ValueError, match="keep must be at most"):
        spectral_init(Y, 2, 64, rng, keep=Y.shape[1] + 1)
    with pytest.raises(ValueError, match="merge must lie in"):
        spectral_init(Y, 2, 64, rng, merge=1.0)
    with pytest.raises(ValueError, match="ratio must lie in"):
        spectral_init(Y, 2, 64, rng, ratio=0.0)
    with pytest.raises(ValueError, match="partners must be at most"):
        spectral_init(Y, 2, 96, rng, n_screen=10, partners=10)
    with pytest.raises(ValueError, match="explained must lie in"):
        spectral_init(Y, 2, 96, rng, explained=0.0)
    with pytest.raises(ValueError, match="min_count must be at least 1"):
        spectral_init(Y, 2, 96, rng, min_count=0)
    with pytest.raises(TypeError, match="nonnegative must be True or False"):
        spectral_init(Y, 2, 64, rng, nonnegative="yes")
    zero = Y.copy()
    zero[:, 5] = 0.0
    with pytest.raises(ValueError, match="zero sample"):
        spectral_init(zero, 2, 64, rng)
