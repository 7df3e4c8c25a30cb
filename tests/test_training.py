"""Tests for aecore.training: gradient descent with and without column normalisation."""

from __future__ import annotations

import numpy as np
import pytest

import aecore as ae

B = -0.5
C_STAR = (
    -B + np.sqrt(B**2 + 4)
) / 2  # c(c + b) = 1: the column norm of plain GD's fixed point


def _orthonormal(n: int, m: int, seed: int) -> np.ndarray:
    """An incoherent (μ = 0) dictionary, so that W = c·A* is an exact fixed point for the mixture."""
    return np.linalg.qr(np.random.default_rng(seed).standard_normal((n, m)))[0]


def _small_problem(
    seed: int = 0, n: int = 10, m: int = 5, N: int = 500, delta: float = 0.3
):
    rng = np.random.default_rng(seed)
    A = _orthonormal(n, m, seed)
    Y = ae.MixtureOfGaussians(A).sample(N, rng).Y
    W0 = ae.perturb_dictionary(A, delta, rng)
    return A, Y, W0


# --------------------------------------------------------------------------- column normalisation


def test_normalised_gd_keeps_unit_columns_every_step_and_converges():
    n, m, sigma, steps, batch = 40, 20, 0.05, 25, 4000
    A = _orthonormal(n, m, 1)
    model = ae.MixtureOfGaussians(A, noise_std=sigma)
    W0 = ae.perturb_dictionary(A, 0.3, np.random.default_rng(2))
    step_size = 0.5 / model.inclusion_probabilities[0]  # ζ·p_i = 0.5
    kwargs = dict(step_size=step_size, batch_size=batch, A_star=A)

    # One step at a time, to look at the columns after every step.
    rng = np.random.default_rng(3)
    W = W0
    for _ in range(steps):
        W = ae.train(W, B, model, ae.ReLU(), n_steps=1, rng=rng, **kwargs).W
        np.testing.assert_allclose(
            np.linalg.norm(W, axis=0), 1.0, rtol=0, atol=1e-12
        )

    # The same run in one call draws the same batches and ends at the same place.
    result = ae.train(
        W0,
        B,
        model,
        ae.ReLU(),
        n_steps=steps,
        rng=np.random.default_rng(3),
        **kwargs,
    )
    np.testing.assert_allclose(
        np.linalg.norm(result.W, axis=0), 1.0, rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(result.W, W, rtol=0, atol=1e-9)

    assert result.max_indexed_error[0] == pytest.approx(0.3)
    assert result.max_indexed_error[-1] < 0.03
    assert np.all(
        np.diff(result.max_indexed_error[:6]) < 0
    )  # steady progress early on
    # W_i ≈ A_i with unit norm and b = −0.5: codes 1 + b, loss ≈ ½(b² + n σ²)
    assert result.loss[-1] == pytest.approx(
        0.5 * (B**2 + n * sigma**2), rel=0.05
    )


def test_plain_gd_converges_to_scaled_dictionary():
    """Without normalisation the noise-free mixture has the exact fixed point W = c·A*, c(c+b) = 1."""
    assert C_STAR == pytest.approx(1.2808, abs=1e-4)
    A, Y, W0 = _small_problem(seed=4, n=40, m=20, N=2000)
    # ζ·p_i = 0.25 keeps the scale iteration c ← c + ζ p (1 − c² − bc)(2c + b) contracting
    result = ae.train(
        W0,
        B,
        Y,
        ae.ReLU(),
        step_size=5.0,
        n_steps=40,
        normalize=False,
        A_star=A,
    )
    norms = np.linalg.norm(result.W, axis=0)
    np.testing.assert_allclose(norms, C_STAR, rtol=0, atol=1e-4)
    np.testing.assert_allclose(result.W / norms, A, rtol=0, atol=0.01)
    assert result.loss[-1] < 1e-5
    # errors are against the unit-norm truth, so they settle at c − 1, not at zero
    np.testing.assert_allclose(result.indexed_errors[-1], C_STAR - 1, atol=0.01)


def test_normalised_gd_on_the_same_problem_keeps_the_bias_offset():
    A, Y, W0 = _small_problem(seed=4, n=40, m=20, N=2000)
    result = ae.train(
        W0, B, Y, ae.ReLU(), step_size=5.0, n_steps=40, normalize=True, A_star=A
    )
    np.testing.assert_allclose(
        np.linalg.norm(result.W, axis=0), 1.0, atol=1e-12
    )
    assert result.max_indexed_error[-1] < 0.01
    assert result.loss[-1] == pytest.approx(
        0.5 * B**2, rel=1e-3
    )  # ŷ = (1 + b) A_i, loss ½ b²


# --------------------------------------------------------------------------- the update rule


@pytest.mark.parametrize("normalize", [True, False])
def test_one_step_is_the_gradient_step(normalize):
    A, Y, W0 = _small_problem(seed=5)
    W0 = 1.3 * W0  # non-unit start: normalize=True rescales it first
    bias = np.linspace(-0.6, -0.2, A.shape[1])
    result = ae.train(
        W0,
        bias,
        Y,
        ae.ReLU(),
        step_size=0.7,
        n_steps=1,
        normalize=normalize,
        bias_step_size=0.2,
    )
    W = W0 / np.linalg.norm(W0, axis=0) if normalize else W0
    value, gW, gb = ae.loss_and_gradient(W, bias, Y, ae.ReLU())
    expected = W - 0.7 * gW
    if normalize:
        expected /= np.linalg.norm(expected, axis=0)
    np.testing.assert_allclose(result.W, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(
        result.bias, bias - 0.2 * gb, rtol=1e-12, atol=1e-14
    )
    assert result.loss[0] == pytest.approx(value, rel=1e-12)


def test_model_mode_step_uses_a_fresh_batch_from_rng():
    A = _orthonormal(10, 5, 6)
    model = ae.SparseCoding(A, s=2, noise_std=0.05)
    W0 = ae.perturb_dictionary(A, 0.2, np.random.default_rng(7))
    result = ae.train(
        W0,
        0.0,
        model,
        ae.HardThreshold(0.5),
        step_size=0.5,
        n_steps=2,
        batch_size=64,
        rng=np.random.default_rng(8),
    )
    rng = np.random.default_rng(8)
    W = W0.copy()
    for t in range(2):
        Y = model.sample(64, rng).Y
        value, gW, _ = ae.loss_and_gradient(W, 0.0, Y, ae.HardThreshold(0.5))
        assert result.loss[t] == pytest.approx(value, rel=1e-12)
        W = W - 0.5 * gW
        W /= np.linalg.norm(W, axis=0)
    np.testing.assert_allclose(result.W, W, rtol=1e-12, atol=1e-14)
    # ground truth taken from the model
    np.testing.assert_allclose(
        result.indexed_errors[-1], np.linalg.norm(W - A, axis=0), atol=1e-12
    )


def test_model_mode_is_reproducible_and_seed_dependent():
    A = _orthonormal(10, 5, 9)
    model = ae.MixtureOfGaussians(A, noise_std=0.1)
    W0 = ae.perturb_dictionary(A, 0.2, np.random.default_rng(0))
    run = lambda seed: ae.train(
        W0,
        B,
        model,
        ae.ReLU(),
        step_size=2.0,
        n_steps=3,
        batch_size=50,
        rng=np.random.default_rng(seed),
    )
    a, b, c = run(1), run(1), run(2)
    np.testing.assert_array_equal(a.W, b.W)
    np.testing.assert_array_equal(a.loss, b.loss)
    assert not np.array_equal(a.W, c.W)


def test_bias_is_fixed_unless_bias_step_size_is_positive():
    A, Y, W0 = _small_problem(seed=10)
    bias = np.full(A.shape[1], -0.3)
    fixed = ae.train(W0, bias, Y, ae.ReLU(), step_size=1.0, n_steps=5)
    np.testing.assert_array_equal(fixed.bias, bias)
    moved = ae.train(
        W0, bias, Y, ae.ReLU(), step_size=1.0, n_steps=5, bias_step_size=0.5
    )
    assert np.all(np.abs(moved.bias - bias) > 1e-6)
    np.testing.assert_array_equal(bias, -0.3)  # the caller's array is untouched
    # a scalar bias becomes a vector
    assert ae.train(
        W0, -0.3, Y, ae.ReLU(), step_size=1.0, n_steps=1
    ).bias.shape == (A.shape[1],)


def test_bias_learning_lowers_the_loss():
    # Plain GD on W with a fixed, too-low bias cannot reach zero loss as fast as with the bias learnt too.
    A, Y, W0 = _small_problem(seed=11)
    kwargs = dict(step_size=0.5, n_steps=30, normalize=True)
    fixed = ae.train(W0, -0.5, Y, ae.ReLU(), **kwargs)
    learnt = ae.train(W0, -0.5, Y, ae.ReLU(), bias_step_size=1.0, **kwargs)
    assert learnt.loss[-1] < 0.5 * fixed.loss[-1]
    assert np.all(learnt.bias > -0.5)  # the bias rises towards 0, where ŷ = y


# --------------------------------------------------------------------------- history and fixed-sample mode


def test_history_shapes_and_summaries():
    A, Y, W0 = _small_problem(seed=12)
    steps, m = 7, A.shape[1]
    result = ae.train(
        W0, B, Y, ae.ReLU(), step_size=1.0, n_steps=steps, A_star=A
    )
    assert isinstance(result, ae.TrainingResult)
    assert result.W.shape == W0.shape and result.bias.shape == (m,)
    assert result.loss.shape == (steps,)
    assert result.indexed_errors.shape == (steps + 1, m)
    np.testing.assert_allclose(result.indexed_errors[0], 0.3, atol=1e-12)
    np.testing.assert_array_equal(
        result.max_indexed_error, result.indexed_errors.max(axis=1)
    )
    np.testing.assert_array_equal(
        result.mean_indexed_error, result.indexed_errors.mean(axis=1)
    )
    np.testing.assert_array_equal(
        result.median_indexed_error, np.median(result.indexed_errors, axis=1)
    )
    assert (
        result.max_indexed_error.shape
        == result.mean_indexed_error.shape
        == result.median_indexed_error.shape
        == (steps + 1,)
    )
    np.testing.assert_allclose(
        result.indexed_errors[-1],
        np.linalg.norm(result.W - A, axis=0),
        atol=1e-14,
    )


def test_no_ground_truth_no_errors():
    A, Y, W0 = _small_problem(seed=13)
    result = ae.train(W0, B, Y, ae.ReLU(), step_size=1.0, n_steps=2)
    assert result.indexed_errors is None
    for attribute in (
        "max_indexed_error",
        "mean_indexed_error",
        "median_indexed_error",
    ):
        with pytest.raises(ValueError, match="A_star"):
            getattr(result, attribute)


def test_fixed_sample_loss_decreases():
    A, Y, W0 = _small_problem(seed=14)
    result = ae.train(
        W0,
        B,
        Y,
        ae.ReLU(),
        step_size=1.0,
        n_steps=30,
        normalize=False,
        A_star=A,
    )
    assert result.loss[-1] < 1e-3 * result.loss[0]
    assert np.all(np.diff(result.loss) <= 1e-12)
    assert result.loss[0] == pytest.approx(
        ae.loss(W0, B, Y, ae.ReLU()), rel=1e-12
    )


def test_fixed_sample_accepts_array_like_and_leaves_inputs_alone():
    A, Y, W0 = _small_problem(seed=15)
    W0_copy, Y_copy = W0.copy(), Y.copy()
    as_arrays = ae.train(W0, B, Y, ae.ReLU(), step_size=1.0, n_steps=3)
    as_lists = ae.train(
        W0.tolist(), B, Y.tolist(), ae.ReLU(), step_size=1.0, n_steps=3
    )
    np.testing.assert_array_equal(as_arrays.W, as_lists.W)
    assert as_lists.indexed_errors is None
    np.testing.assert_array_equal(W0, W0_copy)
    np.testing.assert_array_equal(Y, Y_copy)


# --------------------------------------------------------------------------- divergence


def test_plain_gd_with_huge_step_diverges_with_helpful_message():
    A, Y, W0 = _small_problem(seed=16)
    with pytest.raises(ae.TrainingDivergedError, match="step_size"):
        ae.train(
            W0, B, Y, ae.ReLU(), step_size=1e7, n_steps=50, normalize=False
        )
    assert issubclass(ae.TrainingDivergedError, RuntimeError)


def test_plain_gd_with_large_step_diverges_after_a_few_steps():
    A, Y, W0 = _small_problem(seed=16)
    W0 = 2.0 * W0
    with pytest.raises(ae.TrainingDivergedError, match=r"step \d+.*step_size"):
        ae.train(
            W0, 0.0, Y, ae.ReLU(), step_size=5.0, n_steps=200, normalize=False
        )


def test_descend_runs_a_custom_direction_and_records_history():
    """descend() is the shared loop: with d = W − A* (gradient of ½‖W − A*‖²) and ζ = ½ the error halves."""
    rng = np.random.default_rng(7)
    A_star = ae.random_dictionary(10, 4, rng)
    W0 = A_star + 0.1 * rng.standard_normal(A_star.shape)
    W, losses, errors = ae.descend(
        W0,
        lambda W, t: (float(t), W - A_star),
        step_size=0.5,
        n_steps=5,
        normalize=False,
        A_star=A_star,
    )
    np.testing.assert_allclose(errors[1:] / errors[:-1], 0.5)
    np.testing.assert_array_equal(losses, np.arange(5.0))
    np.testing.assert_allclose(W - A_star, (W0 - A_star) / 32)


def test_descend_stops_on_divergence():
    """A direction that doubles the weights at every step blows up and raises, it does not return inf."""
    W0 = np.ones((3, 2))
    with pytest.raises(ae.TrainingDivergedError, match="reduce step_size"):
        ae.descend(
            W0,
            lambda W, t: (0.0, -W),
            step_size=1.0,
            n_steps=100,
            normalize=False,
        )


# ------------------------------------------------------------------ the one trainer and its loop


def _tiny_problem(seed=0, n=12, m=6):
    rng = np.random.default_rng(seed)
    A = ae.random_dictionary(n, m, rng)
    return A, ae.perturb_dictionary(A, 0.2, rng), rng


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(step_size=0.0), "step_size"),
        (dict(step_size=-1.0), "step_size"),
        (dict(step_size=True), "step_size"),
        (dict(step_size=[0.5]), "step_size"),
        (dict(step_size=float("nan")), "step_size"),
        (dict(n_steps=0), "n_steps"),
        (dict(normalize="False"), "normalize"),
    ],
)
def test_descend_refuses_bad_settings(kwargs, message):
    A, W0, _ = _tiny_problem()
    settings = dict(step_size=0.1, n_steps=3) | kwargs
    with pytest.raises((ValueError, TypeError), match=message):
        ae.descend(W0, lambda W, t: (0.0, np.zeros_like(W)), **settings)


def test_descend_refuses_bad_starts_and_directions():
    A, W0, _ = _tiny_problem()
    with pytest.raises(ValueError, match="W0"):
        ae.descend(W0[:, 0], lambda W, t: (0.0, W), step_size=0.1, n_steps=2)
    W_nan = W0.copy()
    W_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="W0"):
        ae.descend(W_nan, lambda W, t: (0.0, W), step_size=0.1, n_steps=2)
    with pytest.raises(
        ValueError, match="direction"
    ):  # a (n, 1) direction would silently broadcast
        ae.descend(W0, lambda W, t: (0.0, W[:, :1]), step_size=0.1, n_steps=2)
    with pytest.raises(TypeError, match="direction"):
        ae.descend(W0, "gradient", step_size=0.1, n_steps=2)


def test_normalised_descent_whose_loss_rises_stops_with_a_clear_error():
    """ζ p_i = 1 makes every unit fire and the columns collapse; that run used to end quietly."""
    rng = np.random.default_rng(5)
    A = ae.random_dictionary(64, 128, rng)
    model = ae.SparseCoding(A, 3)
    Y = model.sample(4000, rng).Y
    W0 = ae.perturb_dictionary(A, 0.3, rng)
    settings = dict(n_steps=40, A_star=A)
    with pytest.raises(ae.TrainingDivergedError, match="loss rose"):
        ae.train(
            W0,
            0.0,
            Y,
            ae.HardThreshold(0.5),
            step_size=ae.step_size_rule(model, 1.0),
            **settings,
        )
    # the same run is allowed when the rise is the point of the experiment, and it did collapse
    bad = ae.train(
        W0,
        0.0,
        Y,
        ae.HardThreshold(0.5),
        step_size=ae.step_size_rule(model, 1.0),
        allow_loss_increase=True,
        **settings,
    )
    assert (
        bad.loss[-8:].mean() > 100 * bad.loss[0]
        and bad.matched_errors(A).max() > 1.0
    )
    # the theory's step (ζ p_i = ¼) converges without complaint
    good = ae.train(
        W0,
        0.0,
        Y,
        ae.HardThreshold(0.5),
        step_size=ae.step_size_rule(model, 0.25),
        **settings,
    )
    assert (
        good.loss[-8:].mean() < good.loss[0]
        and good.max_indexed_error[-1] < 0.3
    )


def test_step_size_rule_is_c_m_over_s():
    A = ae.random_dictionary(20, 40, np.random.default_rng(0))
    assert ae.step_size_rule(ae.SparseCoding(A, 4), 0.25) == pytest.approx(
        0.25 * 40 / 4
    )
    weights = np.full(40, 0.5 / 39)
    weights[0] = 0.5
    assert ae.step_size_rule(
        ae.MixtureOfGaussians(A, weights), 0.5
    ) == pytest.approx(0.5 / (0.5 / 39))
    with pytest.raises(ValueError, match="c"):
        ae.step_size_rule(ae.SparseCoding(A, 4), 1.5)
    with pytest.raises(TypeError, match="model"):
        ae.step_size_rule(A)


def test_indexed_and_matched_errors_are_named_apart():
    """A start with its columns rolled by one: indexed errors are large, matched errors small."""
    rng = np.random.default_rng(5)
    A = ae.random_dictionary(64, 128, rng)
    model = ae.SparseCoding(A, 3)
    Y = model.sample(4000, rng).Y
    W0 = ae.perturb_dictionary(A, 0.3, rng)[:, np.roll(np.arange(128), 1)]
    result = ae.train(
        W0,
        0.0,
        Y,
        ae.HardThreshold(0.5),
        step_size=ae.step_size_rule(model, 0.25),
        n_steps=5,
        A_star=A,
    )
    assert result.max_indexed_error[-1] > 1.4
    assert result.matched_errors(A).max() < 0.6
    np.testing.assert_array_equal(
        result.matched_errors(A), ae.column_errors(result.W, A)
    )


def test_code_data_must_match_the_weights():
    A, W0, rng = _tiny_problem()
    batch = ae.sample_code_batch(ae.SparseCoding(A, 2), 20, rng)
    with pytest.raises(ValueError, match="CodeBatch"):
        ae.train(
            W0[:, :5],
            0.0,
            batch,
            ae.HardThreshold(0.5),
            step_size=0.1,
            n_steps=1,
        )
    with pytest.raises(ValueError, match="batch_size and rng"):
        ae.train(
            W0,
            0.0,
            batch,
            ae.HardThreshold(0.5),
            step_size=0.1,
            n_steps=1,
            batch_size=5,
        )


def test_support_sampler_cost_does_not_depend_on_luck():
    """s = m/2 used to redraw until no row repeated an index (never, in practice)."""
    rng = np.random.default_rng(0)
    batch = ae.sample_code_batch(
        ae.SparseCoding(ae.random_dictionary(20, 200, rng), 100), 50, rng
    )
    assert np.all(np.diff(batch.support, axis=1) > 0)
    # uniform: every index equally likely (s/m = 1/2), within 6 standard errors
    counts = np.bincount(batch.support.ravel(), minlength=200) / 50
    assert abs(counts.mean() - 0.5) < 1e-12 and np.all(
        np.abs(counts - 0.5) < 6 * np.sqrt(0.25 / 50)
    )
