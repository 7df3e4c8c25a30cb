"""aecore: the shared code of the book *Autoencoders Learn Generative Linear Models*.

Flat imports for the core: ``from aecore import SparseCoding, train, column_errors``.
The closed forms of the three theory chapters live in :mod:`aecore.theory`, one module per
model with one vocabulary: ``from aecore.theory import sparse as theory``.
Importing the package has no side effects: no seeding, no style changes, no I/O.
"""

from . import theory
from .autoencoder import (
    Activation,
    HardThreshold,
    ReLU,
    decode,
    encode,
    gradient,
    loss,
    loss_and_gradient,
)
from .baselines import (
    expected_neural_direction,
    neural_decode,
    neural_direction,
    neural_direction_moments,
    train_neural,
)
from .codes import (
    CodeBatch,
    CodeStream,
    GradientMoments,
    code_consistency,
    code_gradient_moments,
    code_loss_and_gradient,
    sample_code_batch,
)
from .dictionaries import (
    incoherence,
    perturb_dictionary,
    random_dictionary,
    tangential_component,
)
from .metrics import (
    align_columns,
    column_errors,
    is_delta_close,
    is_near,
    match_columns,
    support_recovery_rate,
)
from .models import (
    MixtureOfGaussians,
    NonnegativeSparseCoding,
    Sample,
    SparseCoding,
)
from .style import set_house_style
from .training import (
    TrainingDivergedError,
    TrainingResult,
    descend,
    step_size_rule,
    train,
)

__all__ = [
    "Activation",
    "CodeBatch",
    "CodeStream",
    "GradientMoments",
    "HardThreshold",
    "MixtureOfGaussians",
    "NonnegativeSparseCoding",
    "ReLU",
    "Sample",
    "SparseCoding",
    "TrainingDivergedError",
    "TrainingResult",
    "align_columns",
    "code_consistency",
    "code_gradient_moments",
    "code_loss_and_gradient",
    "column_errors",
    "decode",
    "descend",
    "encode",
    "expected_neural_direction",
    "gradient",
    "incoherence",
    "is_delta_close",
    "is_near",
    "loss",
    "loss_and_gradient",
    "match_columns",
    "neural_decode",
    "neural_direction",
    "neural_direction_moments",
    "perturb_dictionary",
    "random_dictionary",
    "sample_code_batch",
    "set_house_style",
    "step_size_rule",
    "support_recovery_rate",
    "tangential_component",
    "theory",
    "train",
    "train_neural",
]

from .initialisation import (
    SpectralInit,
    farthest_point_seeds,
    mixture_init,
    spectral_init,
)
from .refit import (
    encoder_supports,
    least_squares_codes,
    mod_step,
    normalize_columns,
    refit,
    reseed_unused,
)

__all__ += [
    "SpectralInit",
    "encoder_supports",
    "farthest_point_seeds",
    "least_squares_codes",
    "mixture_init",
    "mod_step",
    "normalize_columns",
    "refit",
    "reseed_unused",
    "spectral_init",
]
