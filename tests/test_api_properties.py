"""Property-based test of the whole public API of :mod:`aecore` (Hypothesis).

The test enumerates the public names itself: ``aecore.__all__`` and the
``__all__`` of :mod:`aecore.theory.mixture`, :mod:`aecore.theory.sparse`,
:mod:`aecore.theory.nonnegative`, :mod:`aecore.codes` and
:mod:`aecore.baselines`. Every public callable needs an entry in
:data:`REGISTRY`, a function of a size context returning valid keyword
arguments for *every* parameter of its signature; a new public function without
an entry fails :func:`test_every_public_name_is_registered`. Then, per
callable:

* :func:`test_bad_arguments`: each parameter in turn receives each value of a
  fixed list of bad values chosen by the parameter's kind (NaN, ±inf, strings,
  complex numbers, ``None`` where ``None`` is not allowed, a bool where a
  number is expected, arrays of the wrong shape or dimension, empty lists,
  values outside the documented range, …);
  the call must raise ValueError or TypeError whose message names that
  parameter, within two seconds.
* :func:`test_bad_arguments_generated`: the same with Hypothesis choosing the
  sizes, the parameter and a generated bad value (NaN at a random entry, random
  wrong shapes, random strings, negative sizes), under a Hypothesis
  ``deadline`` of two seconds.
* :func:`test_valid_arguments_give_finite_results`: Hypothesis draws small
  sizes and values in the documented ranges (and passes arrays as arrays,
  nested lists or float32); the result must be finite.
* :func:`test_absurd_sizes_end_quickly`: sizes 2**62 and magnitudes 1e300 may
  raise anything, but must not start a long loop.

Names re-exported from the helper-owned modules :mod:`aecore.peers`,
:mod:`aecore.initialisation` and :mod:`aecore.refit` are left to their tests.

It would fail if any one argument check were removed from ``aecore`` (shown in
the issue's closing note by removing one).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import aecore as ae
from aecore.theory import nonnegative

MODULES = (
    "aecore",
    "aecore.theory.mixture",
    "aecore.theory.sparse",
    "aecore.theory.nonnegative",
    "aecore.codes",
    "aecore.baselines",
)
#: Helper-owned modules, tested by their owners.
EXCLUDED_MODULES = ("aecore.peers", "aecore.initialisation", "aecore.refit")
#: Public names that take no argument a user can get wrong, with the reason.
EXEMPT = {
    "Activation": "a typing Protocol, never instantiated",
    "GradientMoments": "a NamedTuple of results (code_gradient_moments)",
    "Sample": "a NamedTuple of results, built by the models' sample()",
    "TrainingResult": "a dataclass of results, built by train()",
    "TrainingDivergedError": "an exception class",
    "set_house_style": "takes no argument (and changes matplotlib state)",
    "theory": "a package; its modules are enumerated separately",
    "nonnegative.CrossTalkMoments": "a NamedTuple of results",
}
TIME_LIMIT = 2.0  # seconds per call
SETTINGS = settings(
    max_examples=8,
    derandomize=True,
    database=None,
    deadline=int(TIME_LIMIT * 1000),
    phases=[
        Phase.explicit,
        Phase.generate,
    ],  # no shrinking: a failure is reported as generated, fast
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)


def public_names() -> dict[str, object]:
    """``{key: object}`` for every public name (theory ones prefixed)."""
    out: dict[str, object] = {}
    seen: set[int] = set()
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        prefix = (
            module_name.rsplit(".", 1)[1] + "."
            if module_name.startswith("aecore.theory.")
            else ""
        )
        for name in module.__all__:
            obj = getattr(module, name)
            if id(obj) in seen:  # re-exported by aecore (codes, baselines)
                continue
            if getattr(obj, "__module__", None) in EXCLUDED_MODULES or name in {
                m.rsplit(".", 1)[1] for m in EXCLUDED_MODULES
            }:
                continue
            seen.add(id(obj))
            out[prefix + name] = obj
    return out


# -----------------------------------------------------------------------------
# Size context: the canonical tiny size (n=8, m=12, s=2), or drawn sizes
# -----------------------------------------------------------------------------


@dataclass
class Ctx:
    """Sizes and shared valid objects.

    ``draw`` is Hypothesis's ``data.draw``, or ``None`` for the defaults.
    """

    draw: Callable | None = None
    n: int = 8
    m: int = 12
    s: int = 2
    seed: int = 0
    _calls: list = field(default_factory=list)

    @classmethod
    def drawn(cls, data: st.DataObject) -> Ctx:
        n = data.draw(st.integers(4, 12), label="n")
        m = data.draw(st.integers(3, 14), label="m")
        s = data.draw(st.integers(1, min(3, m - 1)), label="s")
        seed = data.draw(st.integers(0, 2**16), label="seed")
        return cls(data.draw, n, m, s, seed)

    def real(self, low: float, high: float, default: float) -> float:
        """``default``, or a float drawn in ``[low, high]``."""
        if self.draw is None:
            return default
        return self.draw(
            st.floats(low, high, allow_nan=False, allow_infinity=False)
        )

    def integer(self, low: int, high: int, default: int) -> int:
        if self.draw is None:
            return default
        return self.draw(st.integers(low, high))

    def rng(self) -> np.random.Generator:
        self._calls.append(None)
        return np.random.default_rng([self.seed, len(self._calls)])

    @cached_property
    def A(self) -> np.ndarray:
        return ae.random_dictionary(self.n, self.m, self.rng())

    @cached_property
    def W(self) -> np.ndarray:
        return ae.perturb_dictionary(
            self.A, self.real(0.0, 0.5, 0.3), self.rng()
        )

    @cached_property
    def Y(self) -> np.ndarray:
        return ae.SparseCoding(self.A, self.s).sample(20, self.rng()).Y

    @cached_property
    def X(self) -> np.ndarray:
        return ae.SparseCoding(self.A, self.s).sample(20, self.rng()).X

    @cached_property
    def batch(self) -> ae.CodeBatch:
        return ae.sample_code_batch(
            ae.SparseCoding(self.A, self.s), 20, self.rng()
        )

    @cached_property
    def C(self) -> np.ndarray:
        return self.W.T @ self.A

    def code_range(self) -> tuple[float, float]:
        low = self.real(0.5, 1.0, 1.0)
        return low, self.real(low, 2.0, 2.0)

    def weights(self) -> np.ndarray:
        raw = np.array([self.real(0.2, 1.0, 1.0) for _ in range(self.m)])
        return raw / raw.sum()


# -----------------------------------------------------------------------------
# Registry: valid keyword arguments for every parameter of every public callable
# -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """Valid keyword arguments, and per-parameter exceptions.

    ``kinds`` overrides the kind of a parameter (see :func:`kind_of`); ``skip``
    names bad values (labels of :func:`bad_values`) that are valid for that
    parameter, each with a reason; ``bad`` adds bad values ``(label, make)``.
    """

    kwargs: Callable[[Ctx], dict]
    kinds: dict[str, str] = field(default_factory=dict)
    skip: dict[str, tuple[str, ...]] = field(default_factory=dict)
    bad: dict[str, tuple[tuple[str, Callable[[Ctx], object]], ...]] = field(
        default_factory=dict
    )


def _toward(c: Ctx):
    A = c.A

    def direction(W: np.ndarray, t: int) -> tuple[float, np.ndarray]:
        return float(np.sum((W - A) ** 2)), W - A

    return direction


def _zero_column(W: np.ndarray) -> np.ndarray:
    out = W.copy()
    out[:, 0] = 0.0
    return out


def _sparse(c: Ctx, cls=ae.SparseCoding) -> ae.SparseCoding:
    low, high = c.code_range()
    return cls(c.A, c.s, low, high)


def _nonneg_step(c: Ctx, low: float, high: float, bias: float) -> float:
    """A step with ``c = ζp(b(2κ₁ + b) + κ₂) <= ½`` (valid everywhere)."""
    kappa1, kappa2 = nonnegative.code_moments(low, high)
    rate = bias * (2.0 * kappa1 + bias) + kappa2
    return c.real(0.05, 0.5, 0.25) * c.m / (c.s * max(rate, kappa2))


def _nonneg(c: Ctx, **extra) -> dict:
    low, high = c.code_range()
    return dict(s=c.s, low=low, high=high, **extra)


NONZERO_ONLY = {"A_star": ("non-unit columns",)}
ESTIMATE = {"A": ("non-unit columns",)}
#: normalised descent rescales the start; the ground truth only measures errors
START_AND_TRUTH = {"W0": ("non-unit columns",), "A_star": ("non-unit columns",)}

REGISTRY: dict[str, Entry] = {
    # ---------- models and activations
    "HardThreshold": Entry(lambda c: dict(threshold=c.real(0.0, 1.0, 0.5))),
    "ReLU": Entry(lambda c: dict()),
    "MixtureOfGaussians": Entry(
        lambda c: dict(
            A_star=c.A, weights=c.weights(), noise_std=c.real(0.0, 1.0, 0.1)
        )
    ),
    "SparseCoding": Entry(
        lambda c: dict(
            A_star=c.A,
            s=c.s,
            low=0.5,
            high=c.real(0.5, 2.0, 1.0),
            noise_std=c.real(0.0, 1.0, 0.1),
        )
    ),
    "NonnegativeSparseCoding": Entry(
        lambda c: dict(
            A_star=c.A,
            s=c.s,
            low=0.5,
            high=c.real(0.5, 2.0, 1.0),
            noise_std=c.real(0.0, 1.0, 0.1),
        )
    ),
    # ---------- codes
    "CodeBatch": Entry(
        lambda c: dict(
            A_star=c.A,
            support=c.batch.support,
            values=c.batch.values,
            gram=c.A.T @ c.A,
        ),
        kinds={"support": "index matrix"},
    ),
    "CodeStream": Entry(lambda c: dict(model=_sparse(c))),
    "sample_code_batch": Entry(
        lambda c: dict(
            model=_sparse(c),
            N=c.integer(1, 30, 20),
            rng=c.rng(),
            gram=c.A.T @ c.A,
        )
    ),
    "code_consistency": Entry(
        lambda c: dict(W=c.W, batch=c.batch, threshold=c.real(0.0, 1.0, 0.5))
    ),
    "code_gradient_moments": Entry(
        lambda c: dict(
            W=c.W,
            bias=c.real(-0.5, 0.0, 0.0),
            batch=c.batch,
            activation=ae.HardThreshold(0.5),
        )
    ),
    "code_loss_and_gradient": Entry(
        lambda c: dict(
            W=c.W,
            bias=c.real(-0.5, 0.0, -0.1),
            batch=c.batch,
            activation=ae.ReLU(),
        )
    ),
    # ---------- autoencoder
    "encode": Entry(
        lambda c: dict(
            W=c.W, bias=c.real(-1.0, 1.0, -0.2), Y=c.Y, activation=ae.ReLU()
        )
    ),
    "decode": Entry(
        lambda c: dict(W=c.W, X=c.X), skip={"W": ("wrong rows",)}
    ),  # W of any n decodes X
    "loss": Entry(
        lambda c: dict(
            W=c.W, bias=c.real(-1.0, 1.0, -0.2), Y=c.Y, activation=ae.ReLU()
        )
    ),
    "gradient": Entry(
        lambda c: dict(
            W=c.W,
            bias=c.real(-1.0, 1.0, -0.2),
            Y=c.Y,
            activation=ae.HardThreshold(0.5),
        )
    ),
    "loss_and_gradient": Entry(
        lambda c: dict(
            W=c.W, bias=c.real(-1.0, 1.0, -0.2), Y=c.Y, activation=ae.ReLU()
        )
    ),
    # ---------- dictionaries and metrics
    "random_dictionary": Entry(lambda c: dict(n=c.n, m=c.m, rng=c.rng())),
    "perturb_dictionary": Entry(
        lambda c: dict(A_star=c.A, delta=c.real(0.0, 2.0, 0.3), rng=c.rng())
    ),
    "incoherence": Entry(lambda c: dict(A=c.A)),
    "tangential_component": Entry(lambda c: dict(G=c.W - c.A, W=c.W)),
    # matching compares directions: any non-zero columns (NONZERO_ONLY)
    "match_columns": Entry(
        lambda c: dict(W=c.W, A_star=c.A, signed=True), skip=NONZERO_ONLY
    ),
    "align_columns": Entry(
        lambda c: dict(W=c.W, A_star=c.A, signed=False), skip=NONZERO_ONLY
    ),
    "column_errors": Entry(
        lambda c: dict(W=c.W, A_star=c.A, match=True, signed=True),
        skip=NONZERO_ONLY,
    ),
    "is_delta_close": Entry(
        lambda c: dict(
            W=c.W, A_star=c.A, delta=c.real(0.0, 2.0, 0.5), signed=True
        ),
        skip={
            "delta": ("out of range 2.5",),
            **NONZERO_ONLY,
        },  # any δ >= 0 is a question with an answer
    ),
    "is_near": Entry(
        lambda c: dict(
            W=c.W,
            A_star=c.A,
            delta=c.real(0.0, 2.0, 0.5),
            xi=c.real(0.0, 2.0, 0.5),
            signed=True,
        ),
        skip={
            "delta": ("out of range 2.5",),
            **NONZERO_ONLY,
        },  # any δ >= 0 is a question with an answer
    ),
    "support_recovery_rate": Entry(
        lambda c: dict(X_hat=c.X + 0.01, X_star=c.X, signed=True)
    ),
    # ---------- training
    "descend": Entry(
        lambda c: dict(
            W0=c.W,
            direction=_toward(c),
            step_size=c.real(0.01, 1.0, 0.5),
            n_steps=c.integer(1, 5, 3),
            normalize=True,
            A_star=c.A,
            allow_loss_increase=False,
        ),
        bad={"W0": (("zero column", lambda c: _zero_column(c.W)),)},
        skip=START_AND_TRUTH,
    ),
    "train": Entry(
        lambda c: dict(
            W0=c.W,
            bias=c.real(-0.3, 0.0, 0.0),
            data=c.Y,
            activation=ae.HardThreshold(0.5),
            step_size=c.real(0.01, 1.0, 0.5),
            n_steps=c.integer(1, 5, 3),
            normalize=True,
            bias_step_size=0.0,
            batch_size=None,
            rng=None,
            A_star=c.A,
            allow_loss_increase=False,
        ),
        kinds={"data": "object"},
        bad={"W0": (("zero column", lambda c: _zero_column(c.W)),)},
        skip=START_AND_TRUTH,
    ),
    "step_size_rule": Entry(
        lambda c: dict(model=_sparse(c), c=c.real(0.01, 1.0, 0.25))
    ),
    # ---------- baselines
    # the neural algorithm's estimate A may have any column norms (ESTIMATE)
    "neural_decode": Entry(
        lambda c: dict(A=c.W, Y=c.Y, threshold=c.real(0.0, 1.0, 0.5)),
        skip=ESTIMATE,
    ),
    "neural_direction": Entry(
        lambda c: dict(A=c.W, data=c.Y, threshold=c.real(0.0, 1.0, 0.5)),
        kinds={"data": "object"},
        skip=ESTIMATE,
    ),
    "neural_direction_moments": Entry(
        lambda c: dict(A=c.W, batch=c.batch, threshold=c.real(0.0, 1.0, 0.5)),
        skip=ESTIMATE,
    ),
    "expected_neural_direction": Entry(
        lambda c: dict(
            A=c.W, A_star=c.A, s=c.s, kappa1_abs=c.real(0.0, 2.0, 1.0)
        ),
        skip=ESTIMATE,
    ),
    "train_neural": Entry(
        lambda c: dict(
            A0=c.W,
            data=c.Y,
            step_size=c.real(0.01, 1.0, 0.5),
            n_steps=c.integer(1, 5, 3),
            threshold=0.5,
            normalize=True,
            batch_size=None,
            rng=None,
            A_star=c.A,
        ),
        kinds={"data": "object"},
        bad={"A0": (("zero column", lambda c: _zero_column(c.W)),)},
        skip={
            "A0": ("non-unit columns",),
            "A_star": ("non-unit columns",),
        },  # as START_AND_TRUTH
    ),
    # ---------- theory: mixture
    "mixture.bias_range": Entry(
        lambda c: dict(
            mu=c.real(0.0, 5.0, 1.0),
            n=c.n,
            delta=c.real(0.0, 1.4, 0.2),
            margin=c.real(0.0, 1.0, 0.1),
        )
    ),
    "mixture.threshold_range": Entry(
        lambda c: dict(
            mu=c.real(0.0, 5.0, 1.0),
            n=c.n,
            delta=c.real(0.0, 1.4, 0.2),
            margin=c.real(0.0, 1.0, 0.1),
        )
    ),
    "mixture.noise_margin": Entry(
        lambda c: dict(
            noise_std=c.real(0.0, 1.0, 0.1),
            m=c.m,
            failure_prob=c.real(1e-6, 0.99, 0.01),
        )
    ),
    "mixture.expected_gradient": Entry(
        lambda c: dict(
            W=c.W,
            A_star=c.A,
            bias=c.real(-0.5, 0.5, -0.2),
            weights=c.weights(),
            noise_std=c.real(0.0, 1.0, 0.1),
        )
    ),
    "mixture.firing_probability": Entry(
        lambda c: dict(
            W=c.W,
            A_star=c.A,
            bias=c.real(-0.5, 0.5, -0.2),
            weights=c.weights(),
            noise_std=c.real(0.01, 1.0, 0.1),
            activation=ae.ReLU(),
        )
    ),
    "mixture.contraction_factor": Entry(
        lambda c: dict(
            cos_angle=np.full(c.m, c.real(0.5, 1.0, 0.9)),
            bias=c.real(-0.2, 0.2, -0.1),
            weights=c.weights(),
            step_size=c.real(0.01, 1.0, 0.5),
        )
    ),
    "mixture.trajectory": Entry(
        lambda c: dict(
            errors0=np.full(c.m, c.real(0.0, 0.99, 0.3)),
            bias=c.real(-0.2, 0.2, -0.1),
            weights=c.weights(),
            step_size=c.real(0.01, 1.0, 0.5),
            n_steps=c.integer(0, 5, 3),
        )
    ),
    "mixture.fresh_batch_floor": Entry(
        lambda c: dict(
            bias=c.real(-0.2, 0.2, -0.1),
            weights=c.weights(),
            noise_std=c.real(0.0, 1.0, 0.1),
            n=c.n,
            step_size=c.real(0.01, 1.0, 0.5),
            batch_size=c.integer(1, 100, 10),
        ),
        skip={
            "weights": ("wrong length",)
        },  # bias is a scalar: any length is m
    ),
    "mixture.fixed_sample_floor": Entry(
        lambda c: dict(
            weights=c.weights(),
            noise_std=c.real(0.0, 1.0, 0.1),
            n=c.n,
            n_samples=c.integer(1, 100, 10),
        ),
        skip={
            "weights": ("wrong length",)
        },  # the only per-column argument: any length is m
    ),
    "mixture.unnormalised_scale": Entry(
        lambda c: dict(
            bias=c.real(-1.9, 1.9, -0.2), noise_std=c.real(0.0, 1.0, 0.1)
        )
    ),
    "mixture.step_limit": Entry(
        lambda c: dict(
            bias=c.real(-1.9, 1.9, -0.2), noise_std=c.real(0.0, 1.0, 0.1)
        )
    ),
    "mixture.correlation_constants": Entry(
        lambda c: dict(
            weights=c.weights(),
            delta=c.real(0.0, 1.4, 0.3),
            split=c.real(0.0, 1.0, 0.5),
        ),
        skip={
            "weights": ("wrong length",)
        },  # the only per-column argument: any length is m
    ),
    # ---------- theory: sparse coding
    "sparse.firing_probability": Entry(
        lambda c: dict(
            n=c.n,
            m=c.m,
            s=c.s,
            delta=c.real(0.0, 2.0, 0.1),
            threshold=c.real(0.05, 0.95, 0.5),
            refined=c.draw is None or c.draw(st.booleans()),
        ),
        kinds={"n": "broadcast", "delta": "broadcast"},
    ),
    "sparse.consistency_boundary": Entry(
        lambda c: dict(
            n=c.real(2.0, 200.0, 64.0),
            m=max(c.m, 4),
            level=c.real(0.05, 0.95, 0.5),
            refined=True,
        )
    ),
    "sparse.hoeffding_sparsity": Entry(
        lambda c: dict(
            n=c.real(2.0, 1e4, 64.0),
            m=c.real(1.0, 1e4, 128.0),
            failure=c.real(1e-6, 1.0, 1.0),
        ),
        kinds={"n": "broadcast", "m": "broadcast"},
    ),
    "sparse.consistency_failure_bound": Entry(
        lambda c: dict(
            W=c.W, A_star=c.A, s=c.s, threshold=c.real(0.05, 0.95, 0.5)
        ),
        kinds={"s": "int"},
        skip={"s": ("int array",)},  # several support sizes at once
    ),
    "sparse.support_probabilities": Entry(lambda c: dict(m=c.m, s=c.s)),
    "sparse.expected_gradient": Entry(
        lambda c: dict(
            W=c.W,
            A_star=c.A,
            s=c.s,
            kappa2=c.real(0.0, 2.0, 1.0),
            noise_std=c.real(0.0, 1.0, 0.1),
        )
    ),
    "sparse.leading_gradient": Entry(lambda c: dict(W=c.W, A_star=c.A, s=c.s)),
    "sparse.relu_gradient_at_optimum": Entry(lambda c: dict(A_star=c.A, s=c.s)),
    "sparse.angle_map": Entry(
        lambda c: dict(
            theta=c.real(0.0, 1.5, 0.3),
            s=c.s,
            m=c.m,
            step_size=c.real(0.01, 1.0, 0.5) * c.m / c.s,
        ),
        kinds={"theta": "broadcast"},
    ),
    "sparse.contraction_factor": Entry(
        lambda c: dict(
            cos_angle=c.real(0.01, 1.0, 0.9),
            s=c.s,
            m=c.m,
            step_size=c.real(0.01, 1.0, 0.5) * c.m / c.s,
        ),
        kinds={"cos_angle": "broadcast"},
    ),
    "sparse.fixed_sample_floor": Entry(
        lambda c: dict(
            systematic=np.full(c.m, c.real(0.0, 1.0, 0.01)),
            contraction=c.real(0.01, 1.0, 0.2),
            second_moment=c.real(0.0, 2.0, 0.5),
            n_samples=c.integer(1, 100, 10),
        ),
        skip={
            "systematic": ("wrong length",)
        },  # the others are scalars: any length is m
    ),
    "sparse.fresh_batch_floor": Entry(
        lambda c: dict(
            systematic=np.full(c.m, c.real(0.0, 1.0, 0.01)),
            contraction=c.real(0.01, 1.0, 0.2),
            second_moment=c.real(0.0, 2.0, 0.5),
            step_size=c.real(0.01, 1.9, 1.0),
            batch_size=c.integer(1, 100, 10),
        ),
        skip={
            "systematic": ("wrong length",)
        },  # the others are scalars: any length is m
    ),
    "sparse.fixed_sample_column_errors": Entry(
        lambda c: dict(
            batch=c.batch, columns=np.arange(min(c.m, 3)), threshold=0.5
        ),
        kinds={"columns": "index vector"},
    ),
    "sparse.trajectory": Entry(
        lambda c: dict(
            W0=c.W,
            A_star=c.A,
            s=c.s,
            step_size=c.real(0.01, 1.0, 0.5) * c.m / c.s,
            n_steps=c.integer(1, 5, 3),
        ),
        skip={
            "W0": ("non-unit columns",)
        },  # normalised descent rescales the start
    ),
    # ---------- theory: non-negative
    "nonnegative.CoherenceBias": Entry(
        lambda c: dict(
            **_nonneg(c),
            noise_std=c.real(0.0, 0.5, 0.05),
            false_fire=c.real(0.01, 2.0, 1.0),
            delta=c.real(0.0, 1.4, 0.2),
        ),
        skip={
            "s": ("out of range 1000000",)
        },  # m is not known until the rule sees W
    ),
    "nonnegative.code_moments": Entry(
        lambda c: dict(zip(("low", "high"), c.code_range()))
    ),
    "nonnegative.cross_talk_moments": Entry(
        lambda c: dict(
            C=c.C,
            **_nonneg(c),
            noise_std=c.real(0.0, 1.0, 0.1),
            extra_second_moment=c.real(0.0, 1.0, 0.01),
        )
    ),
    "nonnegative.bias_range": Entry(
        lambda c: dict(
            mu=c.real(0.0, 5.0, 1.0),
            n=c.n,
            delta=c.real(0.0, 1.4, 0.2),
            margin=c.real(0.0, 1.0, 0.1),
            **_nonneg(c),
        ),
        skip={
            "s": ("out of range 1000000",)
        },  # no m: any s >= 1 gives an (empty) range
    ),
    "nonnegative.typical_bias_range": Entry(
        lambda c: dict(
            C=c.C,
            **_nonneg(c),
            noise_std=c.real(0.0, 1.0, 0.1),
            k_off=c.real(0.0, 5.0, 3.0),
            k_on=c.real(0.0, 5.0, 3.0),
        )
    ),
    "nonnegative.unit_error_rates": Entry(
        lambda c: dict(
            C=c.C,
            bias=c.real(-1.0, 0.5, -0.3),
            **_nonneg(c),
            noise_std=c.real(0.0, 1.0, 0.1),
        )
    ),
    "nonnegative.firing_probability": Entry(
        lambda c: dict(
            C=c.C,
            bias=c.real(-1.0, 0.5, -0.3),
            **_nonneg(c),
            noise_std=c.real(0.0, 1.0, 0.1),
        )
    ),
    "nonnegative.spurious_energy": Entry(
        lambda c: dict(
            C=c.C,
            bias=c.real(-1.0, 0.5, -0.3),
            **_nonneg(c),
            noise_std=c.real(0.0, 1.0, 0.1),
        )
    ),
    "nonnegative.expected_gradient": Entry(
        lambda c: dict(
            W=c.W, A_star=c.A, bias=c.real(-1.0, 0.5, -0.3), **_nonneg(c)
        )
    ),
    "nonnegative.radial_coefficient": Entry(
        lambda c: dict(
            A_star=c.A,
            bias=c.real(-1.0, 0.5, -0.3),
            **_nonneg(c),
            noise_std=c.real(0.0, 1.0, 0.1),
            second_order=True,
        )
    ),
    "nonnegative.contraction_factor": Entry(
        lambda c: (
            lambda low, high, b: dict(
                cos_angle=c.real(0.3, 1.0, 0.9),
                bias=b,
                s=c.s,
                m=c.m,
                low=low,
                high=high,
                step_size=_nonneg_step(c, low, high, b),
            )
        )(*c.code_range(), c.real(-0.4, 0.0, -0.3))
    ),
    "nonnegative.trajectory": Entry(
        lambda c: (
            lambda low, high, b: dict(
                W0=c.W,
                A_star=c.A,
                bias=b,
                s=c.s,
                low=low,
                high=high,
                step_size=_nonneg_step(c, low, high, b),
                n_steps=c.integer(0, 5, 3),
            )
        )(*c.code_range(), c.real(-0.4, 0.0, -0.3))
    ),
    "nonnegative.population_floor": Entry(
        lambda c: dict(A_star=c.A, bias=c.real(-0.4, 0.0, -0.3), **_nonneg(c))
    ),
    "nonnegative.fixed_sample_floor": Entry(
        lambda c: dict(
            bias=c.real(-0.4, 0.0, -0.3),
            **_nonneg(c),
            noise_std=c.real(0.0, 1.0, 0.1),
            n=c.n,
            m=c.m,
            n_samples=c.integer(1, 100, 10),
        )
    ),
    "nonnegative.fresh_batch_floor": Entry(
        lambda c: (
            lambda low, high, b: dict(
                bias=b,
                s=c.s,
                low=low,
                high=high,
                noise_std=c.real(0.0, 1.0, 0.1),
                n=c.n,
                m=c.m,
                step_size=_nonneg_step(c, low, high, b),
                batch_size=c.integer(1, 100, 10),
            )
        )(*c.code_range(), c.real(-0.4, 0.0, -0.3))
    ),
    "nonnegative.error_curve": Entry(
        lambda c: (
            lambda low, high, b: dict(
                A_star=c.A,
                bias=b,
                s=c.s,
                low=low,
                high=high,
                noise_std=c.real(0.0, 1.0, 0.1),
                delta0=c.real(0.01, 1.0, 0.3),
                step_size=_nonneg_step(c, low, high, b),
                batch_size=c.integer(1, 100, 10),
                n_steps=c.integer(0, 5, 3),
            )
        )(*c.code_range(), c.real(-0.4, 0.0, -0.3))
    ),
    "nonnegative.bias_drift": Entry(
        lambda c: dict(
            bias0=np.full(c.m, c.real(-1.0, 0.0, -0.3)),
            bias_step_size=c.real(0.0, 2.0, 0.5),
            s=c.s,
            m=c.m,
            n_steps=c.integer(0, 5, 3),
        ),
        skip={"bias0": ("wrong length",)},  # any length: bias0 is not tied to m
    ),
    "nonnegative.unnormalised_scale": Entry(
        lambda c: dict(
            bias=c.real(-0.4, 0.0, -0.3),
            **dict(zip(("low", "high"), c.code_range())),
            noise_std=c.real(0.0, 0.5, 0.1),
        )
    ),
    "nonnegative.step_limit": Entry(
        lambda c: dict(
            bias=c.real(-0.4, 0.0, -0.3),
            **_nonneg(c),
            m=c.m,
            noise_std=c.real(0.0, 0.5, 0.1),
        )
    ),
}


# -----------------------------------------------------------------------------
# Kinds of parameters and their bad values
# -----------------------------------------------------------------------------


#: Values outside the documented range of a parameter, by parameter name (a
#: name has one meaning everywhere).
OUT_OF_RANGE: dict[str, tuple[float, ...]] = {
    "noise_std": (-0.1,),
    "step_size": (0.0, -1.0),
    "bias_step_size": (-1.0,),
    "batch_size": (0,),
    "n_samples": (0,),
    "N": (0,),
    "n_steps": (-1,),
    "s": (0, 10**6),
    "m": (0, 0.5),
    "n": (0, -64),
    "delta": (-0.1, 2.5),
    "delta0": (0.0, 1.5),
    "threshold": (-0.1,),
    "failure_prob": (0.0, 1.0),
    "failure": (0.0, 1.5),
    "level": (0.0, 1.5),
    "low": (0.0, -1.0),
    "weights": (-0.1, 1.5),
    "cos_angle": (1.5, -1.5),
    "theta": (-0.1, 2.0),
    "errors0": (-0.1, 1.5),
    "mu": (-1.0,),
    "margin": (-1.0,),
    "xi": (-1.0,),
    "split": (-0.1, 1.5),
    "kappa2": (-1.0,),
    "kappa1_abs": (-1.0,),
    "k_off": (-1.0,),
    "k_on": (-1.0,),
    "false_fire": (0.0,),
    "extra_second_moment": (-1.0,),
    "contraction": (0.0, -1.0),
    "systematic": (-1.0,),
    "second_moment": (-1.0,),
    "c": (0.0, 1.5),
}


#: Matrix parameters documented as having unit-norm columns (a valid unit value
#: is replaced by ``2·value``); exceptions are in the registry's ``skip``.
UNIT_NORM = ("A_star", "A", "W0", "A0")


def kind_of(param: inspect.Parameter, valid: object, entry: Entry) -> str:
    """A parameter's kind: the registry's, else from annotation and value."""
    if param.name in entry.kinds:
        return entry.kinds[param.name]
    ann = str(param.annotation)
    if isinstance(valid, bool):
        return "bool"
    if "Generator" in ann:
        return "rng"
    if "Activation" in ann or "ReLU" in ann:
        return "activation"
    if re.fullmatch(r"int( \| None)?", ann):
        return "int"
    if re.fullmatch(r"float( \| None)?", ann):
        return "real"
    if isinstance(valid, np.ndarray) and valid.ndim == 2:
        return "matrix"
    if "ndarray" in ann or "float" in ann:
        return "vector"
    return "object"


def _none_allowed(param: inspect.Parameter) -> bool:
    return "None" in str(param.annotation) or param.default is None


def bad_values(
    kind: str, valid: object, param: inspect.Parameter
) -> list[tuple[str, object]]:
    """Fixed bad values ``(label, value)`` for a parameter's kind (and name)."""
    if kind in ("int", "real", "vector", "broadcast"):
        out_of_range = [
            (f"out of range {v}", v) for v in OUT_OF_RANGE.get(param.name, ())
        ]
        return _bad_values(kind, valid, param) + out_of_range
    return _bad_values(kind, valid, param)


def _bad_values(
    kind: str, valid: object, param: inspect.Parameter
) -> list[tuple[str, object]]:
    common = [("string", "abc"), ("empty list", [])]
    if not _none_allowed(param):
        common.append(("None", None))
    if kind == "bool":
        return common + [
            ("string False", "False"),
            ("int 1", 1),
            ("int 0", 0),
            ("float", 1.0),
            ("array", np.array([True])),
        ]
    if kind == "rng":
        return common + [
            ("int seed", 0),
            ("RandomState", np.random.RandomState(0)),
        ]
    if kind == "activation":
        return common + [
            ("class", ae.ReLU),
            ("function", np.tanh),
            ("float", 1.0),
        ]
    if kind == "object":
        return common + [("float", 1.0), ("complex", 1j)]
    numeric = common + [
        ("nan", np.nan),
        ("inf", np.inf),
        ("-inf", -np.inf),
        ("complex", 0.5 + 1j),
        ("bool", True),
        ("numeric string", "0.5"),
    ]
    if kind == "int":
        return numeric + [
            ("fraction", 2.5),
            ("negative", -1),
            ("float array", np.ones(2)),
            ("int array", np.ones(2, int)),
        ]
    if kind == "real":
        return numeric + [
            ("1-element list", [0.5]),
            ("array", np.ones(3)),
            ("matrix", np.ones((2, 2))),
        ]
    if kind == "broadcast":  # any shape of reals
        return numeric + [
            ("array with nan", np.array([1.0, np.nan])),
            ("complex array", np.ones(2) + 1j),
        ]
    if kind == "vector":  # scalar or (m,)
        out = numeric + [
            ("3-d array", np.ones((2, 2, 2))),
            ("complex array", np.ones(3) + 1j),
        ]
        if isinstance(valid, np.ndarray) and valid.ndim == 1:
            out += [
                ("wrong length", np.resize(valid, valid.size + 1)),
                (
                    "array with nan",
                    np.where(np.arange(valid.size) == 0, np.nan, valid),
                ),
                ("list of strings", [str(v) for v in valid]),
            ]
        return out
    if kind in ("matrix", "index matrix"):
        A = np.asarray(valid)
        out = common + [
            ("scalar", 1.0),
            ("1-d", A[:, 0]),
            ("3-d", A[..., None]),
            ("complex", A + 1j),
            ("string array", A.astype(str)),
            ("bool", True),
            ("wrong rows", A[:-1]),
            ("no columns", A[:, :0]),
        ]
        if kind == "matrix":
            out += [
                ("nan entry", _with(A, np.nan)),
                ("inf entry", _with(A, np.inf)),
            ]
            if param.name in UNIT_NORM and np.allclose(
                np.linalg.norm(A, axis=0), 1.0
            ):
                out += [("non-unit columns", 2.0 * A)]
        else:
            out += [
                ("float entries", A + 0.5),
                ("negative entry", _with(A, -1)),
            ]
        return out
    if kind == "index vector":
        return common + [
            ("float entries", np.asarray(valid) + 0.5),
            ("negative", np.array([-1])),
            ("2-d", np.zeros((1, 1), int)),
        ]
    raise AssertionError(f"unknown kind {kind}")


def _with(A: np.ndarray, value: float) -> np.ndarray:
    out = np.array(
        A, dtype=float if np.isnan(value) or np.isinf(value) else A.dtype
    )
    out.flat[out.size // 2] = value
    return out


# -----------------------------------------------------------------------------
# Calling and checking
# -----------------------------------------------------------------------------

PUBLIC = public_names()
CALLABLE_KEYS = sorted(k for k in PUBLIC if k not in EXEMPT)


def _signature(key: str) -> inspect.Signature:
    return inspect.signature(PUBLIC[key])


def valid_kwargs(key: str, ctx: Ctx) -> dict:
    kwargs = REGISTRY[key].kwargs(ctx)
    missing = set(_signature(key).parameters) - set(kwargs)
    assert not missing, (
        f"REGISTRY[{key!r}] must give a valid value for every parameter; "
        f"missing {sorted(missing)}"
    )
    return kwargs


def _names_param(message: str, name: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", message) is not None


#: Bad values that make two arrays disagree in shape: the message may name
#: either of the two.
SHAPE_LABELS = ("wrong rows", "no columns")


def check_rejected(
    key: str, kwargs: dict, name: str, label: str, value: object
) -> str | None:
    """Call with ``kwargs[name] = value``; describe what went wrong, or None.

    The message must name ``name``; for a shape mismatch between two arrays
    (:data:`SHAPE_LABELS`) naming the other array of the pair is as good.
    """
    call = dict(kwargs, **{name: value})
    start = time.perf_counter()
    try:
        result = PUBLIC[key](**call)
    except (ValueError, TypeError) as exc:
        elapsed = time.perf_counter() - start
        if elapsed > TIME_LIMIT:
            return f"{name}={label}: took {elapsed:.1f} s to raise"
        named = (
            [name]
            if label not in SHAPE_LABELS
            else [p for p, v in kwargs.items() if np.ndim(v) == 2 or p == name]
        )
        if not any(_names_param(str(exc), p) for p in named):
            kind = type(exc).__name__
            return f"{name}={label}: {kind} does not name {name!r}: {exc}"
        return None
    except Exception as exc:  # noqa: BLE001 - any other exception is a finding
        kind = type(exc).__name__
        return f"{name}={label}: raised {kind}, not ValueError/TypeError: {exc}"
    return f"{name}={label}: accepted, returned {_short(result)}"


def _short(result: object) -> str:
    text = repr(result)
    return text if len(text) < 80 else text[:77] + "..."


def is_finite(result: object) -> bool:
    """Whether every number in a result (scalars, arrays, tuples) is finite."""
    if result is None or isinstance(result, bool | np.bool_ | str):
        return True
    if isinstance(result, int | float | np.number):
        return bool(np.isfinite(result))
    if isinstance(result, np.ndarray):
        return result.dtype.kind not in "fc" or bool(
            np.all(np.isfinite(result))
        )
    if isinstance(result, tuple | list):
        return all(is_finite(x) for x in result)
    if dataclasses.is_dataclass(result):
        return all(
            is_finite(getattr(result, f.name))
            for f in dataclasses.fields(result)
        )
    return True


# -----------------------------------------------------------------------------
# Tests
# -----------------------------------------------------------------------------


def test_every_public_name_is_registered():
    """A new public callable needs a registry entry (or an exemption)."""
    for name in EXCLUDED_MODULES:
        assert name not in MODULES
    missing = [k for k in PUBLIC if k not in REGISTRY and k not in EXEMPT]
    assert not missing, (
        f"public names without a REGISTRY entry in {__name__}: {missing}"
    )
    both = [k for k in PUBLIC if k in REGISTRY and k in EXEMPT]
    assert not both, f"names both registered and exempt: {both}"
    for key in EXEMPT:
        assert key in PUBLIC, f"stale exemption {key!r}"


def test_registry_covers_every_parameter():
    ctx = Ctx()
    for key in CALLABLE_KEYS:
        valid_kwargs(key, ctx)


@pytest.mark.parametrize("key", CALLABLE_KEYS)
def test_bad_arguments(key):
    """Each parameter, each fixed bad value: an error naming it, quickly."""
    kwargs = valid_kwargs(key, Ctx())
    entry = REGISTRY[key]
    problems = []
    for name, param in _signature(key).parameters.items():
        kind = kind_of(param, kwargs[name], entry)
        extra = [
            (label, make(Ctx())) for label, make in entry.bad.get(name, ())
        ]
        for label, value in bad_values(kind, kwargs[name], param) + extra:
            if label in entry.skip.get(name, ()):
                continue
            problem = check_rejected(
                key, valid_kwargs(key, Ctx()), name, label, value
            )
            if problem:
                problems.append(problem)
    assert not problems, f"{key}:\n  " + "\n  ".join(problems)


def _bad_strategy(
    kind: str, valid: object, param: inspect.Parameter, entry: Entry
) -> st.SearchStrategy:
    """``(label, value)``: a fixed bad value, or a generated one of the kind.

    Generated: NaN or inf at a random entry, random wrong dimensions, strings.
    """
    skip = entry.skip.get(param.name, ())
    fixed = st.sampled_from(
        [
            (label, v)
            for label, v in bad_values(kind, valid, param)
            if label not in skip
        ]
    )
    return fixed | _generated_bad(kind, valid, param).map(
        lambda v: (repr(v)[:60], v)
    )


def _generated_bad(
    kind: str, valid: object, param: inspect.Parameter
) -> st.SearchStrategy:
    junk = st.text(min_size=0, max_size=4) | st.complex_numbers(
        min_magnitude=0.1, allow_nan=False
    ).filter(lambda z: z.imag != 0)
    if not _none_allowed(param):
        junk = junk | st.none()
    if kind in ("bool", "rng", "activation", "object"):
        return junk | st.sampled_from(
            [v for _, v in bad_values(kind, valid, param)]
        )
    nonfinite = st.sampled_from([np.nan, np.inf, -np.inf])
    if kind == "int":
        return (
            junk
            | nonfinite
            | st.integers(max_value=-1)
            | st.floats(-100, 100).filter(lambda x: x != int(x))
            | st.booleans()
        )
    if kind == "real":
        return (
            junk
            | nonfinite
            | st.booleans()
            | st.lists(st.floats(0, 1), min_size=1, max_size=3).map(np.array)
        )
    shape = np.shape(valid)
    if kind in ("vector", "broadcast", "matrix") and len(shape) >= 1:
        size = int(np.prod(shape))

        def poison(args):
            index, value = args
            out = np.array(valid, dtype=float)
            out.flat[index] = value
            return out

        bad_entry = st.tuples(st.integers(0, size - 1), nonfinite).map(poison)
        wrong_ndim = st.integers(3, 4).map(lambda d: np.ones((2,) * d))
        return junk | nonfinite | bad_entry | wrong_ndim
    return junk | nonfinite | st.booleans()


@pytest.mark.parametrize("key", CALLABLE_KEYS)
@SETTINGS
@given(data=st.data())
def test_bad_arguments_generated(key, data):
    """Hypothesis picks the sizes, the parameter and a generated bad value."""
    ctx = Ctx.drawn(data)
    kwargs = valid_kwargs(key, ctx)
    params = _signature(key).parameters
    if not params:
        return
    name = data.draw(st.sampled_from(sorted(params)), label="parameter")
    kind = kind_of(params[name], kwargs[name], REGISTRY[key])
    label, value = data.draw(
        _bad_strategy(kind, kwargs[name], params[name], REGISTRY[key]),
        label="bad value",
    )
    problem = check_rejected(key, kwargs, name, label, value)
    assert problem is None, f"{key}: {problem}"


def _as_given(value: object, form: str) -> object:
    if (
        not isinstance(value, np.ndarray)
        or value.dtype.kind != "f"
        or form == "array"
    ):
        return value
    return value.tolist() if form == "list" else value.astype(np.float32)


@pytest.mark.parametrize("key", CALLABLE_KEYS)
@SETTINGS
@given(data=st.data())
def test_valid_arguments_give_finite_results(key, data):
    """Small random sizes and values in the documented ranges: finite results.

    Float arrays are passed as arrays, nested lists or float32 (a float32
    dictionary normalised in float32 must pass the unit-norm checks).
    """
    ctx = Ctx.drawn(data)
    kwargs = valid_kwargs(key, ctx)
    form = data.draw(
        st.sampled_from(["array", "list", "float32"]), label="array form"
    )
    if form == "float32":
        kwargs = {k: _float32_unit(v) for k, v in kwargs.items()}
    else:
        kwargs = {k: _as_given(v, form) for k, v in kwargs.items()}
    result = PUBLIC[key](**kwargs)
    assert is_finite(result), f"{key}: non-finite result {_short(result)}"


def _float32_unit(value: object) -> object:
    """Float arrays as float32; unit-norm columns renormalised in float32."""
    if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
        return value
    out = value.astype(np.float32)
    if value.ndim == 2:
        norms = np.linalg.norm(value, axis=0)
        if np.allclose(norms, 1.0):
            out = out / np.linalg.norm(out, axis=0)
    return out


#: Absurd sizes and magnitudes: any exception is fine, but no long loop.
ABSURD = {"int": 2**62, "real": 1e300}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("key", CALLABLE_KEYS)
def test_absurd_sizes_end_quickly(key):
    """Each int parameter at 2**62, each float at 1e300: done within 2 s."""
    kwargs = valid_kwargs(key, Ctx())
    entry = REGISTRY[key]
    slow = []
    for name, param in _signature(key).parameters.items():
        value = ABSURD.get(kind_of(param, kwargs[name], entry))
        if value is None:
            continue
        start = time.perf_counter()
        try:
            PUBLIC[key](**dict(valid_kwargs(key, Ctx()), **{name: value}))
        except Exception:  # noqa: BLE001 - whatever numpy raises is fine
            pass
        if time.perf_counter() - start > TIME_LIMIT:
            slow.append(f"{name}={value}")
    assert not slow, f"{key}: slow with {slow}"
