"""Tests for aecore.dictionaries: random dictionaries, incoherence, δ-perturbations."""

from __future__ import annotations

import numpy as np
import pytest

import aecore as ae


# --------------------------------------------------------------------------- random_dictionary


@pytest.mark.parametrize(("n", "m"), [(2, 1), (5, 3), (20, 50)])
def test_random_dictionary_shape_and_unit_columns(n, m):
    A = ae.random_dictionary(n, m, np.random.default_rng(0))
    assert A.shape == (n, m)
    np.testing.assert_allclose(
        np.linalg.norm(A, axis=0), 1.0, rtol=0, atol=1e-12
    )


def test_random_dictionary_is_deterministic_per_seed():
    a = ae.random_dictionary(6, 4, np.random.default_rng(1))
    b = ae.random_dictionary(6, 4, np.random.default_rng(1))
    c = ae.random_dictionary(6, 4, np.random.default_rng(2))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_random_dictionary_columns_are_uniform_on_the_sphere():
    n, m = 3, 30000
    A = ae.random_dictionary(n, m, np.random.default_rng(3))
    # E[a] = 0 and E[a aᵀ] = I/n for a uniform unit vector; Var(a_k) = 1/n, Var(a_k²) = 2(n−1)/(n²(n+2)).
    assert np.all(np.abs(A.mean(axis=1)) < 5 * np.sqrt(1 / n / m))
    second = A @ A.T / m
    sd_diag = np.sqrt(2 * (n - 1) / (n**2 * (n + 2)) / m)
    assert np.all(np.abs(np.diag(second) - 1 / n) < 5 * sd_diag)
    off = second[np.triu_indices(n, 1)]
    assert np.all(np.abs(off) < 5 * np.sqrt(1 / (n * (n + 2)) / m))


# --------------------------------------------------------------------------- incoherence


def test_incoherence_of_orthonormal_basis_is_zero():
    Q = np.linalg.qr(np.random.default_rng(4).standard_normal((7, 7)))[0]
    assert ae.incoherence(Q) == pytest.approx(0.0, abs=1e-12)
    assert ae.incoherence(np.eye(5)[:, :3]) == 0.0


def test_incoherence_hand_value():
    # n = 4; the largest |⟨A_i, A_j⟩| is 0.3 (attained with a negative sign), so μ = √4 · 0.3 = 0.6.
    c = np.sqrt(1 - 0.3**2)
    A = np.array(
        [
            [1.0, -0.3, 0.0],
            [0.0, c, 0.0],
            [0.0, 0.0, 0.6],
            [0.0, 0.0, 0.8],
        ]
    )
    # ⟨A_0, A_1⟩ = −0.3, ⟨A_0, A_2⟩ = 0, ⟨A_1, A_2⟩ = 0
    assert ae.incoherence(A) == pytest.approx(0.6, rel=1e-12)
    # a repeated atom (up to sign) has maximal incoherence √n
    B = np.column_stack([A[:, 0], -A[:, 0], A[:, 2]])
    assert ae.incoherence(B) == pytest.approx(2.0, rel=1e-12)


def test_incoherence_is_invariant_to_permutation_and_sign():
    rng = np.random.default_rng(5)
    A = ae.random_dictionary(10, 15, rng)
    B = A[:, rng.permutation(15)] * rng.choice([-1.0, 1.0], size=15)
    assert ae.incoherence(B) == pytest.approx(ae.incoherence(A), rel=1e-12)


@pytest.mark.parametrize("m", [10, 50, 200])
def test_random_dictionary_incoherence_grows_like_sqrt_log_m(m):
    # For random unit columns in large n, √n ⟨A_i, A_j⟩ ≈ N(0, 1): the maximum over the
    # ~m²/2 pairs is ≈ √(2 log(m²/2)). Bounds by a factor of 2 either side.
    n = 400
    mu = ae.incoherence(ae.random_dictionary(n, m, np.random.default_rng(m)))
    scale = np.sqrt(2 * np.log(m**2))
    assert 0.5 * scale <= mu <= 2 * scale


def test_random_dictionary_incoherence_increases_with_m():
    n = 400
    mus = [
        np.median(
            [
                ae.incoherence(
                    ae.random_dictionary(n, m, np.random.default_rng(seed))
                )
                for seed in range(5)
            ]
        )
        for m in (5, 40, 320)
    ]
    assert mus[0] < mus[1] < mus[2]
    # growth is slow (logarithmic), not polynomial: 64× more atoms, well under 4× the incoherence
    assert mus[2] < 4 * mus[0]


# --------------------------------------------------------------------------- perturb_dictionary


@pytest.mark.parametrize("delta", [0.0, 0.05, 0.3, 1.0, np.sqrt(2), 1.9, 2.0])
def test_perturb_dictionary_exact_scalar_distance(delta):
    rng = np.random.default_rng(6)
    A = ae.random_dictionary(8, 5, rng)
    W = ae.perturb_dictionary(A, delta, rng)
    assert W.shape == A.shape
    np.testing.assert_allclose(
        np.linalg.norm(W, axis=0), 1.0, rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(
        np.linalg.norm(W - A, axis=0), delta, rtol=0, atol=1e-12
    )


def test_perturb_dictionary_exact_per_column_distance():
    rng = np.random.default_rng(7)
    A = ae.random_dictionary(10, 6, rng)
    delta = np.array([0.0, 0.1, 0.2, 0.5, 1.5, 2.0])
    W = ae.perturb_dictionary(A, delta, rng)
    np.testing.assert_allclose(
        np.linalg.norm(W, axis=0), 1.0, rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(
        np.linalg.norm(W - A, axis=0), delta, rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(W[:, 0], A[:, 0], atol=1e-15)
    np.testing.assert_allclose(W[:, -1], -A[:, -1], atol=1e-12)


def test_perturb_dictionary_at_sqrt2_is_orthogonal():
    rng = np.random.default_rng(8)
    A = ae.random_dictionary(10, 6, rng)
    W = ae.perturb_dictionary(A, np.sqrt(2), rng)
    np.testing.assert_allclose(np.sum(W * A, axis=0), 0.0, atol=1e-12)


def test_perturb_dictionary_is_deterministic_random_and_leaves_input_alone():
    A = ae.random_dictionary(10, 6, np.random.default_rng(9))
    A_copy = A.copy()
    a = ae.perturb_dictionary(A, 0.3, np.random.default_rng(1))
    b = ae.perturb_dictionary(A, 0.3, np.random.default_rng(1))
    c = ae.perturb_dictionary(A, 0.3, np.random.default_rng(2))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    np.testing.assert_array_equal(A, A_copy)


def test_perturb_dictionary_directions_are_spread_out():
    # The perturbation direction v_i is uniform on the sphere orthogonal to A_i: averaged over
    # many draws, W_i → cos θ · A_i.
    A = np.eye(4)[:, :2]
    rng = np.random.default_rng(10)
    delta = 0.5
    Ws = np.stack([ae.perturb_dictionary(A, delta, rng) for _ in range(3000)])
    cos_theta = 1 - delta**2 / 2
    np.testing.assert_allclose(Ws.mean(axis=0), cos_theta * A, atol=0.05)


@pytest.mark.parametrize("delta", [0.0, 0.3, 2.0])
def test_perturb_dictionary_with_the_seed_that_drew_the_dictionary(delta):
    # random_dictionary(n, m, default_rng(s)) and the perturbation's first draw from default_rng(s)
    # are parallel; the perturbation must still be finite, unit-norm and at distance exactly δ.
    A = ae.random_dictionary(5, 3, np.random.default_rng(0))
    W = ae.perturb_dictionary(A, delta, np.random.default_rng(0))
    assert np.all(np.isfinite(W))
    np.testing.assert_allclose(
        np.linalg.norm(W, axis=0), 1.0, rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(
        np.linalg.norm(W - A, axis=0), delta, rtol=0, atol=1e-12
    )
