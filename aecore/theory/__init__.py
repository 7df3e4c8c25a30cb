"""Closed forms of the three theory chapters, one module per model, one vocabulary.

The three models are asked the same questions, and each question has one function name in
every module that can answer it::

    from aecore.theory import mixture as theory      # chapter 3
    from aecore.theory import sparse as theory       # chapter 4
    from aecore.theory import nonnegative as theory  # chapter 5

    theory.expected_gradient(W, A_star, ...)
    theory.contraction_factor(cos_angle, ..., step_size=...)

Arguments come in one order: the state (``W``, ``W0``, ``errors0``, ``cos_angle`` or the
cross-talk matrix ``C``) first, then ``A_star``, then the bias, then the model's own
parameters (mixture: ``weights, noise_std``; sparse coding: ``s, m``; non-negative: ``s, low,
high, noise_std`` and the sizes ``n, m``), and the algorithm's settings (``step_size``,
``n_steps``, ``batch_size``, ``n_samples``) are keyword-only. :data:`QUESTIONS` lists the shared
questions; :func:`concept_table` says which module answers which, and why a model has no answer.
Results that belong to one model keep their own names in its module (for example
:func:`aecore.theory.sparse.consistency_boundary` or
:class:`aecore.theory.nonnegative.CoherenceBias`).
"""

from __future__ import annotations

from types import ModuleType

from . import mixture, nonnegative, sparse

__all__ = [
    "MODELS",
    "NO_ANSWER",
    "QUESTIONS",
    "concept_table",
    "mixture",
    "nonnegative",
    "sparse",
]

#: The shared questions, in the order the chapters ask them: ``(function name, question)``.
QUESTIONS: tuple[tuple[str, str], ...] = (
    (
        "bias_range",
        "Which bias makes exactly the right units fire, from any δ-close start?",
    ),
    (
        "firing_probability",
        "How often does the hidden layer fire exactly on the true support?",
    ),
    (
        "expected_gradient",
        "What is the expected gradient on the exact-firing event?",
    ),
    (
        "contraction_factor",
        "By what factor does one normalised step shrink tan θ?",
    ),
    (
        "trajectory",
        "What errors does normalised descent on the expected gradient go through?",
    ),
    (
        "population_floor",
        "Where does descent on the expected gradient itself stop?",
    ),
    (
        "fixed_sample_floor",
        "Where does descent on one fixed sample of size N stop?",
    ),
    (
        "fresh_batch_floor",
        "Where does descent with a fresh batch of N per step settle?",
    ),
    (
        "unnormalised_scale",
        "What column norm does plain (unnormalised) descent reach?",
    ),
    ("step_limit", "For which steps does plain descent reach that norm?"),
)

#: The three models, as ``(title, module)``.
MODELS: tuple[tuple[str, ModuleType], ...] = (
    ("mixture of Gaussians", mixture),
    ("sparse coding", sparse),
    ("non-negative sparse coding", nonnegative),
)

#: Why a model has no function for a question: ``{(module name, question name): reason}``.
NO_ANSWER: dict[tuple[str, str], str] = {
    (
        "sparse",
        "bias_range",
    ): "the hard threshold at ½ with b = 0 replaces the bias; see firing_probability",
    (
        "mixture",
        "population_floor",
    ): "zero: at A* the expected gradient is radial, so the normalised step does not move",
    (
        "sparse",
        "population_floor",
    ): "the systematic term ‖g_i^⊥(A*)‖ enters fixed_sample_floor and fresh_batch_floor directly",
    (
        "sparse",
        "unnormalised_scale",
    ): "the chapter trains only with normalised columns",
    ("sparse", "step_limit"): "the chapter trains only with normalised columns",
}


def concept_table() -> list[tuple[str, str, list[str]]]:
    """The concept table: one row per shared question, one cell per model.

    Returns
    -------
    list of (name, question, cells)
        ``cells[k]`` is ``"aecore.theory.<module>.<name>"`` when model ``k`` of :data:`MODELS`
        answers the question, or ``"— " + reason`` when it does not.

    Raises
    ------
    RuntimeError
        If a model neither answers a question nor says why, or says why and answers it too.
    """
    rows = []
    for name, question in QUESTIONS:
        cells = []
        for _, module in MODELS:
            short = module.__name__.rsplit(".", 1)[1]
            has = name in module.__all__
            reason = NO_ANSWER.get((short, name))
            if has == (reason is not None):
                raise RuntimeError(
                    f"aecore.theory.{short}: question {name!r} must have a function or a reason, not both."
                )
            cells.append(f"{module.__name__}.{name}" if has else f"— {reason}")
        rows.append((name, question, cells))
    return rows
