"""The book's single plotting style, set by one explicit call."""

from __future__ import annotations

import matplotlib as mpl
import seaborn as sns

__all__ = ["set_house_style"]


def set_house_style() -> list[tuple[float, float, float]]:
    """Set the house style for every figure of the book and return its palette.

    Seaborn's ``whitegrid`` theme with the colour-blind-safe ``colorblind`` palette,
    a fixed figure size and resolution (so stored PNG outputs are reproducible),
    and no metadata that would change between runs.

    Returns
    -------
    list of (r, g, b) tuples
        The ten colours of the palette, in cycle order.
    """
    sns.set_theme(context="notebook", style="whitegrid", palette="colorblind")
    mpl.rcParams.update(
        {
            "figure.figsize": (6.4, 3.6),
            "figure.dpi": 96,
            "savefig.dpi": 96,
            "axes.titlesize": "medium",
            "axes.labelsize": "medium",
            "legend.fontsize": "small",
            "lines.linewidth": 1.8,
            "image.cmap": "viridis",
            "font.family": "DejaVu Sans",
        }
    )
    return sns.color_palette("colorblind")
