"""Tests for aecore.autoencoder: activations, forward pass, loss and the tied gradient."""

from __future__ import annotations

import numpy as np
import pytest

import aecore as ae

ACTIVATIONS = [ae.ReLU(), ae.HardThreshold(0.4)]
IDS = ["relu", "hard-threshold"]


def _kink_distance(U: np.ndarray, activation) -> float:
    """Distance of the pre-activations to the activation's kink (ReLU) or jumps (hard threshold)."""
    if isinstance(activation, ae.HardThreshold):
        return float(np.min(np.abs(np.abs(U) - activation.threshold)))
    return float(np.min(np.abs(U)))


def _smooth_point(
    activation, rng: np.random.Generator, n=6, m=5, N=7, margin=1e-3
):
    """A random (W, bias, Y) with every pre-activation at least ``margin`` away from a kink or jump."""
    for _ in range(100):
        W = rng.standard_normal((n, m)) / np.sqrt(n)
        bias = rng.uniform(-0.3, 0.3, size=m)
        Y = rng.standard_normal((n, N))
        U = W.T @ Y + bias[:, None]
        mask = activation.active(U)
        if _kink_distance(U, activation) >= margin and 0 < mask.mean() < 1:
            return W, bias, Y
    raise AssertionError(
        "could not draw a sample away from the kinks"
    )  # pragma: no cover


def _central_differences(f, x: np.ndarray, h: float) -> np.ndarray:
    grad = np.empty_like(x)
    for idx in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[idx] += h
        minus[idx] -= h
        grad[idx] = (f(plus) - f(minus)) / (2 * h)
    return grad


def _rel_err(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


# --------------------------------------------------------------------------- activations


def test_relu_values_and_mask():
    U = np.array([[-2.0, -1e-12, 0.0, 1e-12, 3.0]])
    relu = ae.ReLU()
    np.testing.assert_array_equal(relu(U), [[0.0, 0.0, 0.0, 1e-12, 3.0]])
    np.testing.assert_array_equal(
        relu.active(U), [[False, False, False, True, True]]
    )


def test_hard_threshold_values_and_mask():
    U = np.array([[-0.6, -0.5, -0.49, 0.0, 0.49, 0.5, 0.7]])
    ht = ae.HardThreshold(0.5)
    np.testing.assert_array_equal(
        ht.active(U), [[True, True, False, False, False, True, True]]
    )
    np.testing.assert_array_equal(
        ht(U), [[-0.6, -0.5, 0.0, 0.0, 0.0, 0.5, 0.7]]
    )


def test_hard_threshold_zero_is_identity():
    U = np.random.default_rng(0).standard_normal((4, 9))
    np.testing.assert_array_equal(ae.HardThreshold(0.0)(U), U)


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=IDS)
def test_activation_identity_sigma_equals_derivative_times_u(activation):
    U = np.random.default_rng(1).standard_normal((5, 50))
    np.testing.assert_array_equal(activation(U), activation.active(U) * U)


# --------------------------------------------------------------------------- forward pass and loss


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=IDS)
def test_encode_decode_loss_match_direct_formulas(activation):
    rng = np.random.default_rng(2)
    W, bias, Y = _smooth_point(activation, rng)
    X = ae.encode(W, bias, Y, activation)
    U = W.T @ Y + bias[:, None]
    np.testing.assert_allclose(
        X, np.where(activation.active(U), U, 0.0), rtol=0, atol=1e-14
    )
    Y_hat = ae.decode(W, X)
    np.testing.assert_allclose(Y_hat, W @ X, rtol=0, atol=1e-14)
    expected = 0.5 * np.mean(np.sum((Y - Y_hat) ** 2, axis=0))
    assert ae.loss(W, bias, Y, activation) == pytest.approx(expected, rel=1e-12)
    value, gW, gb = ae.loss_and_gradient(W, bias, Y, activation)
    assert value == pytest.approx(expected, rel=1e-12)
    gW2, gb2 = ae.gradient(W, bias, Y, activation)
    np.testing.assert_array_equal(gW, gW2)
    np.testing.assert_array_equal(gb, gb2)
    assert gW.shape == W.shape and gb.shape == bias.shape


def test_scalar_bias_equals_constant_vector():
    rng = np.random.default_rng(3)
    W, _, Y = _smooth_point(ae.ReLU(), rng)
    vector = np.full(W.shape[1], -0.2)
    np.testing.assert_array_equal(
        ae.encode(W, -0.2, Y, ae.ReLU()), ae.encode(W, vector, Y, ae.ReLU())
    )
    for a, b in zip(
        ae.loss_and_gradient(W, -0.2, Y, ae.ReLU()),
        ae.loss_and_gradient(W, vector, Y, ae.ReLU()),
    ):
        np.testing.assert_array_equal(a, b)


def test_loss_is_zero_at_exact_reconstruction():
    # Orthonormal W, y = W e_i, ReLU with b = 0: x = e_i and W x = y.
    rng = np.random.default_rng(4)
    Q = np.linalg.qr(rng.standard_normal((6, 3)))[0]
    Y = Q @ np.eye(3)
    value, gW, gb = ae.loss_and_gradient(Q, 0.0, Y, ae.ReLU())
    assert value == pytest.approx(0.0, abs=1e-28)
    np.testing.assert_allclose(gW, 0.0, atol=1e-14)
    np.testing.assert_allclose(gb, 0.0, atol=1e-14)


def test_inputs_are_not_modified():
    rng = np.random.default_rng(5)
    W, bias, Y = _smooth_point(ae.ReLU(), rng)
    copies = (W.copy(), bias.copy(), Y.copy())
    ae.loss_and_gradient(W, bias, Y, ae.ReLU())
    ae.encode(W, bias, Y, ae.ReLU())
    for before, after in zip(copies, (W, bias, Y)):
        np.testing.assert_array_equal(before, after)


# --------------------------------------------------------------------------- gradient


@pytest.mark.parametrize("seed", [10, 11, 12])
@pytest.mark.parametrize("activation", ACTIVATIONS, ids=IDS)
def test_gradient_matches_central_finite_differences(activation, seed):
    rng = np.random.default_rng(seed)
    W, bias, Y = _smooth_point(activation, rng)
    assert np.all(np.abs(bias) > 1e-3)  # a genuinely non-zero bias
    h = 1e-5
    # A perturbation h of one weight moves a pre-activation by at most h·max|y|, far less than the margin,
    # so no unit crosses a kink or jump inside the stencil and central differences are accurate.
    assert h * np.max(np.abs(Y)) < 0.1 * _kink_distance(
        W.T @ Y + bias[:, None], activation
    )
    _, gW, gb = ae.loss_and_gradient(W, bias, Y, activation)
    fd_W = _central_differences(lambda V: ae.loss(V, bias, Y, activation), W, h)
    fd_b = _central_differences(lambda c: ae.loss(W, c, Y, activation), bias, h)
    assert _rel_err(gW, fd_W) < 1e-6
    assert _rel_err(gb, fd_b) < 1e-6


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=IDS)
def test_gradient_has_a_non_negligible_encoder_term(activation):
    """The tied gradient is decoder term + encoder term; the latter must not be dropped."""
    rng = np.random.default_rng(20)
    W, bias, Y = _smooth_point(activation, rng)
    N = Y.shape[1]
    U = W.T @ Y + bias[:, None]
    D = activation.active(U)
    X = D * U
    R = Y - W @ X
    decoder_only = -R @ X.T / N
    encoder_only = -Y @ (D * (W.T @ R)).T / N
    _, gW, _ = ae.loss_and_gradient(W, bias, Y, activation)
    # The encoder-path term is a sizeable part of the gradient ...
    assert np.linalg.norm(encoder_only) > 0.1 * np.linalg.norm(gW)
    assert _rel_err(decoder_only, gW) > 0.1
    # ... and the true (finite-difference) gradient is the sum of both terms.
    fd_W = _central_differences(
        lambda V: ae.loss(V, bias, Y, activation), W, 1e-5
    )
    assert _rel_err(decoder_only, fd_W) > 0.1
    assert _rel_err(decoder_only + encoder_only, fd_W) < 1e-6
    np.testing.assert_allclose(
        gW, decoder_only + encoder_only, rtol=1e-12, atol=1e-14
    )


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=IDS)
def test_gradient_matches_per_sample_formula(activation):
    """∇_{W_i} ℓ = −σ′(u_i)[u_i r + (W_iᵀ r) y], ∂ℓ/∂b_i = −σ′(u_i) W_iᵀ r, averaged over samples."""
    rng = np.random.default_rng(21)
    W, bias, Y = _smooth_point(activation, rng)
    gW = np.zeros_like(W)
    gb = np.zeros_like(bias)
    for y in Y.T:
        u = W.T @ y + bias
        d = activation.active(u).astype(float)
        r = y - W @ (d * u)
        for i in range(W.shape[1]):
            gW[:, i] -= d[i] * (u[i] * r + (W[:, i] @ r) * y)
            gb[i] -= d[i] * (W[:, i] @ r)
    gW /= Y.shape[1]
    gb /= Y.shape[1]
    _, gW_ae, gb_ae = ae.loss_and_gradient(W, bias, Y, activation)
    np.testing.assert_allclose(gW_ae, gW, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(gb_ae, gb, rtol=1e-10, atol=1e-14)


def test_gradient_is_the_average_over_samples():
    rng = np.random.default_rng(22)
    W, bias, Y = _smooth_point(ae.ReLU(), rng, N=10)
    Y1, Y2 = Y[:, :3], Y[:, 3:]
    l, gW, gb = ae.loss_and_gradient(W, bias, Y, ae.ReLU())
    l1, gW1, gb1 = ae.loss_and_gradient(W, bias, Y1, ae.ReLU())
    l2, gW2, gb2 = ae.loss_and_gradient(W, bias, Y2, ae.ReLU())
    assert l == pytest.approx((3 * l1 + 7 * l2) / 10, rel=1e-12)
    np.testing.assert_allclose(
        gW, (3 * gW1 + 7 * gW2) / 10, rtol=1e-12, atol=1e-15
    )
    np.testing.assert_allclose(
        gb, (3 * gb1 + 7 * gb2) / 10, rtol=1e-12, atol=1e-15
    )


def test_inactive_units_get_zero_gradient():
    rng = np.random.default_rng(23)
    W, _, Y = _smooth_point(ae.ReLU(), rng)
    bias = np.zeros(W.shape[1])
    bias[0] = -1e3  # unit 0 never fires
    _, gW, gb = ae.loss_and_gradient(W, bias, Y, ae.ReLU())
    np.testing.assert_array_equal(gW[:, 0], 0.0)
    assert gb[0] == 0.0
    assert np.linalg.norm(gW[:, 1:]) > 0
