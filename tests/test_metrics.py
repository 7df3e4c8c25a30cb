"""Tests for aecore.metrics: matching up to permutation/sign, errors, closeness, support recovery."""

from __future__ import annotations

import numpy as np
import pytest

import aecore as ae


def _setup(seed: int, n: int = 20, m: int = 8, delta: float = 0.2):
    rng = np.random.default_rng(seed)
    A = ae.random_dictionary(n, m, rng)
    W = ae.perturb_dictionary(A, delta, rng)
    perm = rng.permutation(m)
    while np.all(
        perm == np.arange(m)
    ):  # pragma: no cover - make sure it is a real permutation
        perm = rng.permutation(m)
    signs = rng.choice([-1.0, 1.0], size=m)
    signs[0] = -1.0  # at least one sign flip
    return A, W, perm, signs


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_column_errors_invariant_under_permutation_and_sign(seed):
    A, W, perm, signs = _setup(seed)
    shuffled = W[:, perm] * signs
    expected = np.linalg.norm(W - A, axis=0)
    np.testing.assert_allclose(expected, 0.2, atol=1e-12)
    np.testing.assert_allclose(
        ae.column_errors(shuffled, A), expected, rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(
        ae.column_errors(W, A), expected, rtol=0, atol=1e-12
    )
    np.testing.assert_allclose(
        ae.column_errors(W, A, match=False), expected, rtol=0, atol=1e-12
    )
    # compared as indexed, the shuffled estimate is far off
    assert np.max(ae.column_errors(shuffled, A, match=False)) > 1.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_match_and_align_recover_permutation_and_signs_exactly(seed):
    A, W, perm, signs = _setup(seed)
    shuffled = W[:, perm] * signs
    found_perm, found_signs = ae.match_columns(shuffled, A)
    # shuffled[:, j] = signs[j] W[:, perm[j]], so W[:, i] sits at j = inverse(perm)[i]
    inverse = np.argsort(perm)
    np.testing.assert_array_equal(found_perm, inverse)
    np.testing.assert_array_equal(found_signs, signs[inverse])
    np.testing.assert_array_equal(ae.align_columns(shuffled, A), W)


def test_unsigned_matching_recovers_permutation_but_rejects_sign_flips():
    A, W, perm, signs = _setup(3)
    permuted = W[:, perm]
    found_perm, found_signs = ae.match_columns(permuted, A, signed=False)
    np.testing.assert_array_equal(found_perm, np.argsort(perm))
    np.testing.assert_array_equal(found_signs, 1.0)
    np.testing.assert_array_equal(
        ae.align_columns(permuted, A, signed=False), W
    )
    np.testing.assert_allclose(
        ae.column_errors(permuted, A, signed=False), 0.2, atol=1e-12
    )
    # flip one column: allowed with signed=True, not with signed=False
    flipped = permuted * signs
    np.testing.assert_allclose(
        ae.column_errors(flipped, A, signed=True), 0.2, atol=1e-12
    )
    assert np.max(ae.column_errors(flipped, A, signed=False)) > 1.0
    assert ae.is_delta_close(flipped, A, 0.25, signed=True)
    assert not ae.is_delta_close(flipped, A, 0.25, signed=False)


def test_matching_is_optimal_not_greedy():
    # Cosines ⟨A_i, W_j⟩: [[0.60, 0.55], [0.58, 0.05]]. Greedy would pair (0,0) then (1,1) (total 0.65);
    # the optimal assignment pairs A_0–W_1 and A_1–W_0 (total 1.13).
    C = np.array([[0.60, 0.55], [0.58, 0.05]])
    A = np.eye(4)[:, :2]
    W = np.zeros((4, 2))
    W[:2] = C
    W[2] = np.sqrt(1 - np.sum(C**2, axis=0))
    np.testing.assert_allclose(A.T @ W, C)
    perm, signs = ae.match_columns(W, A)
    np.testing.assert_array_equal(perm, [1, 0])
    np.testing.assert_array_equal(signs, [1.0, 1.0])


def test_match_uses_directions_not_lengths():
    A, W, perm, signs = _setup(4)
    scaled = (W * np.linspace(0.1, 10, W.shape[1]))[:, perm] * signs
    np.testing.assert_array_equal(
        ae.match_columns(scaled, A)[0], np.argsort(perm)
    )


def test_column_errors_hand_values():
    A = np.eye(3)
    W = np.array([[0.0, 0.0, -1.0], [1.0, 0.0, 0.0], [0.0, 2.0, 0.0]])
    # matched: A_0 ↔ −W_2 (error 0), A_1 ↔ W_0 (0), A_2 ↔ W_1 (‖2e₂ − e₂‖ = 1)
    np.testing.assert_allclose(ae.column_errors(W, A), [0.0, 0.0, 1.0])
    np.testing.assert_allclose(
        ae.column_errors(W, A, match=False),
        [np.sqrt(2), np.sqrt(5), np.sqrt(2)],
    )
    # W_2 = (−0.6, 0.8, 0). Signed: A_0 ↔ −W_2 (error √0.8), A_1 ↔ W_0, A_2 ↔ W_1.
    # Unsigned (maximise the sum of cosines): A_0 ↔ W_0 (√2), A_1 ↔ W_2 (√0.4), A_2 ↔ W_1 (1).
    W = np.array([[0.0, 0.0, -0.6], [1.0, 0.0, 0.8], [0.0, 2.0, 0.0]])
    np.testing.assert_allclose(ae.column_errors(W, A), [np.sqrt(0.8), 0.0, 1.0])
    np.testing.assert_allclose(
        ae.column_errors(W, A, signed=False), [np.sqrt(2), np.sqrt(0.4), 1.0]
    )


def test_is_delta_close_true_and_false():
    A, W, perm, signs = _setup(5, delta=0.2)
    shuffled = W[:, perm] * signs
    assert ae.is_delta_close(shuffled, A, 0.2 + 1e-9)
    assert ae.is_delta_close(shuffled, A, 1.0)
    assert not ae.is_delta_close(shuffled, A, 0.19)
    assert not ae.is_delta_close(shuffled, A, 0.0)
    assert ae.is_delta_close(A, A, 0.0)


def test_is_near_true_and_false():
    A, W, perm, signs = _setup(6, delta=0.2)
    shuffled = W[:, perm] * signs
    ratio = np.linalg.norm(W - A, 2) / np.linalg.norm(A, 2)
    assert 0 < ratio < 1
    assert ae.is_near(shuffled, A, 0.21, 1.01 * ratio)
    assert not ae.is_near(
        shuffled, A, 0.21, 0.99 * ratio
    )  # spectral condition fails
    assert not ae.is_near(shuffled, A, 0.19, 10.0)  # column condition fails
    assert not ae.is_near(
        shuffled, A, 0.21, 10.0, signed=False
    )  # a sign flip is not allowed
    assert ae.is_near(A, A, 0.0, 0.0)


def test_support_recovery_rate_hand_built():
    X_star = np.array(
        [
            [1.0, 1.0, 1.0, 0.0, 2.0],
            [0.0, -1.0, 0.0, 1.0, 0.0],
            [-1.0, 0.0, 0.0, 0.0, 0.0],
        ]
    )
    # Samples (columns): 0 same support and signs, other magnitudes; 1 same support, one wrong sign;
    # 2 an extra active unit; 3 exact; 4 same support and sign, other magnitude.
    X_hat = np.array(
        [
            [0.5, 1.0, 1.0, 0.0, 3.0],
            [0.0, 1.0, 0.0, 1.0, 0.0],
            [-2.0, 0.0, 0.3, 0.0, 0.0],
        ]
    )
    assert ae.support_recovery_rate(X_hat, X_star) == pytest.approx(3 / 5)
    assert ae.support_recovery_rate(
        X_hat, X_star, signed=False
    ) == pytest.approx(4 / 5)
    assert ae.support_recovery_rate(X_star, X_star) == 1.0
    assert ae.support_recovery_rate(np.zeros_like(X_star), X_star) == 0.0
    assert ae.support_recovery_rate(-X_star, X_star) == 0.0
    assert ae.support_recovery_rate(-X_star, X_star, signed=False) == 1.0


def test_support_recovery_of_a_good_encoder_on_sparse_codes():
    # An orthonormal dictionary, no noise, hard threshold between 0 and the smallest magnitude:
    # the encoder recovers every support and sign.
    rng = np.random.default_rng(7)
    A = np.linalg.qr(rng.standard_normal((12, 8)))[0]
    model = ae.SparseCoding(A, s=3, low=0.5, high=1.0)
    Y, X = model.sample(300, rng)
    X_hat = ae.encode(A, 0.0, Y, ae.HardThreshold(0.25))
    assert ae.support_recovery_rate(X_hat, X) == 1.0
    assert (
        ae.support_recovery_rate(
            ae.encode(A, 0.0, Y, ae.HardThreshold(0.75)), X
        )
        < 0.5
    )
