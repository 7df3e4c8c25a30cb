"""Tests for aecore.codes and aecore.theory.sparse: code batches, the fast exact gradient, and the sparse-coding closed forms."""

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
    A = ae.random_dictionary(n, m, rng)
    W = ae.perturb_dictionary(A, delta, rng)
    return A, W, ae.SparseCoding(A, s), rng


def _event_gradient_by_enumeration(W, A, s, noise_std=0.0):
    """E over uniform supports of −[P_S M_S + M_S P_S] W_i (i ∈ S), by listing every support."""
    n, m = A.shape
    g = np.zeros((n, m))
    supports = list(itertools.combinations(range(m), s))
    for S in supports:
        S = list(S)
        P = np.eye(n) - W[:, S] @ W[:, S].T
        M = A[:, S] @ A[:, S].T + noise_std**2 * np.eye(n)
        for i in S:
            g[:, i] -= P @ M @ W[:, i] + M @ P @ W[:, i]
    return g / len(supports)


# --------------------------------------------------------------------------- code batches


def test_sample_code_batch_distribution():
    A, _, model, rng = _setting(1, n=10, m=8, s=3)
    batch = ae.sample_code_batch(model, 40_000, rng)
    assert batch.support.shape == (40_000, 3) and np.all(
        np.diff(batch.support, axis=1) > 0
    )
    assert set(np.unique(batch.values)) == {-1.0, 1.0}
    freq = np.bincount(batch.support.ravel(), minlength=8) / 40_000
    np.testing.assert_allclose(freq, 3 / 8, atol=0.01)  # p_i = s/m
    pair = np.mean(
        np.any(batch.support == 0, axis=1) & np.any(batch.support == 1, axis=1)
    )
    assert abs(pair - sparse.support_probabilities(8, 3)[1]) < 0.01
    np.testing.assert_allclose(batch.Y, A @ batch.X)
    assert np.all((batch.X != 0).sum(axis=0) == 3)


def test_sample_code_batch_dense_regime_and_nonnegative():
    rng = np.random.default_rng(2)
    A = ae.random_dictionary(6, 5, rng)
    batch = ae.sample_code_batch(
        ae.NonnegativeSparseCoding(A, 4, low=1.0, high=2.0), 500, rng
    )
    assert np.all(np.diff(batch.support, axis=1) > 0) and np.all(
        (batch.values >= 1) & (batch.values <= 2)
    )


def test_code_batch_validation():
    A, _, model, rng = _setting(3)
    with pytest.raises(ValueError, match="noise_std"):
        ae.sample_code_batch(ae.SparseCoding(A, 3, noise_std=0.1), 5, rng)
    with pytest.raises(TypeError, match="model"):
        ae.sample_code_batch("model", 5, rng)
    with pytest.raises(ValueError, match="distinct"):
        ae.CodeBatch(A, np.array([[1, 1, 2]]), np.ones((1, 3)))
    with pytest.raises(ValueError, match="support entries"):
        ae.CodeBatch(A, np.array([[0, 1, 30]]), np.ones((1, 3)))
    with pytest.raises(ValueError, match="values"):
        ae.CodeBatch(A, np.array([[0, 1, 2]]), np.ones((1, 2)))


# --------------------------------------------------------------------------- fast exact gradient


@pytest.mark.parametrize(
    "activation,bias",
    [
        (ae.HardThreshold(0.5), 0.0),
        (ae.HardThreshold(0.2), 0.0),
        (ae.ReLU(), -0.5),
        (ae.ReLU(), 0.0),
    ],
    ids=["ht-half", "ht-low", "relu-bias", "relu-dense"],
)
def test_code_gradient_equals_dense_gradient(activation, bias):
    A, W, model, rng = _setting(4)
    W = W * np.linspace(0.8, 1.2, W.shape[1])  # non-unit columns too
    batch = ae.sample_code_batch(model, 300, rng)
    loss1, g1, gb1 = ae.code_loss_and_gradient(W, bias, batch, activation)
    loss2, g2, gb2 = ae.loss_and_gradient(W, bias, batch.Y, activation)
    assert abs(loss1 - loss2) < 1e-12
    np.testing.assert_allclose(g1, g2, atol=1e-13)
    np.testing.assert_allclose(gb1, gb2, atol=1e-13)


def test_gradient_moments_match_per_sample_loop():
    A, W, model, rng = _setting(5)
    W = W * 1.1
    batch = ae.sample_code_batch(model, 200, rng)
    Y, act, b = batch.Y, ae.ReLU(), -0.4
    U = W.T @ Y + b
    D, X = act.active(U), act(U)
    R = Y - W @ X
    m, N = W.shape[1], Y.shape[1]
    mean, second, second_t = np.zeros(W.shape), np.zeros(m), np.zeros(m)
    for k in range(N):
        for i in np.flatnonzero(D[:, k]):
            g = -(X[i, k] * R[:, k] + (W[:, i] @ R[:, k]) * Y[:, k])
            w = W[:, i] / np.linalg.norm(W[:, i])
            mean[:, i] += g / N
            second[i] += g @ g / N
            second_t[i] += np.sum((g - w * (w @ g)) ** 2) / N
    mom = ae.code_gradient_moments(W, b, batch, act)
    np.testing.assert_allclose(mom.mean, mean, atol=1e-14)
    np.testing.assert_allclose(mom.second_moment, second, atol=1e-12)
    np.testing.assert_allclose(
        mom.second_moment_tangential, second_t, atol=1e-12
    )
    np.testing.assert_allclose(
        mom.mean_tangential, ae.tangential_component(mean, W), atol=1e-14
    )


def test_train_on_code_batch_matches_train_on_dense_data():
    A, W0, model, rng = _setting(6)
    batch = ae.sample_code_batch(model, 400, rng)
    fast = ae.train(
        W0, 0.0, batch, ae.HardThreshold(0.5), step_size=2.0, n_steps=5
    )
    dense = ae.train(
        W0,
        0.0,
        batch.Y,
        ae.HardThreshold(0.5),
        step_size=2.0,
        n_steps=5,
        A_star=A,
    )
    np.testing.assert_allclose(fast.W, dense.W, atol=1e-12)
    np.testing.assert_allclose(
        fast.indexed_errors, dense.indexed_errors, atol=1e-12
    )
    np.testing.assert_allclose(fast.loss, dense.loss, atol=1e-12)


def test_train_on_code_batch_with_a_bias_matches_train_and_reports_the_bias():
    A, W0, model, rng = _setting(8)
    batch = ae.sample_code_batch(model, 400, rng)
    fast = ae.train(W0, -0.3, batch, ae.ReLU(), step_size=2.0, n_steps=5)
    dense = ae.train(
        W0, -0.3, batch.Y, ae.ReLU(), step_size=2.0, n_steps=5, A_star=A
    )
    np.testing.assert_allclose(fast.W, dense.W, atol=1e-12)
    np.testing.assert_array_equal(fast.bias, dense.bias)
    np.testing.assert_array_equal(fast.bias, np.full(A.shape[1], -0.3))


def test_code_stream_fresh_batches_are_reproducible_and_validated():
    A, W0, model, _ = _setting(7)
    stream = ae.CodeStream(model)
    kwargs = dict(step_size=2.0, n_steps=3, batch_size=100)
    r1 = ae.train(
        W0,
        0.0,
        stream,
        ae.HardThreshold(0.5),
        rng=np.random.default_rng(1),
        **kwargs,
    )
    r2 = ae.train(
        W0,
        0.0,
        stream,
        ae.HardThreshold(0.5),
        rng=np.random.default_rng(1),
        **kwargs,
    )
    np.testing.assert_array_equal(r1.W, r2.W)
    with pytest.raises(ValueError, match="batch_size"):
        ae.train(
            W0, 0.0, stream, ae.HardThreshold(0.5), step_size=1.0, n_steps=1
        )
    with pytest.raises(ValueError, match="step_size"):
        ae.train(
            W0,
            0.0,
            stream,
            ae.HardThreshold(0.5),
            step_size=0.0,
            n_steps=1,
            batch_size=5,
            rng=np.random.default_rng(0),
        )
    with pytest.raises(ValueError, match="noise_std"):
        ae.CodeStream(ae.SparseCoding(A, 2, noise_std=0.1))
    with pytest.raises(TypeError, match="model"):
        ae.CodeStream(A)


def test_code_stream_matches_dense_training_on_the_same_batches():
    """The code path is the gradient of the same loss: replaying the stream's batches densely agrees."""
    A, W0, model, _ = _setting(9)
    fast = ae.train(
        W0,
        0.0,
        ae.CodeStream(model),
        ae.HardThreshold(0.5),
        step_size=2.0,
        n_steps=4,
        batch_size=200,
        rng=np.random.default_rng(3),
    )
    draw = ae.CodeStream(model).sampler(200, np.random.default_rng(3))
    W = W0 / np.linalg.norm(W0, axis=0)
    for _ in range(4):
        _, grad, _ = ae.loss_and_gradient(
            W, 0.0, draw().Y, ae.HardThreshold(0.5)
        )
        W = W - 2.0 * grad
        W /= np.linalg.norm(W, axis=0)
    np.testing.assert_allclose(fast.W, W, atol=1e-12)


def test_train_on_code_batch_diverges_loudly():
    A, W0, model, rng = _setting(8)
    batch = ae.sample_code_batch(model, 50, rng)
    with pytest.raises(ae.TrainingDivergedError):
        ae.train(
            W0,
            0.0,
            batch,
            ae.HardThreshold(0.0),
            step_size=1e9,
            n_steps=5,
            normalize=False,
        )


# --------------------------------------------------------------------------- code consistency


def test_code_consistency_counts_exact_sign_patterns():
    A, W, model, rng = _setting(9, n=40, m=50, s=2, delta=0.2)
    batch = ae.sample_code_batch(model, 500, rng)
    X_hat = ae.HardThreshold(0.5)(W.T @ batch.Y)
    assert ae.code_consistency(W, batch) == ae.support_recovery_rate(
        X_hat, batch.X
    )
    assert (
        ae.code_consistency(A, batch, threshold=0.0) == 0.0
    )  # every unit fires


def test_consistency_probability_against_measurement():
    rng = np.random.default_rng(10)
    A = ae.random_dictionary(128, 256, rng)
    W = ae.perturb_dictionary(A, 0.2, rng)
    for s in (3, 4):
        measured = ae.code_consistency(
            W, ae.sample_code_batch(ae.SparseCoding(A, s), 4000, rng)
        )
        assert (
            abs(measured - sparse.firing_probability(128, 256, s, 0.2)) < 0.04
        )


def test_consistency_probability_limits_and_simple_form():
    from scipy.special import betainc, ndtr

    single = np.exp(
        -127 * betainc(63 / 2, 0.5, 0.75)
    )  # s = 1: ‖y‖ = 1, no active-unit failures
    assert sparse.firing_probability(64, 128, 1, 0.5) == pytest.approx(
        single, rel=1e-12
    )
    simple = sparse.firing_probability(100, 200, 3, 0.0, refined=False)
    expected = np.exp(
        -(
            3 * ndtr(-0.5 / np.sqrt(2 / 100))
            + 197 * 2 * ndtr(-0.5 / np.sqrt(3 / 100))
        )
    )
    assert simple == pytest.approx(expected, rel=1e-12)
    grid = sparse.firing_probability(256, 512, 3, np.array([0.0, 0.5, 1.2]))
    assert grid.shape == (3,) and grid[0] > grid[1] > grid[2]
    assert sparse.firing_probability(
        256, 512, 3, threshold=0.3
    ) < sparse.firing_probability(256, 512, 3)
    with pytest.raises(ValueError, match="delta"):
        sparse.firing_probability(100, 200, 3, 2.5)
    with pytest.raises(ValueError, match="threshold"):
        sparse.firing_probability(100, 200, 3, threshold=1.0)


def test_consistency_boundary_and_rule():
    s_half = sparse.consistency_boundary(256, 512)
    assert sparse.firing_probability(256, 512, int(np.floor(s_half))) > 0.5
    assert sparse.firing_probability(256, 512, int(np.ceil(s_half))) < 0.5
    assert sparse.hoeffding_sparsity(256, 512) == pytest.approx(
        256 / (8 * np.log(1024))
    )
    assert (
        sparse.hoeffding_sparsity(256, 512) < s_half
    )  # sufficient, hence conservative
    with pytest.raises(ValueError, match="level"):
        sparse.consistency_boundary(256, 512, level=1.5)


# --------------------------------------------------------------------------- expected gradient


def test_expected_gradient_is_exact_over_supports():
    rng = np.random.default_rng(11)
    n, m, s = 6, 5, 3
    A = ae.random_dictionary(n, m, rng)
    W = ae.perturb_dictionary(A, 0.5, rng) * np.array([1.0, 1.2, 0.9, 1.0, 1.1])
    for sigma in (0.0, 0.3):
        np.testing.assert_allclose(
            sparse.expected_gradient(W, A, s, noise_std=sigma),
            _event_gradient_by_enumeration(W, A, s, sigma),
            atol=1e-13,
        )
    np.testing.assert_allclose(
        sparse.expected_gradient(W, A, s, kappa2=2.0),
        2 * sparse.expected_gradient(W, A, s),
        atol=1e-14,
    )


def test_expected_gradient_matches_monte_carlo_within_sampling_noise():
    A, W, model, rng = _setting(
        12, n=256, m=512, s=2, delta=0.2
    )  # consistency > 99.9%
    N = 20_000
    mom = ae.code_gradient_moments(
        W, 0.0, ae.sample_code_batch(model, N, rng), ae.HardThreshold(0.5)
    )
    variance = np.mean(mom.second_moment - np.sum(mom.mean**2, axis=0)) / N
    ratio = (
        np.mean(
            np.sum((mom.mean - sparse.expected_gradient(W, A, 2)) ** 2, axis=0)
        )
        / variance
    )
    assert 0.8 < ratio < 1.25


def test_leading_term_and_single_atom_case():
    A, W, _, _ = _setting(13)
    lam = np.sum(W * A, axis=0)
    np.testing.assert_allclose(
        sparse.leading_gradient(W, A, 3), 0.1 * lam * (lam * W - A)
    )
    # s = 1: the expected gradient is exactly the leading term (the noise-free mixture)
    np.testing.assert_allclose(
        sparse.expected_gradient(W, A, 1),
        sparse.leading_gradient(W, A, 1),
        atol=1e-15,
    )
    assert np.abs(sparse.expected_gradient(A, A, 1)).max() < 1e-15


def test_gradient_at_optimum_is_twice_the_neural_update_to_first_order():
    rng = np.random.default_rng(14)
    A = ae.random_dictionary(128, 256, rng)
    s = 3
    g = ae.tangential_component(sparse.expected_gradient(A, A, s), A)
    d = ae.tangential_component(ae.expected_neural_direction(A, A, s), A)
    ratio = np.linalg.norm(g) / np.linalg.norm(d)
    assert 1.9 < ratio < 2.1
    q2 = sparse.support_probabilities(256, s)[1]
    np.testing.assert_allclose(
        ae.expected_neural_direction(A, A, s),
        q2 * (A @ (A.T @ A) - A),
        atol=1e-15,
    )


def test_relu_first_order_gradient_radial_part():
    A = ae.random_dictionary(64, 128, np.random.default_rng(15))
    g = sparse.relu_gradient_at_optimum(A, 3)
    radial = np.sum(g * A, axis=0) / (3 / 128)
    assert abs(radial.mean() + 0.375) < 0.01
    assert (
        np.abs(
            sparse.relu_gradient_at_optimum(A, 1) + (1 / 128) / 2 * 0.75 * A
        ).max()
        < 1e-15
    )


def test_support_probabilities():
    assert sparse.support_probabilities(10, 3) == pytest.approx(
        (0.3, 6 / 90, 6 / 720)
    )
    assert sparse.support_probabilities(10, 1) == pytest.approx((0.1, 0.0, 0.0))
    with pytest.raises(ValueError, match="s"):
        sparse.support_probabilities(10, 11)


# --------------------------------------------------------------------------- dynamics


def test_angle_map_is_one_normalised_step_of_the_leading_term():
    rng = np.random.default_rng(16)
    a = rng.standard_normal(8)
    a /= np.linalg.norm(a)
    v = rng.standard_normal(8)
    v -= a * (a @ v)
    v /= np.linalg.norm(v)
    theta, c, p = 0.35, 0.4, 0.05
    w = np.cos(theta) * a + np.sin(theta) * v
    lam = w @ a
    w_new = w - (c / p) * p * lam * (lam * w - a)
    w_new /= np.linalg.norm(w_new)
    # c = ζ p with p = s/m = 1/20
    assert np.arccos(w_new @ a) == pytest.approx(
        sparse.angle_map(theta, 1, 20, step_size=c * 20), abs=1e-12
    )
    assert sparse.contraction_factor(
        1.0, 1, 20, step_size=5.0
    ) == pytest.approx(0.75)
    lam = 1 - 0.4**2 / 2
    assert sparse.contraction_factor(
        lam, 1, 20, step_size=5.0
    ) == pytest.approx(
        np.tan(sparse.angle_map(2 * np.arcsin(0.2), 1, 20, step_size=5.0))
        / np.tan(2 * np.arcsin(0.2))
    )
    with pytest.raises(ValueError, match="step_size"):
        sparse.angle_map(0.1, 1, 20, step_size=30.0)


def test_stationary_error_formulas():
    beta, a, v = np.array([0.01]), 0.02, np.array([0.5])
    assert sparse.fixed_sample_floor(beta, a)[0] == pytest.approx(0.5)
    fixed = sparse.fixed_sample_floor(beta, a, v, n_samples=1000)[0]
    assert fixed == pytest.approx(np.sqrt((1e-4 + 0.5 / 1000) / 4e-4))
    fresh = sparse.fresh_batch_floor(
        beta, a, v, step_size=25.0, batch_size=1000
    )[0]
    assert fresh == pytest.approx(
        np.sqrt(0.25 + 25 * 0.5 / (1000 * 0.02 * 1.5))
    )
    with pytest.raises(ValueError, match="n_samples"):
        sparse.fixed_sample_floor(beta, a, v)
    with pytest.raises(ValueError, match="second_moment"):
        sparse.fixed_sample_floor(beta, a, np.nan, n_samples=10)
    with pytest.raises(ValueError, match="step_size"):
        sparse.fresh_batch_floor(beta, a, v, step_size=200.0, batch_size=10)


def test_stationary_error_predicts_the_fresh_batch_floor():
    rng = np.random.default_rng(17)
    n, m, s, N, c = 128, 256, 2, 4000, 0.5
    A = ae.random_dictionary(n, m, rng)
    model = ae.SparseCoding(A, s)
    p, zeta = s / m, c * m / s
    beta = np.linalg.norm(
        ae.tangential_component(sparse.expected_gradient(A, A, s), A), axis=0
    )
    v = ae.code_gradient_moments(
        A, 0.0, ae.sample_code_batch(model, 20_000, rng), ae.HardThreshold(0.5)
    ).second_moment_tangential
    predicted = np.sqrt(
        np.mean(
            sparse.fresh_batch_floor(beta, p, v, step_size=zeta, batch_size=N)
            ** 2
        )
    )
    run = ae.train(
        ae.perturb_dictionary(A, 0.2, rng),
        0.0,
        ae.CodeStream(model),
        ae.HardThreshold(0.5),
        step_size=zeta,
        n_steps=30,
        batch_size=N,
        rng=rng,
    )
    measured = np.sqrt(np.mean(run.indexed_errors[-15:] ** 2))
    assert abs(measured / predicted - 1) < 0.07


def test_population_trajectory_reaches_first_order_floor():
    A = ae.random_dictionary(64, 128, np.random.default_rng(18))
    W0 = ae.perturb_dictionary(A, 0.3, np.random.default_rng(19))
    errors = sparse.trajectory(W0, A, 3, step_size=0.5 * 128 / 3, n_steps=40)
    floor = np.linalg.norm(
        ae.tangential_component(sparse.expected_gradient(A, A, 3), A), axis=0
    ) / (3 / 128)
    assert errors.shape == (41, 128) and errors[0].max() == pytest.approx(0.3)
    assert (
        abs(np.sqrt(np.mean(errors[-1] ** 2)) / np.sqrt(np.mean(floor**2)) - 1)
        < 0.1
    )


def _single_column_fixed_point(A, Y, i, zeta, n_steps=60):
    """Normalised GD on column i alone (the others held at A*), on a fixed sample Y, hard threshold ½."""
    N = Y.shape[1]
    w = A[:, i].copy()
    for _ in range(n_steps):
        W = A.copy()
        W[:, i] = w
        U = W.T @ Y
        D = np.abs(U) >= 0.5
        R = Y - W @ np.where(D, U, 0.0)
        g = -(R[:, D[i]] @ U[i, D[i]] + Y[:, D[i]] @ (w @ R[:, D[i]])) / N
        w = w - zeta * g
        w /= np.linalg.norm(w)
    return w


def test_fixed_sample_column_errors_match_single_column_fixed_points():
    rng = np.random.default_rng(20)
    n, m, s, N = 128, 256, 2, 2000
    A = ae.random_dictionary(n, m, rng)
    batch = ae.sample_code_batch(ae.SparseCoding(A, s), N, rng)
    columns = np.array([0, 7, 19])
    predicted = sparse.fixed_sample_column_errors(batch, columns)
    for i, pred in zip(columns, predicted):
        w = _single_column_fixed_point(A, batch.Y, i, 0.5 * m / s)
        assert abs(np.linalg.norm(w - A[:, i]) / pred - 1) < 0.02
    with pytest.raises(ValueError, match="columns"):
        sparse.fixed_sample_column_errors(batch, np.array([m]))


def test_tangential_component():
    A, W, _, _ = _setting(21)
    G = np.random.default_rng(0).standard_normal(W.shape)
    T = ae.tangential_component(G, W)
    np.testing.assert_allclose(np.sum(T * W, axis=0), 0.0, atol=1e-14)
    with pytest.raises(ValueError, match="zero column"):
        ae.tangential_component(G, np.zeros_like(W))


# --------------------------------------------------------------------------- consistency bound


def _misfire_by_enumeration(W, A, s, threshold=0.5):
    """Exact P[unit i misfires] and P[not consistent] over every support and sign pattern."""
    m = A.shape[1]
    C = W.T @ A
    per_unit, total, count = np.zeros(m), 0.0, 0
    for S in itertools.combinations(range(m), s):
        for signs in itertools.product((-1.0, 1.0), repeat=s):
            x = np.zeros(m)
            x[list(S)] = signs
            u = C @ x
            bad = np.where(x != 0, x * u < threshold, np.abs(u) >= threshold)
            per_unit += bad
            total += bad.any()
            count += 1
    return per_unit / count, total / count


@pytest.mark.parametrize(("s", "delta"), [(1, 0.3), (2, 0.3), (3, 0.6)])
def test_consistency_failure_bound_bounds_exact_enumeration(s, delta):
    rng = np.random.default_rng(11 + s)
    A = ae.random_dictionary(8, 9, rng)
    W = ae.perturb_dictionary(A, delta, rng)
    bound = sparse.consistency_failure_bound(W, A, s)
    exact_units, exact_total = _misfire_by_enumeration(W, A, s)
    assert bound.shape == (9,) and np.all((bound >= 0) & (bound <= 1))
    assert np.all(bound >= exact_units - 1e-12)  # a bound, unit by unit
    assert (
        bound.sum() >= exact_total
    )  # and, by the union bound, for the whole layer
    assert np.any(
        exact_units > 0
    )  # the instance has misfires, so the comparison is not empty


def test_consistency_failure_bound_matches_gaussian_rate_for_random_dictionary():
    # For a random dictionary the row mgf is close to exp(t²/(2n)), so the bound is close to
    # 2m exp(−n/(8s)) (the Gaussian-proxy rule); a proxy twice too large would give 2m exp(−n/(16s)).
    n, m, s = 128, 256, 2
    A = ae.random_dictionary(n, m, np.random.default_rng(3))
    total = sparse.consistency_failure_bound(A, A, s).sum()
    rule = 2 * m * np.exp(-n / (8 * s))
    assert 0.5 * rule < total < 2 * rule
    assert total < 2 * m * np.exp(-n / (16 * s)) / 10


def test_consistency_failure_bound_validation():
    A = ae.random_dictionary(8, 9, np.random.default_rng(0))
    with pytest.raises(ValueError, match="threshold"):
        sparse.consistency_failure_bound(A, A, 2, threshold=1.5)
    with pytest.raises(ValueError, match="s"):
        sparse.consistency_failure_bound(A, A, 10)
    with pytest.raises(ValueError, match="2 columns"):
        sparse.consistency_failure_bound(A[:, :1], A[:, :1], 1)
    with pytest.raises(ValueError):
        sparse.consistency_failure_bound(A[:, :5], A, 2)


def test_consistency_failure_bound_several_sizes_at_once():
    rng = np.random.default_rng(4)
    A = ae.random_dictionary(16, 24, rng)
    W = ae.perturb_dictionary(A, 0.2, rng)
    several = sparse.consistency_failure_bound(W, A, [1, 3])
    assert several.shape == (2, 24)
    np.testing.assert_array_equal(
        several[1], sparse.consistency_failure_bound(W, A, 3)
    )
    with pytest.raises(ValueError, match="non-empty"):
        sparse.consistency_failure_bound(W, A, [])


# --------------------------------------------------------------------------- every term seen (issue 8, item 7)


def test_code_consistency_rejects_a_unit_firing_with_the_wrong_sign():
    """Consistency needs the right signs: with one column of ``W`` flipped, exactly the samples whose
    support contains that atom fail (all units fire on their support with ``|u| = 1``, so only the sign
    test can reject them); a count without the sign test would return 1."""
    A = np.eye(12)
    batch = ae.sample_code_batch(
        ae.SparseCoding(A, 3), 400, np.random.default_rng(47)
    )
    W = A.copy()
    W[:, 4] *= -1.0
    expected = np.mean(~np.any(batch.support == 4, axis=1))
    assert 0.6 < expected < 0.9
    assert ae.code_consistency(W, batch) == expected
    assert ae.code_consistency(A, batch) == 1.0
    X_hat = ae.HardThreshold(0.5)(W.T @ batch.Y)
    assert ae.code_consistency(W, batch) == ae.support_recovery_rate(
        X_hat, batch.X
    )
