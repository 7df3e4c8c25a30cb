"""Tests of aecore.peers: the wrappers really use their start, return (n, m) unit columns, and are reproducible."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.decomposition import DictionaryLearning

import aecore as ae
from aecore import peers

N_, M_, S_, SAMPLES = (
    40,
    60,
    2,
    800,
)  # n != m so that a transposed result cannot pass


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(7)
    A = ae.random_dictionary(N_, M_, rng)
    Y = (
        ae.SparseCoding(A, S_).sample(SAMPLES, rng).Y
    )  # noise-free, Rademacher codes
    return A, Y, ae.random_dictionary(N_, M_, rng)


def mean_error(D, A, signed=True):
    return float(np.mean(ae.column_errors(D, A, signed=signed)))


def test_dictionary_learning_uses_its_start(problem):
    A, Y, R = problem
    from_truth = peers.dictionary_learning(
        Y, A, alpha=0.05, n_iter=2, rng=np.random.default_rng(0)
    )
    from_random = peers.dictionary_learning(
        Y, R, alpha=0.05, n_iter=2, rng=np.random.default_rng(0)
    )
    # started at A*, two iterations leave only the ℓ1 shrinkage bias; a random start is far after two
    assert mean_error(from_truth, A) < 0.05
    assert mean_error(from_random, A) > 0.3


@pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning"
)  # raw scikit-learn / one EM step, on purpose
def test_dictionary_learning_without_code_init_ignores_dict_init(problem):
    # the trap the wrapper avoids: scikit-learn silently starts from an SVD when code_init is missing
    A, Y, R = problem
    fits = [
        DictionaryLearning(
            M_,
            alpha=0.05,
            max_iter=2,
            fit_algorithm="cd",
            dict_init=D.T,
            random_state=0,
        ).fit(Y.T)
        for D in (A, R)
    ]
    assert np.array_equal(fits[0].components_, fits[1].components_)


def test_minibatch_dictionary_learning_uses_its_start(problem):
    A, Y, R = problem
    kw = {"alpha": 0.05, "n_epochs": 1, "batch_size": 100}
    from_truth = peers.minibatch_dictionary_learning(
        Y, A, rng=np.random.default_rng(0), **kw
    )
    from_random = peers.minibatch_dictionary_learning(
        Y, R, rng=np.random.default_rng(0), **kw
    )
    assert mean_error(from_truth, A) < 0.05
    assert mean_error(from_random, A) > 0.3


def test_minibatch_dictionary_learning_reports_every_pass_and_is_reproducible(
    problem,
):
    A, Y, _ = problem
    seen = []
    kw = {"alpha": 0.1, "n_epochs": 3, "batch_size": 128}
    D1 = peers.minibatch_dictionary_learning(
        Y,
        A,
        rng=np.random.default_rng(3),
        callback=lambda t, D: seen.append((t, D)),
        **kw,
    )
    D2 = peers.minibatch_dictionary_learning(
        Y, A, rng=np.random.default_rng(3), **kw
    )
    assert [t for t, _ in seen] == [1, 2, 3] and np.array_equal(seen[-1][1], D1)
    assert np.array_equal(
        D1, D2
    )  # same rng, same result: early stopping is off, the shuffle is seeded


def test_omp_codes_have_exactly_s_nonzeros_and_recover_true_codes(problem):
    A, _, _ = problem
    rng = np.random.default_rng(11)
    Z = rng.standard_normal((N_, 50))  # generic data: OMP never stops early
    assert np.all(np.count_nonzero(peers.omp_codes(A, Z, 3), axis=0) == 3)
    sample = ae.SparseCoding(A, S_).sample(50, rng)
    X = peers.omp_codes(A, sample.Y, S_)
    assert X.shape == (M_, 50) and np.allclose(
        X, sample.X, atol=1e-10
    )  # a wrong support would miss by ≥ 1


def test_mod_is_exact_from_a_close_start_and_reports_each_iteration(problem):
    A, Y, _ = problem
    W0 = ae.perturb_dictionary(A, 0.2, np.random.default_rng(5))
    seen = []
    D = peers.mod(Y, W0, S_, n_iter=15, callback=lambda t, D: seen.append(t))
    assert seen == list(range(1, 16))
    assert (
        np.max(ae.column_errors(D, A)) < 1e-8
    )  # noise-free data, right supports: least squares is exact (it shrinks ~4× per iteration)


@pytest.mark.parametrize("method", ["kmeans", "gaussian_mixture"])
def test_mixture_tools_start_where_told(method):
    rng = np.random.default_rng(2)
    A = ae.random_dictionary(30, 8, rng)
    Y = ae.MixtureOfGaussians(A, None, 0.05).sample(2000, rng).Y
    fit = getattr(peers, method)
    C = fit(Y, ae.perturb_dictionary(A, 0.3, rng), rng=np.random.default_rng(0))
    assert C.shape == (30, 8) and np.allclose(np.linalg.norm(C, axis=0), 1.0)
    # from a δ-close start every centre reaches the class mean, about σ√(n m / N) = 0.017 away
    assert np.max(ae.column_errors(C, A, signed=False)) < 0.05
    default = fit(Y, 8, rng=np.random.default_rng(0))
    assert default.shape == (30, 8)
    with pytest.raises(ValueError, match="n_init must be 1"):
        fit(Y, A, rng=np.random.default_rng(0), n_init=3)


@pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning"
)  # raw scikit-learn / one EM step, on purpose
def test_gaussian_mixture_start_is_used_for_every_parameter():
    # one EM iteration from the true centres lands at the class means: means, weights and variances all come from the start
    rng = np.random.default_rng(4)
    A = ae.random_dictionary(30, 8, rng)
    Y = ae.MixtureOfGaussians(A, None, 0.05).sample(2000, rng).Y
    one = peers.gaussian_mixture(Y, A, rng=np.random.default_rng(0), max_iter=1)
    assert np.max(ae.column_errors(one, A, signed=False)) < 0.05


def test_nmf_applies_only_to_non_negative_data_and_starts():
    rng = np.random.default_rng(9)
    A = (
        np.abs(ae.random_dictionary(20, 10, rng)) * (rng.random((20, 10)) < 0.3)
        + 1e-3
    )
    A /= np.linalg.norm(A, axis=0)
    Y = ae.NonnegativeSparseCoding(A, 2, 1.0, 2.0).sample(500, rng).Y
    D = peers.nmf(Y, A, n_iter=5)
    assert (
        D.shape == (20, 10)
        and np.all(D >= 0)
        and np.allclose(np.linalg.norm(D, axis=0), 1.0)
    )
    far = peers.nmf(Y, np.abs(ae.random_dictionary(20, 10, rng)), n_iter=5)
    # the start is used: from the truth five iterations end near it (0.06 on average), from elsewhere far (0.24)
    assert mean_error(D, A, signed=False) < 0.1
    assert mean_error(far, A, signed=False) > 0.2
    with pytest.raises(ValueError, match="non-negative data"):
        peers.nmf(Y - 0.5, A, n_iter=1)
    with pytest.raises(ValueError, match="start must be non-negative"):
        peers.nmf(Y, A - 0.5, n_iter=1)


def test_validation_messages(problem):
    A, Y, _ = problem
    rng = np.random.default_rng(0)
    with pytest.raises(
        ValueError, match=r"start must have shape \(40, 'any'\)"
    ):
        peers.mod(Y, A.T, S_, n_iter=1)
    with pytest.raises(ValueError, match="s must be at most"):
        peers.omp_codes(A, Y, N_ + 1)
    with pytest.raises(ValueError, match="alpha must lie in"):
        peers.minibatch_dictionary_learning(
            Y, A, alpha=0.0, n_epochs=1, rng=rng
        )
    with pytest.raises(
        ValueError, match="rng must be a numpy.random.Generator"
    ):
        peers.dictionary_learning(Y, A, alpha=0.1, n_iter=1, rng=0)
    with pytest.raises(
        ValueError, match="cannot learn m = 60 columns from N = 10 samples"
    ):
        peers.mod(Y[:, :10], A, S_, n_iter=1)
    with pytest.raises(ValueError, match="zero column"):
        peers.mod(Y, np.zeros_like(A), S_, n_iter=1)


def test_spams_starts_where_told(problem):
    pytest.importorskip("spams")
    A, Y, R = problem
    from_truth = peers.spams_train_dl(
        Y, A, lambda1=0.05, n_iter=10, batch_size=100
    )
    from_random = peers.spams_train_dl(
        Y, R, lambda1=0.05, n_iter=10, batch_size=100
    )
    assert from_truth.shape == (N_, M_)
    assert mean_error(from_truth, A) < 0.05
    assert mean_error(from_random, A) > 0.3
