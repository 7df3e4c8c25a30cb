"""Tests of aecore.refit: least-squares codes, MOD steps, normalisation, the refit loop."""

import numpy as np
import pytest

from aecore import (
    HardThreshold,
    ReLU,
    SparseCoding,
    column_errors,
    perturb_dictionary,
    random_dictionary,
)
from aecore.refit import (
    encoder_supports,
    least_squares_codes,
    mod_step,
    normalize_columns,
    refit,
    reseed_unused,
)


@pytest.fixture
def noisy_problem():
    rng = np.random.default_rng(11)
    A = random_dictionary(24, 40, rng)
    sample = SparseCoding(A, 3, low=1.0, high=2.0, noise_std=0.05).sample(
        600, rng
    )
    return A, sample


def test_least_squares_codes_match_lstsq_per_sample(noisy_problem):
    # s >= 2 and noise: every code equals numpy's least-squares solution on its support
    A, sample = noisy_problem
    W = perturb_dictionary(A, 0.2, np.random.default_rng(12))
    supports = sample.X != 0
    supports[:, :50] |= (
        np.random.default_rng(13).random((40, 50)) < 0.05
    )  # a few extra units, mixed sizes
    X = least_squares_codes(W, sample.Y, supports)
    for k in range(0, 600, 7):
        S = np.flatnonzero(supports[:, k])
        exact = np.linalg.lstsq(W[:, S], sample.Y[:, k], rcond=None)[0]
        assert np.allclose(X[S, k], exact, atol=1e-10)
        assert np.all(X[~supports[:, k], k] == 0)


def test_mod_step_is_the_least_squares_dictionary(noisy_problem):
    A, sample = noisy_problem
    X = least_squares_codes(A, sample.Y, sample.X != 0)
    exact = np.linalg.lstsq(X.T, sample.Y.T, rcond=None)[0].T
    assert np.allclose(
        mod_step(sample.Y, X, A),
        exact / np.linalg.norm(exact, axis=0),
        atol=1e-10,
    )


def test_mod_step_keeps_unused_atoms(noisy_problem):
    A, sample = noisy_problem
    X = sample.X.copy()
    X[5] = 0.0
    W = perturb_dictionary(A, 0.3, np.random.default_rng(14))
    out = mod_step(sample.Y, X, W)
    assert np.array_equal(out[:, 5], W[:, 5])
    assert np.allclose(np.linalg.norm(out, axis=0), 1.0)


def test_true_supports_without_noise_give_the_dictionary_exactly():
    rng = np.random.default_rng(15)
    A = random_dictionary(30, 50, rng)
    sample = SparseCoding(A, 3, low=1.0, high=2.0).sample(800, rng)
    W = perturb_dictionary(A, 0.2, rng)
    out = mod_step(sample.Y, least_squares_codes(W, sample.Y, sample.X != 0), W)
    out = mod_step(
        sample.Y, least_squares_codes(out, sample.Y, sample.X != 0), out
    )
    # not exact after one step from W (codes use W), but the fixed point is A*: two steps shrink the error a lot
    assert column_errors(out, A).max() < 0.2 * column_errors(W, A).max()
    exact = mod_step(
        sample.Y, least_squares_codes(A, sample.Y, sample.X != 0), A
    )
    assert np.allclose(exact, A, atol=1e-10)


def test_refit_reaches_the_noise_prediction():
    rng = np.random.default_rng(16)
    n, m, s, N, sigma = 100, 150, 2, 3000, 0.02
    A = random_dictionary(n, m, rng)
    Y = SparseCoding(A, s, low=1.0, high=2.0, noise_std=sigma).sample(N, rng).Y
    W = refit(
        perturb_dictionary(A, 0.15, rng),
        Y,
        HardThreshold(0.45),
        n_refits=3,
        min_code=0.5,
    )
    prediction = sigma * np.sqrt((n - 1) * m / (N * s * 7 / 3))
    ratio = np.sqrt(np.mean(column_errors(W, A) ** 2)) / prediction
    assert (
        0.85 < ratio < 1.2
    )  # a dropped (XXᵀ)⁻¹ or a missing normalisation is far off


def test_pruning_removes_wrong_units():
    rng = np.random.default_rng(17)
    A = random_dictionary(60, 90, rng)
    sample = SparseCoding(A, 2, noise_std=0.05).sample(
        1000, rng
    )  # Rademacher codes: a true unit sees 1 ± 0.13
    loose = HardThreshold(
        0.3
    )  # no true unit is missed, but several wrong units fire per sample
    fired = encoder_supports(A, sample.Y, loose)
    assert np.all(fired[sample.X != 0]) and np.mean(np.sum(fired, axis=0)) > 6
    pruned = column_errors(
        refit(A, sample.Y, loose, n_refits=1, min_code=0.5), A
    )
    plain = column_errors(refit(A, sample.Y, loose, n_refits=1), A)
    oracle = column_errors(
        mod_step(sample.Y, least_squares_codes(A, sample.Y, sample.X != 0), A),
        A,
    )
    # pruning gives the true-support refit back exactly; without it the wrong units change the fit
    assert (
        np.allclose(pruned, oracle, rtol=0, atol=1e-12)
        and np.abs(plain - oracle).max() > 1e-4
    )


def test_encoder_supports_match_activation():
    rng = np.random.default_rng(18)
    A = random_dictionary(20, 30, rng)
    Y = rng.standard_normal((20, 10))
    assert np.array_equal(
        encoder_supports(A, Y, ReLU(), -0.2), A.T @ Y - 0.2 > 0
    )
    assert np.array_equal(
        encoder_supports(A, Y, HardThreshold(0.5)), np.abs(A.T @ Y) >= 0.5
    )


def test_normalize_columns():
    W = np.array([[3.0, 0.0], [4.0, 2.0]])
    assert np.allclose(normalize_columns(W), [[0.6, 0.0], [0.8, 1.0]])
    with pytest.raises(ValueError, match="W has a zero column"):
        normalize_columns(np.array([[1.0, 0.0], [0.0, 0.0]]))


def test_validation():
    rng = np.random.default_rng(19)
    A = random_dictionary(6, 8, rng)
    Y = rng.standard_normal((6, 5))
    supports = np.zeros((8, 5), dtype=bool)
    with pytest.raises(TypeError, match="supports must be a boolean"):
        least_squares_codes(A, Y, supports.astype(int))
    with pytest.raises(ValueError, match="supports must have shape"):
        least_squares_codes(A, Y, np.zeros((8, 4), dtype=bool))
    with pytest.raises(ValueError, match="more than n = 6"):
        least_squares_codes(A, Y, np.ones((8, 5), dtype=bool))
    twin = A.copy()
    twin[:, 1] = twin[:, 0]
    bad = supports.copy()
    bad[[0, 1], 2] = True
    with pytest.raises(ValueError, match="linearly dependent"):
        least_squares_codes(twin, Y, bad)
    with pytest.raises(ValueError, match="Y must have shape"):
        least_squares_codes(A, rng.standard_normal((5, 5)), supports)
    Y_nan = Y.copy()
    Y_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="Y contains NaN"):
        least_squares_codes(A, Y_nan, supports)
    with pytest.raises(ValueError, match="W must have unit-norm columns"):
        encoder_supports(2 * A, Y, HardThreshold(0.5))
    with pytest.raises(ValueError, match="W must have unit-norm columns"):
        refit(2 * A, Y, HardThreshold(0.5))
    with pytest.raises(ValueError, match="activation must be"):
        encoder_supports(A, Y, "relu")
    with pytest.raises(ValueError, match="X must have shape"):
        mod_step(Y, np.ones((7, 5)), A)
    X = np.zeros((8, 5))
    X[0] = X[1] = 1.0  # two atoms always used together in fixed proportion
    with pytest.raises(ValueError, match="singular"):
        mod_step(Y, X, A)
    with pytest.raises(ValueError, match="n_refits must be at least 1"):
        refit(A, Y, HardThreshold(0.5), n_refits=0)
    with pytest.raises(ValueError, match="min_code must lie in"):
        refit(A, Y, HardThreshold(0.5), min_code=-1.0)


def test_reseed_unused_finds_a_removed_atom():
    rng = np.random.default_rng(20)
    n, m, s, N = 64, 96, 2, 3000
    A = random_dictionary(n, m, rng)
    Y = SparseCoding(A, s, low=1.0, high=2.0, noise_std=0.01).sample(N, rng).Y
    W = A.copy()
    fill = rng.standard_normal((n, 2))
    W[:, [3, 40]] = fill / np.linalg.norm(fill, axis=0)
    encoder = HardThreshold(0.6)
    seeded, replaced = reseed_unused(
        W, Y, encoder, min_code=0.5, min_usage=N * s // m // 4
    )
    assert sorted(replaced.tolist()) == [3, 40]
    assert np.array_equal(
        seeded[:, [0, 1, 2]], W[:, [0, 1, 2]]
    )  # used columns untouched
    best = np.max(np.abs(A[:, [3, 40]].T @ seeded[:, replaced]), axis=1)
    assert np.all(best > 0.7)  # each removed atom has a seed close to it
    with_seeds = column_errors(
        refit(seeded, Y, encoder, n_refits=3, min_code=0.5), A
    )
    without = column_errors(refit(W, Y, encoder, n_refits=3, min_code=0.5), A)
    assert np.sum(with_seeds < 0.05) == m > np.sum(without < 0.05)


def test_reseed_unused_validation():
    rng = np.random.default_rng(21)
    A = random_dictionary(6, 8, rng)
    Y = rng.standard_normal((6, 5))
    with pytest.raises(ValueError, match="min_usage must be at least 1"):
        reseed_unused(A, Y, HardThreshold(0.5), min_usage=0)
    with pytest.raises(ValueError, match="cos_level must lie in"):
        reseed_unused(A, Y, HardThreshold(0.5), cos_level=1.0)
    with pytest.raises(ValueError, match="W must have unit-norm columns"):
        reseed_unused(3 * A, Y, HardThreshold(0.5))
