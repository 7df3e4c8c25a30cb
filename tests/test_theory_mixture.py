"""Tests for aecore.theory.mixture: the mixture-of-Gaussians closed forms against Monte Carlo and exact iteration."""

from __future__ import annotations

import numpy as np
import pytest

import aecore as ae
from aecore.theory import mixture

N_DIM, M_UNITS = 16, 4


def _setting(seed: int, delta: float = 0.2, noise_std: float = 0.05):
    """Orthonormal centres (μ = 0), unequal weights and a δ-close unit-norm start."""
    rng = np.random.default_rng(seed)
    A = np.linalg.qr(rng.standard_normal((N_DIM, M_UNITS)))[0]
    p = np.array([0.1, 0.2, 0.3, 0.4])
    W = ae.perturb_dictionary(A, delta, rng)
    return A, p, W, ae.MixtureOfGaussians(A, p, noise_std)


def _antithetic_gradients(
    W, A, p, bias, noise_std, activation, rng, n_batches=8, half=20_000
):
    """Batch means of the empirical gradient minus the closed form at the batch's class frequencies.

    Noise enters in pairs (η, −η), which removes the odd-order Monte-Carlo fluctuation;
    conditioning on the class counts removes their fluctuation. Returns the mean
    residual, its standard error (Frobenius norm) and the fraction of exact firing.
    """
    n, m = A.shape
    residuals, exact = [], []
    for _ in range(n_batches):
        labels = rng.choice(m, size=half, p=p)
        Z = noise_std * rng.standard_normal((n, half))
        Y = np.hstack([A[:, labels] + Z, A[:, labels] - Z])
        grad, _ = ae.gradient(W, bias, Y, activation)
        freq = np.bincount(labels, minlength=m) / half
        residuals.append(
            grad - mixture.expected_gradient(W, A, bias, freq, noise_std)
        )
        fired = activation.active(W.T @ Y + bias)
        truth = np.zeros_like(fired)
        truth[np.tile(labels, 2), np.arange(2 * half)] = True
        exact.append(np.mean(np.all(fired == truth, axis=0)))
    residuals = np.array(residuals)
    se = float(np.sqrt(np.sum(residuals.var(axis=0, ddof=1)) / n_batches))
    return residuals.mean(axis=0), se, float(np.mean(exact))


# --------------------------------------------------------------------------- expected gradient


def test_expected_gradient_unit_columns_closed_form_and_noise_free():
    A, p, W, _ = _setting(0)
    b = np.array([-0.4, -0.5, -0.6, -0.5])
    a = np.sum(W * A, axis=0)
    expected = p * ((a + b) ** 2 * W - a * A)
    for sigma in (0.0, 0.3):
        np.testing.assert_allclose(
            mixture.expected_gradient(W, A, b, p, sigma), expected, atol=1e-14
        )


@pytest.mark.parametrize(
    "activation,bias",
    [(ae.ReLU(), -0.5), (ae.HardThreshold(0.5), 0.0)],
    ids=["relu", "ht"],
)
def test_expected_gradient_matches_monte_carlo_unit_norm(activation, bias):
    A, p, W, _ = _setting(1, delta=0.2, noise_std=0.08)
    mean, se, exact = _antithetic_gradients(
        W, A, p, bias, 0.08, activation, np.random.default_rng(2)
    )
    assert exact == 1.0
    assert np.linalg.norm(mean) < 4 * se
    # the noise terms cancel: keeping only one of them would be detected
    assert np.linalg.norm(p * 0.08**2 * W) > 4 * se


def test_expected_gradient_matches_monte_carlo_non_unit_columns():
    """For ‖W_i‖ ≠ 1 a radial term 2σ²(‖W_i‖² − 1) W_i survives; Monte Carlo sees it."""
    A, p, W, _ = _setting(3, delta=0.2, noise_std=0.05)
    W = W * np.array([0.9, 1.0, 1.1, 1.25])
    mean, se, exact = _antithetic_gradients(
        W, A, p, -0.45, 0.05, ae.ReLU(), np.random.default_rng(4)
    )
    assert exact == 1.0
    assert np.linalg.norm(mean) < 4 * se
    s = np.sum(W * W, axis=0)
    assert np.linalg.norm(p * 2 * 0.05**2 * (s - 1) * W) > 4 * se


def test_expected_gradient_validates_inputs():
    A, p, W, _ = _setting(5)
    with pytest.raises(ValueError, match="W"):
        mixture.expected_gradient(W[:, :3], A, 0.0, p)
    with pytest.raises(ValueError, match="weights"):
        mixture.expected_gradient(W, A, 0.0, -p)
    with pytest.raises(ValueError, match="noise_std"):
        mixture.expected_gradient(W, A, 0.0, p, -1.0)


# --------------------------------------------------------------------------- firing


def test_noise_margin_value_and_coverage():
    t = mixture.noise_margin(0.1, 5, 0.05)
    assert t == pytest.approx(0.1 * np.sqrt(2 * np.log(200)))
    rng = np.random.default_rng(6)
    W = np.linalg.qr(rng.standard_normal((10, 5)))[0]
    Z = 0.1 * rng.standard_normal((10, 100_000))
    assert np.mean(np.max(np.abs(W.T @ Z), axis=0) > t) <= 0.05
    with pytest.raises(ValueError, match="failure_prob"):
        mixture.noise_margin(0.1, 5, 1.5)


def test_bias_and_threshold_intervals():
    lo, hi = mixture.bias_range(mu=2.0, n=100, delta=0.2, margin=0.05)
    assert (lo, hi) == pytest.approx((-(1 - 0.02) + 0.05, -(0.2 + 0.2) - 0.05))
    tlo, thi = mixture.threshold_range(mu=2.0, n=100, delta=0.2, margin=0.05)
    assert (tlo, thi) == pytest.approx((-hi, -lo))
    lo, hi = mixture.bias_range(mu=2.0, n=100, delta=0.6, margin=0.05)
    assert lo >= hi  # empty: 1 − δ²/2 − δ − μ/√n <= 2t
    with pytest.raises(ValueError, match="delta"):
        mixture.bias_range(mu=2.0, n=100, delta=1.5, margin=0.05)


@pytest.mark.parametrize("use_threshold", [False, True], ids=["relu", "ht"])
def test_interval_guarantees_exact_firing(use_threshold):
    """Any δ-close W and any bias inside the interval fire exactly when the noise stays within the margin."""
    rng = np.random.default_rng(7)
    n, m, sigma, delta = 64, 8, 0.02, 0.25
    A = ae.random_dictionary(n, m, rng)
    mu = ae.incoherence(A)
    t = mixture.noise_margin(sigma, m, 1e-3)
    interval = (
        mixture.threshold_range if use_threshold else mixture.bias_range
    )(mu, n, delta, t)
    assert interval[0] < interval[1]
    model = ae.MixtureOfGaussians(A, None, sigma)
    sample = model.sample(5000, rng)
    for value in np.linspace(*interval, 5)[1:-1]:
        W = ae.perturb_dictionary(A, rng.uniform(0, delta, m), rng)
        activation, bias = (
            (ae.HardThreshold(value), 0.0)
            if use_threshold
            else (ae.ReLU(), value)
        )
        fired = activation.active(W.T @ sample.Y + bias)
        assert np.mean(np.all(fired == (sample.X > 0), axis=0)) >= 1 - 1e-3


@pytest.mark.parametrize(
    "activation,bias",
    [(ae.ReLU(), -0.7), (ae.ReLU(), -0.2), (ae.HardThreshold(0.3), 0.0)],
)
def test_exact_firing_probability_matches_monte_carlo(activation, bias):
    rng = np.random.default_rng(8)
    A, p, W, model = _setting(9, delta=0.3, noise_std=0.15)
    predicted = mixture.firing_probability(W, A, bias, p, 0.15, activation)
    sample = model.sample(40_000, rng)
    fired = activation.active(W.T @ sample.Y + bias)
    measured = np.mean(np.all(fired == (sample.X > 0), axis=0))
    assert 0.05 < predicted < 0.999
    assert abs(measured - predicted) < 0.015


# --------------------------------------------------------------------------- normalised gradient descent


def _normalised_step(W, A, p, zeta, b):
    V = W - zeta * mixture.expected_gradient(W, A, b, p)
    return V / np.linalg.norm(V, axis=0)


def _tan_angle(W, A):
    a = np.sum(W * A, axis=0)
    return np.sqrt(1 - a**2) / a


@pytest.mark.parametrize("bias", [0.0, -0.5])
def test_contraction_factor_is_exact_for_one_step(bias):
    A, p, W, _ = _setting(10, delta=0.4)
    zeta = 2.0
    rho = mixture.contraction_factor(
        np.sum(W * A, axis=0), bias, p, step_size=zeta
    )
    W1 = _normalised_step(W, A, p, zeta, bias)
    np.testing.assert_allclose(
        _tan_angle(W1, A), rho * _tan_angle(W, A), rtol=1e-12
    )


def test_contraction_factor_special_values_and_errors():
    assert mixture.contraction_factor(1.0, 0.0, 0.1, step_size=4.0)[
        0
    ] == pytest.approx(1 - 0.4)
    assert mixture.contraction_factor(1.0, 0.0, 0.1, step_size=10.0)[
        0
    ] == pytest.approx(0.0)
    rho = mixture.contraction_factor(
        [1.0, 0.9], -0.5, [0.1, 0.2], step_size=2.0
    )
    assert rho.shape == (2,)
    with pytest.raises(ValueError, match="step_size"):
        mixture.contraction_factor(
            1.0, 0.5, 0.5, step_size=100.0
        )  # 1 − κ(1 + b)² + κ < 0
    with pytest.raises(ValueError, match="cos_angle"):
        mixture.contraction_factor(1.5, 0.0, 0.1, step_size=1.0)
    with pytest.raises(ValueError, match="common length"):
        mixture.contraction_factor(
            1.0, [0.0, 0.0, 0.0], [0.1, 0.2], step_size=1.0
        )


def test_error_trajectory_matches_iterated_expected_gradient():
    A, p, W, _ = _setting(11, delta=0.5)
    zeta, b = 2.0, -0.4
    predicted = mixture.trajectory(0.5, b, p, step_size=zeta, n_steps=6)
    errors = [np.linalg.norm(W - A, axis=0)]
    for _ in range(6):
        W = _normalised_step(W, A, p, zeta, b)
        errors.append(np.linalg.norm(W - A, axis=0))
    np.testing.assert_allclose(
        predicted, np.array(errors), rtol=1e-10, atol=1e-14
    )
    with pytest.raises(ValueError, match="errors0"):
        mixture.trajectory(1.5, b, p, step_size=zeta, n_steps=3)


# --------------------------------------------------------------------------- floors


def test_fixed_sample_floor_is_the_top_eigenvector_error():
    """Full-batch GD converges to the top eigenvector of each class's second moment; its RMS error matches."""
    A, p, _, model = _setting(12, noise_std=0.05)
    rng = np.random.default_rng(13)
    N = 2000
    errors_sq = []
    for _ in range(10):
        sample = model.sample(N, rng)
        result = ae.train(
            A, -0.5, sample.Y, ae.ReLU(), step_size=2.4, n_steps=100
        )
        labels = sample.X.argmax(axis=0)
        for i in range(M_UNITS):
            Yi = sample.Y[:, labels == i]
            top = np.linalg.eigh(Yi @ Yi.T)[1][:, -1]
            top *= np.sign(top @ A[:, i])
            assert np.linalg.norm(result.W[:, i] - top) < 1e-8
        errors_sq.append(np.sum((result.W - A) ** 2, axis=0))
    measured = np.sqrt(np.mean(errors_sq, axis=0))
    predicted = mixture.fixed_sample_floor(p, 0.05, N_DIM, n_samples=N)
    np.testing.assert_allclose(
        measured, predicted, rtol=0.2
    )  # 40 draws of a χ²_15: ±11% per column (2 sd)
    assert np.sqrt(np.mean(measured**2)) == pytest.approx(
        np.sqrt(np.mean(predicted**2)), rel=0.08
    )


@pytest.mark.parametrize("bias", [0.0, -0.5])
def test_stationary_floor_matches_fresh_batch_training(bias):
    A, p, _, model = _setting(14, noise_std=0.05)
    activation = ae.HardThreshold(0.5) if bias == 0.0 else ae.ReLU()
    zeta, N = 1.5, 400
    result = ae.train(
        A,
        bias,
        model,
        activation,
        step_size=zeta,
        n_steps=400,
        batch_size=N,
        rng=np.random.default_rng(15),
        A_star=A,
    )
    measured = np.sqrt(np.mean(result.indexed_errors[20:] ** 2))
    predicted = np.sqrt(
        np.mean(
            mixture.fresh_batch_floor(
                bias, p, 0.05, N_DIM, step_size=zeta, batch_size=N
            )
            ** 2
        )
    )
    assert measured == pytest.approx(predicted, rel=0.06)


def test_stationary_floor_reduces_for_zero_bias():
    p, zeta, n, N, sigma = np.array([0.1, 0.3]), 2.0, 50, 1000, 0.1
    kappa = zeta * p
    expected = (
        sigma
        * np.sqrt((1 + sigma**2) * (n - 1) / (N * p))
        * np.sqrt(kappa / (2 - kappa))
    )
    np.testing.assert_allclose(
        mixture.fresh_batch_floor(
            0.0, p, sigma, n, step_size=zeta, batch_size=N
        ),
        expected,
        rtol=1e-12,
    )
    with pytest.raises(ValueError, match="batch_size"):
        mixture.fresh_batch_floor(
            0.0, p, sigma, n, step_size=zeta, batch_size=0
        )


# --------------------------------------------------------------------------- plain gradient descent


def test_unnormalised_scale_closed_form_and_zero_gradient():
    assert mixture.unnormalised_scale(-0.5) == pytest.approx(
        (0.5 + np.sqrt(4.25)) / 2
    )
    assert mixture.unnormalised_scale(-0.5) == pytest.approx(1.2808, abs=1e-4)
    assert mixture.unnormalised_scale(0.0, 0.3) == pytest.approx(1.0)
    A, p, _, _ = _setting(16)
    c = mixture.unnormalised_scale(-0.6, 0.2)
    np.testing.assert_allclose(
        mixture.expected_gradient(c * A, A, -0.6, p, 0.2), 0.0, atol=1e-12
    )
    with pytest.raises(ValueError, match="bias"):
        mixture.unnormalised_scale(3.0)


def test_unnormalised_step_limit_separates_convergence_from_oscillation():
    b = -0.5
    limit = mixture.step_limit(b)
    assert limit == pytest.approx(2 / (b**2 + 4))
    c_star = mixture.unnormalised_scale(b)
    h = np.poly1d([2.0, 3 * b, b**2 - 2, -b])
    for kappa, converges in [(0.97 * limit, True), (1.03 * limit, False)]:
        c = 1.0
        for _ in range(3000):
            c -= kappa * h(c)
        assert (abs(c - c_star) < 1e-6) == converges


# --------------------------------------------------------------------------- correlation inequality


def test_correlation_inequality_holds_on_the_ball_and_alpha_identity():
    rng = np.random.default_rng(17)
    A, p, _, _ = _setting(18)
    delta = 0.5
    alpha, beta = mixture.correlation_constants(p, delta)
    for b in (0.0, -0.6):
        for radius in np.linspace(0.01, delta, 25):
            W = ae.perturb_dictionary(A, radius, rng)
            g = mixture.expected_gradient(W, A, b, p)
            d = W - A
            a = np.sum(W * A, axis=0)
            # the raw gradient: ⟨g, d⟩ = p((a + b)² + a)/2 ‖d‖² exactly
            np.testing.assert_allclose(
                np.sum(g * d, axis=0),
                p * ((a + b) ** 2 + a) / 2 * radius**2,
                rtol=1e-10,
            )
            # the tangential part satisfies the inequality with the constants
            g_t = g - W * np.sum(W * g, axis=0)
            lhs = np.sum(g_t * d, axis=0)
            rhs = alpha * np.sum(d * d, axis=0) + beta * np.sum(
                g_t * g_t, axis=0
            )
            assert np.all(lhs >= rhs - 1e-15)
    with pytest.raises(ValueError, match="split"):
        mixture.correlation_constants(p, 0.3, split=2.0)


def test_contraction_factor_refuses_a_unit_that_does_not_fire():
    """With cos θ + b <= 0 the unit is silent on its own class: no rate is predicted, an error is raised."""
    with pytest.raises(ValueError, match="cos_angle \\+ bias must be positive"):
        mixture.contraction_factor(0.4, -0.5, np.full(4, 0.25), step_size=1.0)
    with pytest.raises(ValueError, match="does not fire"):
        mixture.trajectory(
            1.2, -0.5, np.full(4, 0.25), step_size=1.0, n_steps=3
        )


# --------------------------------------------------------------------------- every term seen (issue 8, item 7)


def test_fixed_sample_floor_noise_coefficient_by_top_eigenvector():
    """The factor σ²(1 + σ²) of the fixed-sample floor, at σ = 0.5 where its σ⁴ part is a fifth of it.

    Descent on one fixed sample of one class stops at the top eigenvector of ``(1/N) Σ y yᵀ``
    (:func:`aecore.theory.mixture.fixed_sample_floor`); its mean squared distance to ``A*_i`` over
    400 independent samples is compared with the floor². A factor ``(1 + 2σ²)`` or ``1`` would be
    off by ±20 %; the tolerance is 8 % (Monte-Carlo standard error about 2.5 %).
    """
    rng = np.random.default_rng(31)
    n, N, sigma, trials = 10, 400, 0.5, 400
    a = np.zeros(n)
    a[0] = 1.0
    Y = a[None, :, None] + sigma * rng.standard_normal((trials, n, N))
    v = np.linalg.eigh(Y @ Y.transpose(0, 2, 1) / N)[1][:, :, -1]
    v *= np.sign(v[:, :1])
    measured = np.mean(np.sum((v - a) ** 2, axis=1))
    predicted = mixture.fixed_sample_floor(1.0, sigma, n, n_samples=N)[0] ** 2
    assert measured == pytest.approx(predicted, rel=0.08)


def test_correlation_constants_are_attained():
    """The constants are tight, not only valid: a larger α or β breaks the inequality.

    With ``split = 1`` and every column at distance exactly ``δ`` (``a_i = 1 − δ²/2``), the
    tangential correlation equals ``α‖d‖²``; with ``split = 0`` it equals ``β‖g^⊤‖²/a_i``, which
    tends to ``β‖g^⊤‖²`` as the distance shrinks. Loosening either constant by 1 % fails here.
    """
    rng = np.random.default_rng(19)
    A, p, _, _ = _setting(19)
    delta = 0.5

    def tangential_terms(radius):
        W = ae.perturb_dictionary(A, radius, rng)
        g = mixture.expected_gradient(W, A, -0.3, p)
        g_t = g - W * np.sum(W * g, axis=0)
        d = W - A
        return (
            np.sum(g_t * d, axis=0),
            np.sum(d * d, axis=0),
            np.sum(g_t * g_t, axis=0),
        )

    alpha, beta = mixture.correlation_constants(p, delta, split=1.0)
    lhs, dd, gg = tangential_terms(delta)
    np.testing.assert_allclose(lhs, alpha * dd, rtol=1e-10)
    assert np.all(lhs < 1.01 * alpha * dd)
    np.testing.assert_array_equal(beta, 0.0)
    alpha, beta = mixture.correlation_constants(p, delta, split=0.0)
    lhs, dd, gg = tangential_terms(1e-3)
    np.testing.assert_allclose(lhs, beta * gg, rtol=1e-5)
    assert np.all(lhs < 1.01 * beta * gg)
    np.testing.assert_array_equal(alpha, 0.0)
