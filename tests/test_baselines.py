"""Tests for aecore.baselines: the neural sparse-coding update of Arora, Ge, Ma and Moitra."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import aecore as ae
from aecore.theory import sparse


def _setting(
    seed: int = 0, n: int = 20, m: int = 30, s: int = 3, delta: float = 0.3
):
    rng = np.random.default_rng(seed)
    A_star = ae.random_dictionary(n, m, rng)
    A = ae.perturb_dictionary(A_star, delta, rng)
    return A_star, A, ae.SparseCoding(A_star, s), rng


def test_neural_decode_is_the_hard_threshold():
    A_star, A, model, rng = _setting(0)
    Y = model.sample(50, rng).Y
    X = ae.neural_decode(A, Y, 0.5)
    U = A.T @ Y
    np.testing.assert_array_equal(X, np.where(np.abs(U) >= 0.5, U, 0.0))


def test_neural_direction_definition_and_code_path():
    A_star, A, model, rng = _setting(1)
    A = A * 1.1
    batch = ae.sample_code_batch(model, 300, rng)
    Y = batch.Y
    X = ae.neural_decode(A, Y)
    R = Y - A @ X
    loss, d = ae.neural_direction(A, Y)
    np.testing.assert_allclose(d, -(R @ np.sign(X).T) / 300, atol=1e-15)
    assert loss == pytest.approx(0.5 * np.sum(R**2) / 300)
    loss_codes, d_codes = ae.neural_direction(A, batch)
    np.testing.assert_allclose(d_codes, d, atol=1e-14)
    assert loss_codes == pytest.approx(loss, rel=1e-12)


def test_neural_direction_moments_match_per_sample_loop():
    A_star, A, model, rng = _setting(2)
    A = A * 0.9
    batch = ae.sample_code_batch(model, 200, rng)
    Y = batch.Y
    X = ae.neural_decode(A, Y)
    R = Y - A @ X
    m = A.shape[1]
    second, second_t = np.zeros(m), np.zeros(m)
    for k in range(200):
        for i in np.flatnonzero(X[:, k]):
            d = -R[:, k] * np.sign(X[i, k])
            a = A[:, i] / np.linalg.norm(A[:, i])
            second[i] += d @ d / 200
            second_t[i] += np.sum((d - a * (a @ d)) ** 2) / 200
    mom = ae.neural_direction_moments(A, batch)
    np.testing.assert_allclose(mom.second_moment, second, atol=1e-12)
    np.testing.assert_allclose(
        mom.second_moment_tangential, second_t, atol=1e-12
    )
    np.testing.assert_allclose(
        mom.mean, ae.neural_direction(A, Y)[1], atol=1e-14
    )


def test_expected_neural_direction_is_exact_over_supports():
    rng = np.random.default_rng(3)
    n, m, s = 6, 5, 3
    A_star = ae.random_dictionary(n, m, rng)
    A = ae.perturb_dictionary(A_star, 0.5, rng) * np.array(
        [1.0, 1.2, 0.9, 1.0, 1.1]
    )
    d = np.zeros((n, m))
    supports = list(itertools.combinations(range(m), s))
    for S in supports:
        P = np.eye(n) - A[:, list(S)] @ A[:, list(S)].T
        for i in S:
            d[:, i] -= P @ A_star[:, i]
    np.testing.assert_allclose(
        ae.expected_neural_direction(A, A_star, s),
        d / len(supports),
        atol=1e-14,
    )


def test_expected_neural_direction_remainder_and_monte_carlo():
    A_star, A, model, rng = _setting(
        4, n=256, m=512, s=2, delta=0.2
    )  # consistency > 99.9%
    lam = np.sum(A * A_star, axis=0)
    p, q2 = sparse.support_probabilities(512, 2)[:2]
    expected = ae.expected_neural_direction(A, A_star, 2)
    # leading term p(λA − A*) plus the pair term q2 Σ_{k≠i} A_k ⟨A_k, A*_i⟩
    pair = q2 * (A @ (A.T @ A_star) - A * lam)
    np.testing.assert_allclose(
        expected, p * (lam * A - A_star) + pair, atol=1e-15
    )
    N = 20_000
    mom = ae.neural_direction_moments(A, ae.sample_code_batch(model, N, rng))
    variance = np.mean(mom.second_moment - np.sum(mom.mean**2, axis=0)) / N
    ratio = np.mean(np.sum((mom.mean - expected) ** 2, axis=0)) / variance
    assert 0.8 < ratio < 1.25


def test_train_neural_dense_codes_and_model_agree():
    A_star, A0, model, rng = _setting(5, n=64, m=96, s=2, delta=0.2)
    batch = ae.sample_code_batch(model, 400, rng)
    dense = ae.train_neural(
        A0, batch.Y, step_size=10.0, n_steps=6, A_star=A_star
    )
    codes = ae.train_neural(A0, batch, step_size=10.0, n_steps=6)
    np.testing.assert_allclose(dense.W, codes.W, atol=1e-12)
    np.testing.assert_allclose(
        dense.indexed_errors, codes.indexed_errors, atol=1e-12
    )
    np.testing.assert_allclose(dense.loss, codes.loss, atol=1e-12)
    fresh = ae.train_neural(
        A0,
        ae.CodeStream(model),
        step_size=10.0,
        n_steps=6,
        batch_size=400,
        rng=np.random.default_rng(0),
    )
    assert fresh.indexed_errors.shape == (7, A0.shape[1]) and np.all(
        fresh.bias == 0
    )


def test_train_neural_contracts_at_the_angle_map_rate():
    A_star, A0, model, rng = _setting(6, n=128, m=256, s=2, delta=0.2)
    c = 0.25
    run = ae.train_neural(
        A0,
        ae.CodeStream(model),
        step_size=c * 256 / 2,
        n_steps=3,
        batch_size=10_000,
        rng=rng,
    )
    rms = np.sqrt(np.mean(run.indexed_errors**2, axis=1))
    lam = 1 - 0.2**2 / 2
    rate = (1 - c * lam) / (
        1 - c * lam + c / lam
    )  # leading term p(λA − A*): tanθ' = tanθ (1−cλ)/(1−cλ+c/λ)
    assert np.all(np.abs(rms[1:] / rms[:-1] - rate) < 0.03)


def test_train_neural_validation():
    A_star, A0, model, rng = _setting(7)
    with pytest.raises(ValueError, match="batch_size"):
        ae.train_neural(A0, ae.CodeStream(model), step_size=1.0, n_steps=1)
    with pytest.raises(ValueError, match="A_star"):
        ae.train_neural(
            A0,
            ae.CodeStream(model),
            step_size=1.0,
            n_steps=1,
            batch_size=5,
            rng=rng,
            A_star=A_star,
        )
    with pytest.raises(ValueError, match="batch_size and rng"):
        ae.train_neural(
            A0, model.sample(5, rng).Y, step_size=1.0, n_steps=1, batch_size=5
        )
    with pytest.raises(ValueError, match="threshold"):
        ae.neural_decode(A0, model.sample(5, rng).Y, -1.0)
    with pytest.raises(ValueError, match="shape"):
        ae.neural_direction(A0[:, :5], ae.sample_code_batch(model, 5, rng))
