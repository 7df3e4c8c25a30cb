"""Tests for aecore.models: the three samplers and their statistics.

Statistical checks use a 5-sigma tolerance computed from the sample size, with
fixed seeds, so they are deterministic and still fail on a wrong distribution.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import aecore as ae

Z = 5.0  # tolerance in standard deviations


def _dictionary(n: int, m: int, seed: int) -> np.ndarray:
    return ae.random_dictionary(n, m, np.random.default_rng(seed))


def _assert_close_in_sigmas(observed, expected, std):
    observed, expected, std = np.broadcast_arrays(
        *map(np.asarray, (observed, expected, std))
    )
    assert np.all(np.abs(observed - expected) <= Z * std), (
        observed,
        expected,
        std,
    )


def _models():
    A = _dictionary(12, 8, 0)
    return {
        "mixture": ae.MixtureOfGaussians(A, noise_std=0.1),
        "sparse": ae.SparseCoding(A, s=3, low=0.5, high=1.5, noise_std=0.1),
        "nonnegative": ae.NonnegativeSparseCoding(
            A, s=3, low=0.5, high=1.5, noise_std=0.1
        ),
    }


MODEL_NAMES = ["mixture", "sparse", "nonnegative"]


# --------------------------------------------------------------------------- shapes and determinism


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_sample_shapes_and_type(name):
    model = _models()[name]
    sample = model.sample(25, np.random.default_rng(1))
    assert isinstance(sample, ae.Sample)
    Y, X = sample
    assert Y.shape == (12, 25) and X.shape == (8, 25)
    assert sample.Y is Y and sample.X is X


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_same_seed_same_sample_different_seed_different_sample(name):
    model = _models()[name]
    a = model.sample(50, np.random.default_rng(7))
    b = model.sample(50, np.random.default_rng(7))
    c = model.sample(50, np.random.default_rng(8))
    np.testing.assert_array_equal(a.Y, b.Y)
    np.testing.assert_array_equal(a.X, b.X)
    assert not np.array_equal(a.X, c.X)
    assert not np.array_equal(a.Y, c.Y)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_successive_draws_from_one_generator_differ(name):
    model = _models()[name]
    rng = np.random.default_rng(9)
    assert not np.array_equal(model.sample(50, rng).Y, model.sample(50, rng).Y)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_noise_free_observations_are_exactly_linear(name):
    model = dataclasses.replace(_models()[name], noise_std=0.0)
    Y, X = model.sample(200, np.random.default_rng(3))
    np.testing.assert_array_equal(Y, model.A_star @ X)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_noise_has_variance_sigma_squared(name):
    sigma = 0.3
    model = dataclasses.replace(_models()[name], noise_std=sigma)
    Y, X = model.sample(20000, np.random.default_rng(4))
    E = (Y - model.A_star @ X).ravel()
    K = E.size
    _assert_close_in_sigmas(E.mean(), 0.0, sigma / np.sqrt(K))
    _assert_close_in_sigmas(
        np.mean(E**2), sigma**2, sigma**2 * np.sqrt(2.0 / K)
    )
    # independent across coordinates: the empirical covariance is ≈ σ² I
    C = np.cov(Y - model.A_star @ X)
    assert np.max(
        np.abs(C - sigma**2 * np.eye(C.shape[0]))
    ) < Z * sigma**2 * np.sqrt(2.0 / 20000)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_models_are_frozen_and_store_float_arrays(name):
    model = _models()[name]
    assert model.A_star.dtype == float
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.noise_std = 1.0  # type: ignore[misc]


def test_model_accepts_array_like_dictionary():
    A = _dictionary(5, 3, 2)
    model = ae.SparseCoding(A.tolist(), s=2)
    np.testing.assert_array_equal(model.A_star, A)
    assert model.sample(4, np.random.default_rng(0)).Y.shape == (5, 4)


# --------------------------------------------------------------------------- mixture of Gaussians


def test_mixture_labels_follow_non_uniform_weights():
    weights = np.array([0.05, 0.1, 0.15, 0.2, 0.5])
    model = ae.MixtureOfGaussians(_dictionary(6, 5, 5), weights=weights)
    N = 40000
    _, X = model.sample(N, np.random.default_rng(6))
    # one-hot columns
    assert set(np.unique(X)) == {0.0, 1.0}
    np.testing.assert_array_equal(X.sum(axis=0), 1.0)
    counts = X.sum(axis=1)
    _assert_close_in_sigmas(
        counts, N * weights, np.sqrt(N * weights * (1 - weights))
    )
    np.testing.assert_array_equal(model.inclusion_probabilities, weights)
    assert model.s == 1


def test_mixture_zero_weight_centre_never_drawn():
    weights = np.array([0.0, 0.3, 0.7])
    model = ae.MixtureOfGaussians(_dictionary(4, 3, 5), weights=weights)
    _, X = model.sample(5000, np.random.default_rng(6))
    assert X[0].sum() == 0
    assert X[1].sum() > 0 and X[2].sum() > 0


def test_mixture_default_weights_are_uniform():
    model = ae.MixtureOfGaussians(_dictionary(6, 4, 5))
    np.testing.assert_allclose(model.weights, 0.25)
    N = 20000
    counts = model.sample(N, np.random.default_rng(7)).X.sum(axis=1)
    _assert_close_in_sigmas(counts, N / 4, np.sqrt(N * 0.25 * 0.75))


def test_mixture_observation_is_its_centre_plus_noise():
    model = ae.MixtureOfGaussians(_dictionary(6, 4, 5), noise_std=0.01)
    Y, X = model.sample(100, np.random.default_rng(8))
    labels = X.argmax(axis=0)
    assert np.max(
        np.linalg.norm(Y - model.A_star[:, labels], axis=0)
    ) < 0.01 * (np.sqrt(6) + 5)


# --------------------------------------------------------------------------- sparse coding


SPARSE_CLASSES = [ae.SparseCoding, ae.NonnegativeSparseCoding]


@pytest.mark.parametrize("cls", SPARSE_CLASSES, ids=["sparse", "nonnegative"])
@pytest.mark.parametrize("s", [1, 3, 12])
def test_exactly_s_nonzeros_per_column(cls, s):
    model = cls(_dictionary(16, 12, 1), s=s, low=0.5, high=1.5)
    X = model.sample(3000, np.random.default_rng(s)).X
    np.testing.assert_array_equal(np.count_nonzero(X, axis=0), s)


@pytest.mark.parametrize("cls", SPARSE_CLASSES, ids=["sparse", "nonnegative"])
def test_support_is_a_uniform_random_subset(cls):
    m, s, N = 12, 3, 30000
    model = cls(_dictionary(16, m, 1), s=s, low=0.5, high=1.5)
    X = model.sample(N, np.random.default_rng(11)).X
    S = (X != 0).astype(float)
    # inclusion frequency of each atom ≈ s/m
    p = s / m
    np.testing.assert_allclose(model.inclusion_probabilities, p)
    _assert_close_in_sigmas(S.sum(axis=1), N * p, np.sqrt(N * p * (1 - p)))
    # pairwise co-occurrence ≈ s(s−1)/(m(m−1)) (a uniform s-subset, not independent coins)
    q = s * (s - 1) / (m * (m - 1))
    pairs = (S @ S.T)[np.triu_indices(m, 1)]
    _assert_close_in_sigmas(pairs, N * q, np.sqrt(N * q * (1 - q)))


def test_sparse_coding_signs_are_balanced_and_magnitudes_uniform():
    low, high = 0.5, 1.5
    model = ae.SparseCoding(_dictionary(16, 12, 1), s=3, low=low, high=high)
    X = model.sample(20000, np.random.default_rng(12)).X
    x = X[X != 0]
    K = x.size
    _assert_close_in_sigmas(np.mean(x > 0), 0.5, 0.5 / np.sqrt(K))
    assert np.all((np.abs(x) >= low) & (np.abs(x) <= high))
    # κ₁ = 0, κ₂ = (a₁² + a₁a₂ + a₂²)/3
    assert model.kappa1 == 0.0
    assert model.kappa2 == pytest.approx((low**2 + low * high + high**2) / 3)
    _assert_close_in_sigmas(x.mean(), model.kappa1, x.std() / np.sqrt(K))
    _assert_close_in_sigmas(
        np.mean(x**2), model.kappa2, np.std(x**2) / np.sqrt(K)
    )
    # |x| uniform on [low, high]: mean (low+high)/2, and the four quarter-bins equally filled
    _assert_close_in_sigmas(
        np.abs(x).mean(), (low + high) / 2, (high - low) / np.sqrt(12 * K)
    )
    counts = np.histogram(np.abs(x), bins=4, range=(low, high))[0]
    _assert_close_in_sigmas(counts, K / 4, np.sqrt(K * 0.25 * 0.75))


def test_nonnegative_codes_are_nonnegative_with_right_moments():
    low, high = 0.5, 1.5
    model = ae.NonnegativeSparseCoding(
        _dictionary(16, 12, 1), s=3, low=low, high=high
    )
    X = model.sample(20000, np.random.default_rng(13)).X
    assert np.all(X >= 0)
    x = X[X != 0]
    K = x.size
    assert np.all((x >= low) & (x <= high))
    assert model.kappa1 == pytest.approx((low + high) / 2)
    assert model.kappa2 == pytest.approx((low**2 + low * high + high**2) / 3)
    _assert_close_in_sigmas(
        x.mean(), model.kappa1, (high - low) / np.sqrt(12 * K)
    )
    _assert_close_in_sigmas(
        np.mean(x**2), model.kappa2, np.std(x**2) / np.sqrt(K)
    )


def test_kappas_hand_values():
    A = _dictionary(4, 3, 0)
    assert ae.SparseCoding(A, s=1, low=1.0, high=2.0).kappa2 == pytest.approx(
        7 / 3
    )
    assert ae.NonnegativeSparseCoding(
        A, s=1, low=1.0, high=2.0
    ).kappa1 == pytest.approx(1.5)
    assert ae.SparseCoding(A, s=1).kappa2 == pytest.approx(1.0)


def test_rademacher_codes_are_plus_minus_one():
    model = ae.SparseCoding(_dictionary(8, 6, 2), s=2)  # low = high = 1
    X = model.sample(5000, np.random.default_rng(14)).X
    x = X[X != 0]
    assert set(np.unique(x)) == {-1.0, 1.0}
    _assert_close_in_sigmas(np.mean(x > 0), 0.5, 0.5 / np.sqrt(x.size))


def test_nonnegative_with_equal_bounds_gives_constant_codes():
    model = ae.NonnegativeSparseCoding(
        _dictionary(8, 6, 2), s=2, low=0.7, high=0.7
    )
    X = model.sample(500, np.random.default_rng(15)).X
    assert set(np.unique(X)) == {0.0, 0.7}
