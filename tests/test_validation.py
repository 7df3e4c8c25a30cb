"""Bad input: every public function raises ValueError with a message that names the argument."""

from __future__ import annotations

import numpy as np
import pytest

import aecore as ae

N_, M_ = 5, 3
_A = ae.random_dictionary(N_, M_, np.random.default_rng(0))  # unit columns
_Y = np.random.default_rng(1).standard_normal((N_, 4))
_X = np.random.default_rng(2).standard_normal((M_, 4))
_RELU = ae.ReLU()


def _rng():
    return np.random.default_rng(0)


def _with(array, index, value):
    out = np.array(array, dtype=float)
    out[index] = value
    return out


_NON_UNIT = 2.0 * _A
_ZERO_COL = _with(_A, (slice(None), 1), 0.0)
_MIXTURE = ae.MixtureOfGaussians(_A)
_SPARSE = ae.SparseCoding(_A, s=2)


# Each case: (id, thunk, regex the message must match). The regex names the offending argument.
CASES = [
    # ---------------------------------------------------------------- autoencoder
    (
        "encode-W-1d",
        lambda: ae.encode(np.ones(N_), 0.0, _Y, _RELU),
        r"^W must be a 2-D array",
    ),
    (
        "encode-W-3d",
        lambda: ae.encode(np.ones((N_, M_, 1)), 0.0, _Y, _RELU),
        r"^W must be a 2-D array",
    ),
    (
        "encode-W-nan",
        lambda: ae.encode(_with(_A, (0, 0), np.nan), 0.0, _Y, _RELU),
        r"^W contains NaN",
    ),
    (
        "encode-W-inf",
        lambda: ae.encode(_with(_A, (0, 0), np.inf), 0.0, _Y, _RELU),
        r"^W contains NaN or infinite",
    ),
    (
        "encode-W-str",
        lambda: ae.encode("W", 0.0, _Y, _RELU),
        r"^W must be a real numeric array",
    ),
    (
        "encode-W-numeric-str",
        lambda: ae.encode(_A.astype(str), 0.0, _Y, _RELU),
        r"^W must be a real numeric array",
    ),
    (
        "encode-W-complex",
        lambda: ae.encode(_A + 1j, 0.0, _Y, _RELU),
        r"^W must be a real numeric array",
    ),
    (
        "encode-W-ragged",
        lambda: ae.encode([[1.0, 2.0], [3.0]], 0.0, _Y, _RELU),
        r"^W must be a real numeric array",
    ),
    ("encode-W-none", lambda: ae.encode(None, 0.0, _Y, _RELU), r"^W "),
    (
        "encode-W-empty",
        lambda: ae.encode(np.empty((N_, 0)), 0.0, _Y, _RELU),
        r"^W must not be empty",
    ),
    (
        "encode-Y-rows",
        lambda: ae.encode(_A, 0.0, _Y[:-1], _RELU),
        r"^Y must have shape",
    ),
    (
        "encode-Y-1d",
        lambda: ae.encode(_A, 0.0, _Y[:, 0], _RELU),
        r"^Y must be a 2-D array",
    ),
    (
        "encode-Y-nan",
        lambda: ae.encode(_A, 0.0, _with(_Y, (1, 1), np.nan), _RELU),
        r"^Y contains NaN",
    ),
    (
        "encode-bias-length",
        lambda: ae.encode(_A, np.zeros(M_ + 1), _Y, _RELU),
        r"^bias must be a scalar or have shape \(3,\)",
    ),
    (
        "encode-bias-nan",
        lambda: ae.encode(_A, np.nan, _Y, _RELU),
        r"^bias contains NaN",
    ),
    (
        "encode-bias-str",
        lambda: ae.encode(_A, "zero", _Y, _RELU),
        r"^bias must be a real numeric array",
    ),
    (
        "encode-activation-str",
        lambda: ae.encode(_A, 0.0, _Y, "relu"),
        r"^activation must be",
    ),
    (
        "encode-activation-func",
        lambda: ae.encode(_A, 0.0, _Y, np.tanh),
        r"^activation must be",
    ),
    (
        "encode-activation-class",
        lambda: ae.encode(_A, 0.0, _Y, ae.ReLU),
        r"^activation must be",
    ),
    ("decode-X-rows", lambda: ae.decode(_A, _X[:-1]), r"^X must have shape"),
    (
        "decode-X-str",
        lambda: ae.decode(_A, "X"),
        r"^X must be a real numeric array",
    ),
    (
        "decode-W-inf",
        lambda: ae.decode(_with(_A, (1, 1), -np.inf), _X),
        r"^W contains NaN or infinite",
    ),
    (
        "loss-Y-rows",
        lambda: ae.loss(_A, 0.0, _Y.T, _RELU),
        r"^Y must have shape",
    ),
    (
        "loss-activation",
        lambda: ae.loss(_A, 0.0, _Y, None),
        r"^activation must be",
    ),
    (
        "gradient-bias-2d",
        lambda: ae.gradient(_A, np.zeros((M_, 1)), _Y, _RELU),
        r"^bias must be a scalar or have shape",
    ),
    (
        "gradient-W-nan",
        lambda: ae.gradient(_with(_A, (2, 2), np.nan), 0.0, _Y, _RELU),
        r"^W contains NaN",
    ),
    (
        "loss_and_gradient-Y-str",
        lambda: ae.loss_and_gradient(_A, 0.0, "Y", _RELU),
        r"^Y must be a real numeric array",
    ),
    (
        "loss_and_gradient-activation",
        lambda: ae.loss_and_gradient(_A, 0.0, _Y, 0.5),
        r"^activation must be",
    ),
    (
        "threshold-negative",
        lambda: ae.HardThreshold(-0.1),
        r"^threshold must lie in \[0.0, inf\]",
    ),
    (
        "threshold-nan",
        lambda: ae.HardThreshold(np.nan),
        r"^threshold must be finite",
    ),
    (
        "threshold-str",
        lambda: ae.HardThreshold("0.5"),
        r"^threshold must be a real number",
    ),
    (
        "threshold-bool",
        lambda: ae.HardThreshold(True),
        r"^threshold must be a real number",
    ),
    # ---------------------------------------------------------------- dictionaries
    (
        "random-n-1",
        lambda: ae.random_dictionary(1, 3, _rng()),
        r"^n must be at least 2",
    ),
    (
        "random-n-float",
        lambda: ae.random_dictionary(4.0, 3, _rng()),
        r"^n must be an integer",
    ),
    (
        "random-n-str",
        lambda: ae.random_dictionary("4", 3, _rng()),
        r"^n must be an integer",
    ),
    (
        "random-m-0",
        lambda: ae.random_dictionary(4, 0, _rng()),
        r"^m must be at least 1",
    ),
    (
        "random-m-bool",
        lambda: ae.random_dictionary(4, True, _rng()),
        r"^m must be an integer",
    ),
    (
        "random-rng-int",
        lambda: ae.random_dictionary(4, 3, 0),
        r"^rng must be a numpy.random.Generator",
    ),
    (
        "random-rng-none",
        lambda: ae.random_dictionary(4, 3, None),
        r"^rng must be a numpy.random.Generator",
    ),
    (
        "random-rng-legacy",
        lambda: ae.random_dictionary(4, 3, np.random.RandomState(0)),
        r"^rng must be a numpy.random.Generator",
    ),
    (
        "incoherence-non-unit",
        lambda: ae.incoherence(_NON_UNIT),
        r"^A must have unit-norm columns",
    ),
    (
        "incoherence-one-column",
        lambda: ae.incoherence(_A[:, :1]),
        r"^A must have at least 2 columns",
    ),
    (
        "incoherence-nan",
        lambda: ae.incoherence(_with(_A, (0, 0), np.nan)),
        r"^A contains NaN",
    ),
    (
        "incoherence-1d",
        lambda: ae.incoherence(_A[:, 0]),
        r"^A must be a 2-D array",
    ),
    (
        "incoherence-str",
        lambda: ae.incoherence("A"),
        r"^A must be a real numeric array",
    ),
    (
        "perturb-non-unit",
        lambda: ae.perturb_dictionary(_NON_UNIT, 0.1, _rng()),
        r"^A_star must have unit-norm columns",
    ),
    (
        "perturb-one-row",
        lambda: ae.perturb_dictionary(np.ones((1, 3)), 0.0, _rng()),
        r"^A_star must have at least 2 rows",
    ),
    (
        "perturb-delta-negative",
        lambda: ae.perturb_dictionary(_A, -0.1, _rng()),
        r"^delta must lie in \[0, 2\]",
    ),
    (
        "perturb-delta-above-2",
        lambda: ae.perturb_dictionary(_A, 2.01, _rng()),
        r"^delta must lie in \[0, 2\]",
    ),
    (
        "perturb-delta-vector-bad",
        lambda: ae.perturb_dictionary(_A, [0.1, 0.2, 3.0], _rng()),
        r"^delta must lie in \[0, 2\]",
    ),
    (
        "perturb-delta-length",
        lambda: ae.perturb_dictionary(_A, [0.1, 0.2], _rng()),
        r"^delta must be a scalar or have shape \(3,\)",
    ),
    (
        "perturb-delta-nan",
        lambda: ae.perturb_dictionary(_A, np.nan, _rng()),
        r"^delta contains NaN",
    ),
    (
        "perturb-delta-str",
        lambda: ae.perturb_dictionary(_A, "small", _rng()),
        r"^delta must be a real numeric array",
    ),
    (
        "perturb-rng",
        lambda: ae.perturb_dictionary(_A, 0.1, 42),
        r"^rng must be a numpy.random.Generator",
    ),
    # ---------------------------------------------------------------- models
    (
        "mixture-non-unit",
        lambda: ae.MixtureOfGaussians(_NON_UNIT),
        r"^A_star must have unit-norm columns",
    ),
    (
        "mixture-A-nan",
        lambda: ae.MixtureOfGaussians(_with(_A, (0, 0), np.nan)),
        r"^A_star contains NaN",
    ),
    (
        "mixture-A-1d",
        lambda: ae.MixtureOfGaussians(_A[:, 0]),
        r"^A_star must be a 2-D array",
    ),
    (
        "mixture-weights-sum",
        lambda: ae.MixtureOfGaussians(_A, weights=[0.5, 0.3, 0.1]),
        r"^weights must be non-negative and sum to 1",
    ),
    (
        "mixture-weights-negative",
        lambda: ae.MixtureOfGaussians(_A, weights=[1.2, -0.1, -0.1]),
        r"^weights must be non-negative",
    ),
    (
        "mixture-weights-length",
        lambda: ae.MixtureOfGaussians(_A, weights=[0.5, 0.5]),
        r"^weights must be a scalar or have shape \(3,\)",
    ),
    (
        "mixture-weights-nan",
        lambda: ae.MixtureOfGaussians(_A, weights=[np.nan, 0.5, 0.5]),
        r"^weights contains NaN",
    ),
    (
        "mixture-noise-negative",
        lambda: ae.MixtureOfGaussians(_A, noise_std=-0.1),
        r"^noise_std must lie in \[0.0, inf\]",
    ),
    (
        "mixture-noise-nan",
        lambda: ae.MixtureOfGaussians(_A, noise_std=np.nan),
        r"^noise_std must be finite",
    ),
    (
        "mixture-noise-inf",
        lambda: ae.MixtureOfGaussians(_A, noise_std=np.inf),
        r"^noise_std must be finite",
    ),
    (
        "mixture-noise-str",
        lambda: ae.MixtureOfGaussians(_A, noise_std="0.1"),
        r"^noise_std must be a real number",
    ),
    (
        "mixture-noise-array",
        lambda: ae.MixtureOfGaussians(_A, noise_std=np.array([0.1])),
        r"^noise_std must be a real number",
    ),
    ("sparse-s-0", lambda: ae.SparseCoding(_A, s=0), r"^s must be at least 1"),
    (
        "sparse-s-above-m",
        lambda: ae.SparseCoding(_A, s=M_ + 1),
        r"^s must be at most 3",
    ),
    (
        "sparse-s-float",
        lambda: ae.SparseCoding(_A, s=1.5),
        r"^s must be an integer",
    ),
    (
        "sparse-s-str",
        lambda: ae.SparseCoding(_A, s="2"),
        r"^s must be an integer",
    ),
    (
        "sparse-low-zero",
        lambda: ae.SparseCoding(_A, s=1, low=0.0),
        r"^low must lie in \(0.0, inf\]",
    ),
    (
        "sparse-low-negative",
        lambda: ae.SparseCoding(_A, s=1, low=-1.0, high=1.0),
        r"^low must lie in",
    ),
    (
        "sparse-low-above-high",
        lambda: ae.SparseCoding(_A, s=1, low=2.0, high=1.0),
        r"^high must lie in \[2.0, inf\]",
    ),
    (
        "sparse-high-nan",
        lambda: ae.SparseCoding(_A, s=1, high=np.nan),
        r"^high must be finite",
    ),
    (
        "sparse-noise-negative",
        lambda: ae.SparseCoding(_A, s=1, noise_std=-1.0),
        r"^noise_std must lie in",
    ),
    (
        "sparse-non-unit",
        lambda: ae.SparseCoding(_NON_UNIT, s=1),
        r"^A_star must have unit-norm columns",
    ),
    (
        "nonneg-s-above-m",
        lambda: ae.NonnegativeSparseCoding(_A, s=4),
        r"^s must be at most 3",
    ),
    (
        "nonneg-low-zero",
        lambda: ae.NonnegativeSparseCoding(_A, s=1, low=0.0),
        r"^low must lie in \(0.0, inf\]",
    ),
    (
        "nonneg-low-above-high",
        lambda: ae.NonnegativeSparseCoding(_A, s=1, low=1.5, high=1.0),
        r"^high must lie in",
    ),
    (
        "nonneg-non-unit",
        lambda: ae.NonnegativeSparseCoding(_NON_UNIT, s=1),
        r"^A_star must have unit-norm columns",
    ),
    (
        "sample-N-0",
        lambda: _MIXTURE.sample(0, _rng()),
        r"^N must be at least 1",
    ),
    (
        "sample-N-float",
        lambda: _SPARSE.sample(10.0, _rng()),
        r"^N must be an integer",
    ),
    (
        "sample-rng-none",
        lambda: _SPARSE.sample(10, None),
        r"^rng must be a numpy.random.Generator",
    ),
    (
        "sample-rng-int",
        lambda: _MIXTURE.sample(10, 1),
        r"^rng must be a numpy.random.Generator",
    ),
    # ---------------------------------------------------------------- metrics
    (
        "match-shape",
        lambda: ae.match_columns(_A[:, :2], _A),
        r"^W must have shape",
    ),
    (
        "match-zero-W",
        lambda: ae.match_columns(_ZERO_COL, _A),
        r"^W has a zero column",
    ),
    (
        "match-zero-A",
        lambda: ae.match_columns(_A, _ZERO_COL),
        r"^A_star has a zero column",
    ),
    (
        "match-nan-W",
        lambda: ae.match_columns(_with(_A, (0, 0), np.nan), _A),
        r"^W contains NaN",
    ),
    (
        "match-A-str",
        lambda: ae.match_columns(_A, "A"),
        r"^A_star must be a real numeric array",
    ),
    ("align-shape", lambda: ae.align_columns(_A.T, _A), r"^W must have shape"),
    (
        "errors-inf",
        lambda: ae.column_errors(_A, _with(_A, (0, 0), np.inf)),
        r"^A_star contains NaN or infinite",
    ),
    (
        "errors-zero-W",
        lambda: ae.column_errors(_ZERO_COL, _A, match=False),
        r"^W has a zero column",
    ),
    (
        "close-delta-negative",
        lambda: ae.is_delta_close(_A, _A, -0.1),
        r"^delta must lie in \[0.0, inf\]",
    ),
    (
        "close-delta-str",
        lambda: ae.is_delta_close(_A, _A, "0.1"),
        r"^delta must be a real number",
    ),
    (
        "close-delta-nan",
        lambda: ae.is_delta_close(_A, _A, np.nan),
        r"^delta must be finite",
    ),
    (
        "close-shape",
        lambda: ae.is_delta_close(_A[:-1], _A, 0.1),
        r"^W must have shape",
    ),
    (
        "near-xi-negative",
        lambda: ae.is_near(_A, _A, 0.1, -1.0),
        r"^xi must lie in \[0.0, inf\]",
    ),
    (
        "near-delta-negative",
        lambda: ae.is_near(_A, _A, -0.1, 1.0),
        r"^delta must lie in",
    ),
    (
        "near-xi-none",
        lambda: ae.is_near(_A, _A, 0.1, None),
        r"^xi must be a real number",
    ),
    (
        "support-shape",
        lambda: ae.support_recovery_rate(_X[:, :2], _X),
        r"^X_hat must have shape",
    ),
    (
        "support-nan",
        lambda: ae.support_recovery_rate(_X, _with(_X, (0, 0), np.nan)),
        r"^X_star contains NaN",
    ),
    (
        "support-1d",
        lambda: ae.support_recovery_rate(_X[0], _X[0]),
        r"^X_star must be a 2-D array",
    ),
    # ---------------------------------------------------------------- training
    (
        "train-step-zero",
        lambda: ae.train(_A, 0.0, _Y, _RELU, step_size=0.0, n_steps=1),
        r"^step_size must lie in \(0.0, inf\]",
    ),
    (
        "train-step-negative",
        lambda: ae.train(_A, 0.0, _Y, _RELU, step_size=-1.0, n_steps=1),
        r"^step_size must lie in",
    ),
    (
        "train-step-nan",
        lambda: ae.train(_A, 0.0, _Y, _RELU, step_size=np.nan, n_steps=1),
        r"^step_size must be finite",
    ),
    (
        "train-step-str",
        lambda: ae.train(_A, 0.0, _Y, _RELU, step_size="1", n_steps=1),
        r"^step_size must be a real number",
    ),
    (
        "train-n-steps-0",
        lambda: ae.train(_A, 0.0, _Y, _RELU, step_size=1.0, n_steps=0),
        r"^n_steps must be at least 1",
    ),
    (
        "train-n-steps-float",
        lambda: ae.train(_A, 0.0, _Y, _RELU, step_size=1.0, n_steps=2.0),
        r"^n_steps must be an integer",
    ),
    (
        "train-bias-step-negative",
        lambda: ae.train(
            _A, 0.0, _Y, _RELU, step_size=1.0, n_steps=1, bias_step_size=-0.1
        ),
        r"^bias_step_size must lie in \[0.0, inf\]",
    ),
    (
        "train-bias-length",
        lambda: ae.train(
            _A, np.zeros(M_ + 1), _Y, _RELU, step_size=1.0, n_steps=1
        ),
        r"^bias must be a scalar or have shape",
    ),
    (
        "train-W0-nan",
        lambda: ae.train(
            _with(_A, (0, 0), np.nan), 0.0, _Y, _RELU, step_size=1.0, n_steps=1
        ),
        r"^W0 contains NaN",
    ),
    (
        "train-W0-1d",
        lambda: ae.train(_A[:, 0], 0.0, _Y, _RELU, step_size=1.0, n_steps=1),
        r"^W0 must be a 2-D array",
    ),
    (
        "train-W0-zero-column",
        lambda: ae.train(_ZERO_COL, 0.0, _Y, _RELU, step_size=1.0, n_steps=1),
        r"^W0 has a zero column",
    ),
    (
        "train-activation",
        lambda: ae.train(_A, 0.0, _Y, "relu", step_size=1.0, n_steps=1),
        r"^activation must be",
    ),
    (
        "train-data-rows",
        lambda: ae.train(_A, 0.0, _Y[:-1], _RELU, step_size=1.0, n_steps=1),
        r"^data must have shape",
    ),
    (
        "train-data-str",
        lambda: ae.train(_A, 0.0, "Y", _RELU, step_size=1.0, n_steps=1),
        r"^data must be a real numeric array",
    ),
    (
        "train-data-nan",
        lambda: ae.train(
            _A, 0.0, _with(_Y, (0, 0), np.nan), _RELU, step_size=1.0, n_steps=1
        ),
        r"^data contains NaN",
    ),
    (
        "train-data-none",
        lambda: ae.train(_A, 0.0, None, _RELU, step_size=1.0, n_steps=1),
        r"^data ",
    ),
    (
        "train-fixed-with-batch",
        lambda: ae.train(
            _A, 0.0, _Y, _RELU, step_size=1.0, n_steps=1, batch_size=2
        ),
        r"batch_size and rng apply only",
    ),
    (
        "train-fixed-with-rng",
        lambda: ae.train(
            _A, 0.0, _Y, _RELU, step_size=1.0, n_steps=1, rng=_rng()
        ),
        r"batch_size and rng apply only",
    ),
    (
        "train-A_star-shape",
        lambda: ae.train(
            _A, 0.0, _Y, _RELU, step_size=1.0, n_steps=1, A_star=_A[:, :2]
        ),
        r"^A_star must have shape",
    ),
    (
        "train-A_star-nan",
        lambda: ae.train(
            _A,
            0.0,
            _Y,
            _RELU,
            step_size=1.0,
            n_steps=1,
            A_star=_with(_A, (0, 0), np.nan),
        ),
        r"^A_star contains NaN",
    ),
    (
        "train-model-no-batch",
        lambda: ae.train(
            _A, 0.0, _MIXTURE, _RELU, step_size=1.0, n_steps=1, rng=_rng()
        ),
        r"^batch_size is required",
    ),
    (
        "train-model-no-rng",
        lambda: ae.train(
            _A, 0.0, _MIXTURE, _RELU, step_size=1.0, n_steps=1, batch_size=8
        ),
        r"^rng must be a numpy.random.Generator",
    ),
    (
        "train-model-rng-int",
        lambda: ae.train(
            _A,
            0.0,
            _SPARSE,
            _RELU,
            step_size=1.0,
            n_steps=1,
            batch_size=8,
            rng=0,
        ),
        r"^rng must be a numpy.random.Generator",
    ),
    (
        "train-model-batch-0",
        lambda: ae.train(
            _A,
            0.0,
            _SPARSE,
            _RELU,
            step_size=1.0,
            n_steps=1,
            batch_size=0,
            rng=_rng(),
        ),
        r"^batch_size must be at least 1",
    ),
    (
        "train-model-batch-float",
        lambda: ae.train(
            _A,
            0.0,
            _SPARSE,
            _RELU,
            step_size=1.0,
            n_steps=1,
            batch_size=8.0,
            rng=_rng(),
        ),
        r"^batch_size must be an integer",
    ),
    (
        "train-model-shape",
        lambda: ae.train(
            _A[:, :2],
            0.0,
            _MIXTURE,
            _RELU,
            step_size=1.0,
            n_steps=1,
            batch_size=8,
            rng=_rng(),
        ),
        r"A_star has shape .* W0 has shape",
    ),
]


@pytest.mark.parametrize(
    ("call", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_raises_value_error_naming_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_case_ids_are_unique():
    ids = [c[0] for c in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("call", "received"),
    [
        (lambda: ae.SparseCoding(_A, s=7), "got 7"),
        (lambda: ae.random_dictionary(4, 3, "seed"), "got str"),
        (lambda: ae.encode(_A, 0.0, _Y[:-1], _RELU), "got (4, 4)"),
        (lambda: ae.MixtureOfGaussians(_A, noise_std=-0.25), "got -0.25"),
        (lambda: ae.incoherence(_NON_UNIT), "norm 2"),
        (
            lambda: ae.train(_A, 0.0, _Y, _RELU, step_size=-3.0, n_steps=1),
            "got -3.0",
        ),
    ],
)
def test_messages_say_what_was_received(call, received):
    with pytest.raises(ValueError) as info:
        call()
    assert received in str(info.value)


def test_valid_edge_values_are_accepted():
    """The boundaries of the allowed ranges are accepted (the checks are not too strict)."""
    rng = np.random.default_rng(0)
    assert ae.perturb_dictionary(_A, 0.0, rng).shape == _A.shape
    assert ae.perturb_dictionary(_A, 2.0, rng).shape == _A.shape
    assert ae.SparseCoding(_A, s=M_, low=0.5, high=0.5).s == M_
    assert (
        ae.MixtureOfGaussians(
            _A, weights=[1.0, 0.0, 0.0], noise_std=0
        ).noise_std
        == 0.0
    )
    assert ae.HardThreshold(0).threshold == 0
    assert ae.is_delta_close(_A, _A, 0)
    assert ae.is_near(_A, _A, 0, 0)
    assert ae.random_dictionary(np.int64(3), np.int32(2), rng).shape == (3, 2)
    assert ae.train(
        _A, 0.0, _Y, _RELU, step_size=np.float32(0.1), n_steps=np.int64(1)
    ).loss.shape == (1,)
    assert (
        ae.encode(_A.astype(np.float32), 0, _Y.astype(int), _RELU).dtype
        == float
    )


# ------------------------------------------------------------- issue 8, item 4: the reported calls


def _issue8_cases():
    from aecore.theory import mixture, nonnegative, sparse

    A8 = ae.random_dictionary(8, 12, np.random.default_rng(3))
    p = np.full(12, 1 / 12)
    return [
        (
            "hoeffding-m-half",
            lambda: sparse.hoeffding_sparsity(64, 0.5),
            ValueError,
            r"^m must be at least 1",
        ),
        (
            "hoeffding-n-negative",
            lambda: sparse.hoeffding_sparsity(-64, 128),
            ValueError,
            r"^n must be positive",
        ),
        (
            "consistency-n-none",
            lambda: sparse.firing_probability(None, 128, 4),
            ValueError,
            r"^n must be",
        ),
        (
            "consistency-refined-str",
            lambda: sparse.firing_probability(64, 128, 4, refined="no"),
            TypeError,
            r"^refined",
        ),
        (
            "floor-second-moment-nan",
            lambda: sparse.fixed_sample_floor(0.1, 0.2, np.nan, n_samples=10),
            ValueError,
            r"^second_moment",
        ),
        (
            "angle-map-nan",
            lambda: sparse.angle_map(np.nan, 2, 12, step_size=1.0),
            ValueError,
            r"^theta",
        ),
        (
            "mixture-weights-str",
            lambda: mixture.correlation_constants("0.5", 0.3),
            ValueError,
            r"^weights",
        ),
        (
            "mixture-bias-complex",
            lambda: mixture.contraction_factor(0.9, 0.1 + 1j, p, step_size=1.0),
            ValueError,
            r"^bias",
        ),
        (
            "mixture-weights-empty",
            lambda: mixture.fixed_sample_floor([], 0.1, 8, n_samples=10),
            ValueError,
            r"^weights must not be empty",
        ),
        (
            "mixture-gradient-non-unit",
            lambda: mixture.expected_gradient(A8, 2 * A8, 0.0, p),
            ValueError,
            r"^A_star must have unit-norm",
        ),
        (
            "match-str",
            lambda: ae.column_errors(A8, A8, match="False"),
            TypeError,
            r"^match must be True or False",
        ),
        (
            "sparse-trajectory-W0",
            lambda: sparse.trajectory(
                A8[:, :1], A8, 2, step_size=1.0, n_steps=2
            ),
            ValueError,
            r"^W0 must have shape",
        ),
        (
            "nonneg-trajectory-W0",
            lambda: nonnegative.trajectory(
                2 * A8, A8, -0.3, 2, 1.0, 2.0, step_size=1.0, n_steps=2
            ),
            ValueError,
            r"^W0 must have unit-norm",
        ),
        (
            "train-neural-A0",
            lambda: ae.train_neural(
                0 * A8, A8 @ np.ones((12, 3)), step_size=1.0, n_steps=1
            ),
            ValueError,
            r"^A0 has a zero column",
        ),
        (
            "bias-bool",
            lambda: ae.encode(A8, True, A8, ae.ReLU()),
            ValueError,
            r"^bias must be a real number .*not a bool",
        ),
    ]


@pytest.mark.parametrize("case", _issue8_cases(), ids=lambda c: c[0])
def test_issue8_reported_calls_raise_naming_the_argument(case):
    _, call, error, message = case
    with pytest.raises(error, match=message):
        call()


def test_issue8_valid_inputs_no_longer_rejected_or_nan():
    """Finite answers where NaN was returned, and lists / float32 accepted where they were refused."""
    from aecore.theory import nonnegative

    assert (
        nonnegative.spurious_energy(np.eye(8), -0.4, 2, 1.0, 1.0, 0.0) == 0.0
    )  # no cross-talk, no noise
    # bias +0.4: every off-support unit outputs exactly 0.4; on the support 1.4 (C = I, codes 1)
    assert nonnegative.spurious_energy(
        np.eye(8), 0.4, 2, 1.0, 1.0, 0.0
    ) == pytest.approx(3 * 0.16 / 1.96)
    assert (
        nonnegative.firing_probability(np.eye(8), 0.1, 8, 1.0, 1.0) == 1.0
    )  # s = m: nothing can misfire
    A = ae.random_dictionary(8, 12, np.random.default_rng(4))
    W = ae.perturb_dictionary(A, 0.3, np.random.default_rng(5))[:, ::-1]
    np.testing.assert_array_equal(
        ae.align_columns(W.tolist(), A), ae.align_columns(W, A)
    )
    A32 = A.astype(np.float32)
    A32 /= np.linalg.norm(A32, axis=0)
    batch = ae.sample_code_batch(
        ae.SparseCoding(A32, 2), 5, np.random.default_rng(6)
    )  # float32, stored as float64
    assert batch.N == 5
    weights32 = np.full(12, 1 / 12, dtype=np.float32)
    assert ae.MixtureOfGaussians(A32, weights32).sample(
        3, np.random.default_rng(7)
    ).Y.shape == (8, 3)
