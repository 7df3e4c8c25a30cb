"""Tests for aecore.theory.nonnegative: exact enumeration, reductions to the mixture, Monte Carlo, the bias rule."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import aecore as ae
from aecore.theory import nonnegative

LOW, HIGH = 1.0, 2.0
NODES = (
    np.array([-1.0, 1.0]) / np.sqrt(3.0) + 1.0
) / 2.0  # 2-point Gauss–Legendre on [0, 1]


def _orthonormal(n: int, m: int, seed: int) -> np.ndarray:
    return np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))[0][
        :, :m
    ]


def _exact_expectation(W, A, b, s, low, high, fn):
    """``E[fn(W, A, b, y, S)]`` over uniform ``s``-subsets and uniform codes, noise-free.

    ``fn`` is a polynomial of degree <= 3 in each code entry, so a 2-point Gauss–Legendre
    rule per entry is exact.
    """
    m = A.shape[1]
    x_nodes = low + (high - low) * NODES
    total, count = 0.0, 0
    for S in itertools.combinations(range(m), s):
        for xs in itertools.product(x_nodes, repeat=s):
            x = np.zeros(m)
            x[list(S)] = xs
            total = total + fn(W, A, b, A @ x, np.array(S))
            count += 1
    return total / count


def _exact_firing_gradient(W, A, b, y, S):
    """Per-sample gradient of ``½‖y − W ReLU(Wᵀy + b)‖²`` (asserting that exactly ``S`` fires)."""
    u = W.T @ y + b
    fired = np.flatnonzero(u > 0)
    assert set(fired) == set(S), (
        "the test setting must fire exactly on the support"
    )
    grad, _ = ae.gradient(W, b, y[:, None], ae.ReLU())
    return grad


# --------------------------------------------------------------------------- moments and ranges


def test_code_moments_uniform_and_validation():
    assert nonnegative.code_moments(1.0, 2.0) == pytest.approx((1.5, 7.0 / 3.0))
    assert nonnegative.code_moments(1.0, 1.0) == pytest.approx((1.0, 1.0))
    with pytest.raises(ValueError, match="low"):
        nonnegative.code_moments(0.0, 1.0)
    with pytest.raises(ValueError, match="high"):
        nonnegative.code_moments(2.0, 1.0)


@pytest.mark.parametrize("s", [1, 2, 3])
def test_cross_talk_moments_match_enumeration_over_supports(s):
    rng = np.random.default_rng(0)
    m = 7
    C = rng.standard_normal((m, m)) * 0.3 + 0.05
    np.fill_diagonal(C, 0.9)
    k1, k2 = nonnegative.code_moments(LOW, HIGH)
    sigma = 0.1
    mom = nonnegative.cross_talk_moments(C, s, LOW, HIGH, sigma)
    for i in range(m):
        others = [j for j in range(m) if j != i]
        for k, mean, std in (
            (s, mom.off_mean[i], mom.off_std[i]),
            (s - 1, mom.on_mean[i], mom.on_std[i]),
        ):
            subsets = list(itertools.combinations(others, k))
            first = (
                np.mean([k1 * C[i, list(T)].sum() for T in subsets])
                if k
                else 0.0
            )
            second = (
                np.mean(
                    [
                        k2 * np.sum(C[i, list(T)] ** 2)
                        + k1**2
                        * (
                            C[i, list(T)].sum() ** 2
                            - np.sum(C[i, list(T)] ** 2)
                        )
                        for T in subsets
                    ]
                )
                if k
                else 0.0
            )
            assert mean == pytest.approx(first, abs=1e-12)
            assert std**2 == pytest.approx(
                second - first**2 + sigma**2, abs=1e-12
            )


def test_cross_talk_moments_validation():
    with pytest.raises(ValueError, match="square"):
        nonnegative.cross_talk_moments(np.ones((3, 4)), 1, LOW, HIGH)
    with pytest.raises(ValueError, match="s must be at most"):
        nonnegative.cross_talk_moments(np.eye(3), 4, LOW, HIGH)
    with pytest.raises(ValueError, match="extra_second_moment"):
        nonnegative.cross_talk_moments(
            np.eye(3), 1, LOW, HIGH, extra_second_moment=-1.0
        )


def test_worst_case_range_reduces_to_mixture_interval():
    mu, n, delta, t = 3.0, 100, 0.2, 0.05
    lower, upper = nonnegative.bias_range(mu, n, delta, t, 1, 1.0, 1.0)
    assert lower == pytest.approx(-(1 - delta**2 / 2) + t)
    assert upper == pytest.approx(-(mu / np.sqrt(n) + delta) - t)


def test_worst_case_range_is_sufficient():
    """Inside the range, every sample fires exactly on its support (orthonormal A*, δ-close W)."""
    rng = np.random.default_rng(1)
    n, m, s, delta = 40, 10, 2, 0.1
    A = _orthonormal(n, m, 1)
    W = ae.perturb_dictionary(A, delta, rng)
    lower, upper = nonnegative.bias_range(
        ae.incoherence(A), n, delta, 0.0, s, LOW, 1.5
    )
    assert lower < upper
    sample = ae.NonnegativeSparseCoding(A, s, LOW, 1.5).sample(3000, rng)
    for b in np.linspace(lower + 1e-6, upper, 5):
        fired = ae.encode(W, b, sample.Y, ae.ReLU())
        assert ae.support_recovery_rate(fired, sample.X, signed=False) == 1.0
    with pytest.raises(ValueError, match="delta"):
        nonnegative.bias_range(1.0, 10, 2.0, 0.0, 1, LOW, HIGH)


def test_typical_range_orders_with_k():
    rng = np.random.default_rng(2)
    A = ae.random_dictionary(64, 96, rng)
    W = ae.perturb_dictionary(A, 0.1, rng)
    lo1, up1 = nonnegative.typical_bias_range(
        W.T @ A, 2, LOW, HIGH, 0.05, k_off=2.0, k_on=2.0
    )
    lo2, up2 = nonnegative.typical_bias_range(
        W.T @ A, 2, LOW, HIGH, 0.05, k_off=3.0, k_on=3.0
    )
    assert np.all(up2 < up1) and np.all(lo2 > lo1)
    with pytest.raises(ValueError, match="k_off"):
        nonnegative.typical_bias_range(W.T @ A, 2, LOW, HIGH, k_off=-1.0)


def test_error_rates_sharp_case_and_support_rate():
    """No noise, no cross-talk: misses are the fraction of x below −b/λ, no false firing."""
    A = _orthonormal(20, 6, 3)
    C = A.T @ A
    false_fire, miss = nonnegative.unit_error_rates(C, -1.25, 2, LOW, HIGH)
    np.testing.assert_allclose(false_fire, 0.0)
    np.testing.assert_allclose(miss, 0.25)
    assert nonnegative.firing_probability(
        C, -0.5, 2, LOW, HIGH
    ) == pytest.approx(1.0)
    assert nonnegative.firing_probability(
        C, 0.1, 2, LOW, HIGH
    ) == pytest.approx(0.0)


def test_error_rates_match_monte_carlo():
    rng = np.random.default_rng(4)
    n, m, s, sigma = 64, 128, 4, 0.05
    A = ae.random_dictionary(n, m, rng)
    W = ae.perturb_dictionary(A, 0.1, rng)
    b = -0.6
    sample = ae.NonnegativeSparseCoding(A, s, LOW, HIGH, sigma).sample(
        40_000, rng
    )
    fired = W.T @ sample.Y + b > 0
    on = sample.X > 0
    false_fire, miss = nonnegative.unit_error_rates(
        W.T @ A, b, s, LOW, HIGH, sigma
    )
    measured_false = fired[~on].mean()
    measured_miss = (~fired[on]).mean()
    # averages over units; the Gaussian model of the tail is approximate: 25% relative
    assert measured_false == pytest.approx(false_fire.mean(), rel=0.25)
    assert measured_miss == pytest.approx(miss.mean(), rel=0.25)


def test_spurious_energy_matches_monte_carlo():
    rng = np.random.default_rng(15)
    n, m, s, sigma = 64, 128, 3, 0.05
    A = ae.random_dictionary(n, m, rng)
    W = ae.perturb_dictionary(A, 0.1, rng)
    sample = ae.NonnegativeSparseCoding(A, s, LOW, HIGH, sigma).sample(
        40_000, rng
    )
    on = sample.X > 0
    for b in (-0.4, -0.7):
        X = ae.encode(W, b, sample.Y, ae.ReLU())
        measured = np.sum(X[~on] ** 2) / np.sum(X[on] ** 2)
        assert measured == pytest.approx(
            nonnegative.spurious_energy(W.T @ A, b, s, LOW, HIGH, sigma),
            rel=0.2,
        )


# --------------------------------------------------------------------------- expected gradient


def test_expected_gradient_reduces_to_mixture():
    rng = np.random.default_rng(5)
    A = ae.random_dictionary(30, 8, rng)
    W = ae.perturb_dictionary(A, 0.3, rng)
    b = rng.uniform(-0.7, -0.3, 8)
    lam = np.sum(W * A, axis=0)
    expected = (1 / 8) * ((lam + b) ** 2 * W - lam * A)
    np.testing.assert_allclose(
        nonnegative.expected_gradient(W, A, b, 1, 1.0, 1.0),
        expected,
        atol=1e-14,
    )


@pytest.mark.parametrize("s", [1, 2, 3])
def test_expected_gradient_exact_at_orthonormal_optimum(s):
    """With G = I and W = A*, the dropped cross-talk is zero: the formula is exact."""
    m = 5
    A = _orthonormal(8, m, 6)
    b = np.array([-0.3, -0.5, -0.7, -0.4, -0.6])
    exact = _exact_expectation(A, A, b, s, LOW, HIGH, _exact_firing_gradient)
    np.testing.assert_allclose(
        nonnegative.expected_gradient(A, A, b, s, LOW, HIGH), exact, atol=1e-12
    )


def test_expected_gradient_close_to_exact_near_optimum():
    """δ-close W, orthonormal A*: the neglected cross-talk ``⟨W_i, A*_j⟩ = O(δ)`` gives an O(δ) error."""
    m, s = 5, 2
    A = _orthonormal(12, m, 7)
    errors = []
    for delta in (0.04, 0.08):
        W = ae.perturb_dictionary(
            A, delta, np.random.default_rng(7)
        )  # same directions, two sizes
        exact = _exact_expectation(
            W, A, -0.5, s, LOW, HIGH, _exact_firing_gradient
        )
        approx = nonnegative.expected_gradient(W, A, -0.5, s, LOW, HIGH)
        errors.append(np.linalg.norm(exact - approx) / np.linalg.norm(exact))
    assert errors[0] < 0.03 and errors[1] < 0.06
    assert errors[1] / errors[0] == pytest.approx(2.0, rel=0.25)


def test_radial_coefficient_second_order_beats_leading_order():
    rng = np.random.default_rng(8)
    m, s, b = 5, 2, -0.6
    A = _orthonormal(12, m, 8) + 0.03 * rng.standard_normal((12, m))
    A /= np.linalg.norm(A, axis=0)

    def radial(W, A_, b_, y, S):
        return np.sum(_exact_firing_gradient(W, A_, b_, y, S) * A_, axis=0)

    exact = _exact_expectation(A, A, b, s, LOW, HIGH, radial)
    second = nonnegative.radial_coefficient(A, b, s, LOW, HIGH)
    first = nonnegative.radial_coefficient(
        A, b, s, LOW, HIGH, second_order=False
    )
    assert np.max(np.abs(second - exact)) < 0.3 * np.max(np.abs(first - exact))
    orth = _orthonormal(12, m, 9)
    np.testing.assert_allclose(
        nonnegative.radial_coefficient(orth, b, s, LOW, HIGH),
        nonnegative.radial_coefficient(
            orth, b, s, LOW, HIGH, second_order=False
        ),
        atol=1e-12,
    )


def test_expected_gradient_validation():
    A = _orthonormal(6, 3, 0)
    with pytest.raises(ValueError, match="unit-norm"):
        nonnegative.expected_gradient(2 * A, A, -0.5, 1, LOW, HIGH)
    with pytest.raises(ValueError, match="bias"):
        nonnegative.expected_gradient(A, A, np.zeros(4), 1, LOW, HIGH)


# --------------------------------------------------------------------------- rates and floors


def test_contraction_factor_reduces_to_mixture_and_matches_one_step():
    zeta, m, b = 2.0, 4, -0.5
    c = zeta / m * (1 + b) ** 2
    assert nonnegative.contraction_factor(
        1.0, b, 1, m, 1.0, 1.0, step_size=zeta
    ) == pytest.approx((1 - c) / (1 - c + zeta / m))
    # one population step of a single tilted column (s = 1: no cross terms)
    A = _orthonormal(6, m, 10)
    theta = 0.2
    W = A.copy()
    W[:, 0] = np.cos(theta) * A[:, 0] + np.sin(theta) * A[:, 1]
    errors = nonnegative.trajectory(
        W, A, b, 1, LOW, HIGH, step_size=zeta, n_steps=1
    )
    new_theta = 2 * np.arcsin(errors[1, 0] / 2)
    r = nonnegative.contraction_factor(
        np.cos(theta), b, 1, m, LOW, HIGH, step_size=zeta
    )
    assert np.tan(new_theta) == pytest.approx(r * np.tan(theta), rel=1e-10)
    with pytest.raises(ValueError, match="step_size is too large"):
        nonnegative.contraction_factor(1.0, b, 1, m, LOW, HIGH, step_size=100.0)


def test_common_mode_floor_properties_and_population_fixed_point():
    rng = np.random.default_rng(11)
    A = ae.random_dictionary(64, 128, rng)
    assert nonnegative.population_floor(A, -0.6, 1, LOW, HIGH) == 0.0
    floors = [
        nonnegative.population_floor(A, b, 3, LOW, HIGH)
        for b in (-0.3, -0.6, -0.9, -1.2)
    ]
    assert np.all(np.diff(floors) > 0)
    zeta = 0.3 / (3 / 128 * 7 / 3)
    errors = nonnegative.trajectory(
        A, A, -0.6, 3, LOW, HIGH, step_size=zeta, n_steps=60
    )
    assert np.median(errors[-1]) == pytest.approx(floors[1], rel=0.05)


def test_sampling_floor_reduces_to_mixture():
    n, m, N, sigma = 50, 10, 5000, 0.1
    expected = sigma * np.sqrt((1 + sigma**2) * (n - 1) / (N / m))
    assert nonnegative.fixed_sample_floor(
        -0.5, 1, 1.0, 1.0, sigma, n, m, n_samples=N
    ) == pytest.approx(expected)
    grows = [
        nonnegative.fresh_batch_floor(
            b, 3, LOW, HIGH, 0.05, 128, 256, step_size=10.0, batch_size=2000
        )
        for b in (-0.4, -0.7, -1.0)
    ]
    assert np.all(np.diff(grows) > 0)


def test_error_curve_limits():
    rng = np.random.default_rng(16)
    A = ae.random_dictionary(64, 128, rng)
    zeta, b = 0.3 / (3 / 128 * 7 / 3), -0.6
    curve = nonnegative.error_curve(
        A,
        b,
        3,
        LOW,
        HIGH,
        0.05,
        delta0=0.3,
        step_size=zeta,
        batch_size=1000,
        n_steps=200,
    )
    assert curve[0] == pytest.approx(0.3)
    floor = np.hypot(
        nonnegative.population_floor(A, b, 3, LOW, HIGH),
        nonnegative.fresh_batch_floor(
            b, 3, LOW, HIGH, 0.05, 64, 128, step_size=zeta, batch_size=1000
        ),
    )
    assert curve[-1] == pytest.approx(floor, rel=1e-6)
    # s = 1 with no noise: no floors, pure contraction
    pure = nonnegative.error_curve(
        A,
        b,
        1,
        LOW,
        HIGH,
        0.0,
        delta0=0.3,
        step_size=zeta / 3,
        batch_size=10,
        n_steps=3,
    )
    r = nonnegative.contraction_factor(
        np.cos(2 * np.arcsin(0.15)), b, 1, 128, LOW, HIGH, step_size=zeta / 3
    )
    assert np.tan(2 * np.arcsin(pure[1] / 2)) == pytest.approx(
        r * np.tan(2 * np.arcsin(0.15))
    )
    with pytest.raises(ValueError, match="delta0"):
        nonnegative.error_curve(
            A,
            b,
            3,
            LOW,
            HIGH,
            0.05,
            delta0=0.0,
            step_size=zeta,
            batch_size=10,
            n_steps=1,
        )


def test_bias_drift_is_geometric():
    drift = nonnegative.bias_drift(-0.8, 10.0, 3, 256, 4)
    np.testing.assert_allclose(drift, -0.8 * (1 - 30 / 256) ** np.arange(5))
    assert nonnegative.bias_drift(
        np.array([-0.5, -0.6]), 1.0, 1, 10, 2
    ).shape == (3, 2)
    with pytest.raises(ValueError, match="bias_step_size"):
        nonnegative.bias_drift(-0.5, -1.0, 1, 10, 2)


def test_unnormalised_scale_reduces_to_mixture():
    for b in (0.0, -0.3, -0.5):
        c = nonnegative.unnormalised_scale(b, 1.0, 1.0)
        assert c * (c + b) == pytest.approx(1.0)
        assert nonnegative.step_limit(b, 1, 1, 1.0, 1.0) == pytest.approx(
            2 / (4 + b * b)
        )


# --------------------------------------------------------------------------- the bias rule


def test_rule_validation():
    with pytest.raises(ValueError, match="low"):
        nonnegative.CoherenceBias(2, 0.0, 1.0)
    with pytest.raises(ValueError, match="false_fire"):
        nonnegative.CoherenceBias(2, LOW, HIGH, false_fire=0.0)
    with pytest.raises(ValueError, match="delta"):
        nonnegative.CoherenceBias(2, LOW, HIGH, delta=1.5)
    rule = nonnegative.CoherenceBias(2, LOW, HIGH)
    with pytest.raises(ValueError, match="more columns"):
        rule(np.eye(2))
    with pytest.raises(ValueError, match="zero column"):
        rule(np.zeros((4, 5)))
    with pytest.raises(ValueError, match="false_fire"):
        nonnegative.CoherenceBias(2, LOW, HIGH, false_fire=100.0).k(10)


def test_rule_formula_scale_invariance_and_common_tilt():
    rng = np.random.default_rng(12)
    n, m, s = 64, 128, 3
    A = ae.random_dictionary(n, m, rng)
    rule = nonnegative.CoherenceBias(s, LOW, HIGH, 0.05, false_fire=0.5)
    b = rule(A)
    assert b.shape == (m,) and np.all(b < 0)
    np.testing.assert_allclose(rule(3.0 * A), b, atol=1e-12)
    k = rule.k(m)
    p = s / m
    assert 1 - __import__("scipy").special.ndtr(k) == pytest.approx(
        0.5 * p / (1 - p)
    )
    # a common tilt toward A*1 moves the rule much less than it moves the uncentred estimate
    u = A.sum(axis=1) / np.linalg.norm(A.sum(axis=1))
    tilted = A + 0.1 * (u[:, None] - A * (u @ A))
    tilted /= np.linalg.norm(tilted, axis=0)

    def uncentred(W):
        mom = nonnegative.cross_talk_moments(W.T @ W, s, LOW, HIGH, 0.05)
        return -(mom.off_mean + k * mom.off_std)

    rule_shift = np.median(rule(tilted) - b)
    naive_shift = np.median(uncentred(tilted) - uncentred(A))
    assert naive_shift < -0.05
    assert abs(rule_shift) < 0.5 * abs(naive_shift)


def test_rule_meets_false_fire_budget_and_is_admissible():
    rng = np.random.default_rng(13)
    n, m, s, sigma, eps = 128, 256, 6, 0.05, 0.5
    A = ae.random_dictionary(n, m, rng)
    W = ae.perturb_dictionary(A, 0.1, rng)
    rule = nonnegative.CoherenceBias(
        s, LOW, HIGH, sigma, false_fire=eps, delta=0.1
    )
    b = rule(W)
    sample = ae.NonnegativeSparseCoding(A, s, LOW, HIGH, sigma).sample(
        20_000, rng
    )
    fired = W.T @ sample.Y + b[:, None] > 0
    on = sample.X > 0
    measured = fired[~on].mean()
    target = eps * s / (m - s)
    # the Gaussian model with the true cross-talk C = WᵀA* predicts the measured rate ...
    predicted, _ = nonnegative.unit_error_rates(W.T @ A, b, s, LOW, HIGH, sigma)
    assert measured == pytest.approx(predicted.mean(), rel=0.1)
    # ... and the rule's own (estimated) moments put every unit exactly on the target
    est = rule.moments(W)
    assert nonnegative._false_fire_from_moments(est, b) == pytest.approx(
        np.full(m, target), rel=1e-9
    )
    assert measured == pytest.approx(target, rel=0.2)
    budget = 0.01
    ok = rule.admissible(W, budget)
    assert (
        0 < ok.sum() < m
    )  # the budget separates units: the check is not vacuous
    np.testing.assert_array_equal(ok, rule.miss_rate(W) <= budget)
    assert np.all(rule.lower_end(W, budget)[ok] < b[ok])
    assert np.all(rule.miss_rate(W, rule.lower_end(W, budget)) <= budget + 1e-9)
    with pytest.raises(ValueError, match="miss_budget"):
        rule.admissible(W, 1.5)


def test_rule_runs_inside_train():
    rng = np.random.default_rng(14)
    A = ae.random_dictionary(32, 48, rng)
    model = ae.NonnegativeSparseCoding(A, 2, LOW, HIGH, 0.05)
    W0 = ae.perturb_dictionary(A, 0.2, rng)
    rule = nonnegative.CoherenceBias(
        2, LOW, HIGH, 0.05, false_fire=0.5, delta=0.2
    )
    result = ae.train(
        W0,
        rule,
        model,
        ae.ReLU(),
        step_size=5.0,
        n_steps=3,
        batch_size=500,
        rng=rng,
    )
    np.testing.assert_allclose(result.bias, rule(result.W), atol=0.05)
    assert result.indexed_errors.shape == (4, 48)


# --------------------------------------------------------------------------- every term seen (issue 8, item 7)


def _forced_firing_samples(A, s, sigma, T, rng):
    """``T`` samples with uniform ``s``-subsets ``S (T, s)``, codes ``x (T, s)`` on ``[LOW, HIGH]`` and noise ``(T, n)``."""
    n, m = A.shape
    S = np.argsort(rng.random((T, m)), axis=1)[:, :s]
    x = rng.uniform(LOW, HIGH, (T, s))
    return S, x, sigma * rng.standard_normal((T, n))


def _forced_firing_gradient(A, b, S, x, eta):
    """Per-sample gradients ``g_i (T, s, n)`` at ``W = A*`` of the units ``i ∈ S``, with exactly ``S`` firing.

    ``u_S = A_Sᵀy + b``, ``r = y − A_S u_S`` and ``g_i = −(u_i r + (A_iᵀr) y)`` (the definition, not a closed form).
    """
    AS = A[:, S].transpose(1, 0, 2)  # (T, n, s)
    y = np.einsum("tns,ts->tn", AS, x) + eta
    u = np.einsum("tns,tn->ts", AS, y) + b
    r = y - np.einsum("tns,ts->tn", AS, u)
    ar = np.einsum("tns,tn->ts", AS, r)
    return -(u[:, :, None] * r[:, None, :] + ar[:, :, None] * y[:, None, :]), AS


def test_radial_coefficient_noise_term_by_antithetic_monte_carlo():
    """The noise term ``2σ²·p w Σ_j G_ij²`` of :func:`aecore.theory.nonnegative.radial_coefficient`.

    Only that term depends on ``σ``, and it is exact (the dropped terms are noise-free), so the
    difference between ``σ = 0.5`` and ``σ = 0`` must match a Monte Carlo of the radial gradient with
    the same supports and codes and antithetic noise ``±η`` (which cancels the odd orders). A
    coefficient ``σ²`` instead of ``2σ²`` halves the difference.
    """
    rng = np.random.default_rng(41)
    n, m, s, b, sigma, T = 8, 16, 3, -0.3, 0.5, 60_000
    A = ae.random_dictionary(n, m, rng)
    S, x, eta = _forced_firing_samples(A, s, sigma, T, rng)

    def radial(noise):
        g, AS = _forced_firing_gradient(A, b, S, x, noise)
        per_unit = np.einsum("tsn,tns->ts", g, AS)  # ⟨g_i, A*_i⟩ for i ∈ S
        return np.bincount(S.ravel(), weights=per_unit.ravel(), minlength=m) / T

    measured = (radial(eta) + radial(-eta)) / 2 - radial(0 * eta)
    predicted = nonnegative.radial_coefficient(
        A, b, s, LOW, HIGH, sigma
    ) - nonnegative.radial_coefficient(A, b, s, LOW, HIGH, 0.0)
    assert measured.sum() == pytest.approx(predicted.sum(), rel=0.05)
    np.testing.assert_allclose(measured, predicted, rtol=0.15)


def test_sampling_variance_noise_terms_by_monte_carlo():
    """Both noise terms of ``V = E‖g_i^⊥‖²`` (:func:`aecore.theory.nonnegative.fixed_sample_floor`).

    For orthonormal ``A*`` and exact firing, ``V = b²(s − 1)(2κ₂ + 2κ₁² + 4bκ₁ + b² + 2σ²) +
    (n − s)σ²(κ₂ + σ²)`` holds exactly; at ``σ = 1``, ``b = −0.8`` the ``2σ²`` of the first term is
    10 % of ``V`` and the ``σ²`` inside the second 14 %, against a tolerance of 3 % (Monte-Carlo
    standard error below 1 %).
    """
    rng = np.random.default_rng(43)
    n, m, s, b, sigma, T, N = 6, 5, 4, -0.8, 1.0, 40_000, 100
    A = _orthonormal(n, m, 43)
    S, x, eta = _forced_firing_samples(A, s, sigma, T, rng)
    g, AS = _forced_firing_gradient(A, b, S, x, eta)
    radial = np.einsum("tsn,tns->ts", g, AS)
    measured = np.mean(
        np.sum(g * g, axis=2) - radial**2
    )  # ‖P⊥_i g_i‖², over units in S
    _, kappa2 = nonnegative.code_moments(LOW, HIGH)
    floor = nonnegative.fixed_sample_floor(
        b, s, LOW, HIGH, sigma, n, m, n_samples=N
    )
    predicted = (floor * kappa2) ** 2 * (s / m) * N  # floor = √(V/(pN))/κ₂
    assert measured == pytest.approx(predicted, rel=0.03)


def test_train_refuses_to_learn_the_bias_of_a_rule():
    """A bias rule sets the bias at every step; ``bias_step_size > 0`` with a rule is refused, not ignored."""
    rng = np.random.default_rng(45)
    A = _orthonormal(8, 6, 45)
    Y = ae.NonnegativeSparseCoding(A, 2, LOW, HIGH).sample(50, rng).Y
    rule = nonnegative.CoherenceBias(s=2, low=LOW, high=HIGH)
    settings = dict(step_size=0.1, n_steps=2)
    with pytest.raises(
        ValueError, match="bias_step_size must be 0 when bias is a rule"
    ):
        ae.train(A, rule, Y, ae.ReLU(), bias_step_size=0.1, **settings)
    result = ae.train(
        A, rule, Y, ae.ReLU(), **settings
    )  # the refusal is about the combination only
    assert result.bias.shape == (6,)
