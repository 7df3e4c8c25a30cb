"""aecore: the shared code of the book *Autoencoders Learn Generative Linear Models*.

Flat imports for the chapters: ``from aecore import SparseCoding, train, column_errors``.
Importing the package has no side effects: no seeding, no style changes, no I/O.
"""

from .autoencoder import Activation, HardThreshold, ReLU, decode, encode, gradient, loss, loss_and_gradient
from .dictionaries import incoherence, perturb_dictionary, random_dictionary
from .metrics import (
    align_columns,
    column_errors,
    is_delta_close,
    is_near,
    match_columns,
    support_recovery_rate,
)
from .models import MixtureOfGaussians, NonnegativeSparseCoding, Sample, SparseCoding
from .style import set_house_style
from .training import TrainingDivergedError, TrainingResult, train


__all__ = [
    "Activation",
    "HardThreshold",
    "MixtureOfGaussians",
    "NonnegativeSparseCoding",
    "ReLU",
    "Sample",
    "SparseCoding",
    "TrainingDivergedError",
    "TrainingResult",
    "align_columns",
    "column_errors",
    "decode",
    "encode",
    "gradient",
    "incoherence",
    "is_delta_close",
    "is_near",
    "loss",
    "loss_and_gradient",
    "match_columns",
    "perturb_dictionary",
    "random_dictionary",
    "set_house_style",
    "support_recovery_rate",
    "train",
]
