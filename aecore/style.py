"""The book's single plotting style, set by one explicit call."""

from __future__ import annotations

import matplotlib as mpl
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.legend import Legend

__all__ = ["legend_above", "set_house_style"]

# Display size: one figure inch is 96 CSS pixels, so a 6.4-inch figure is 614 px wide, a
# little narrower than the book's text column on a desktop. Pixels are doubled (192 dpi)
# so that figures stay sharp on high-density screens and on paper.
DISPLAY_DPI = 96
PIXEL_DENSITY = 2
# Smallest font the style uses, in points at display size: tick labels and legends.
SMALL_FONT_PT = 10.0


def _use_retina_inline_figures() -> None:
    """In an IPython kernel, store inline figures as pixel-doubled PNGs shown at display size.

    IPython's ``retina`` format renders at twice the figure's dpi and records the display
    width and height in the output's metadata, which Jupyter and myst-nb use as the
    ``<img>`` size. Outside IPython (scripts, tests) nothing is changed.
    """
    try:  # IPython comes with the book's kernel, not with aecore
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("retina")


def set_house_style() -> list[tuple[float, float, float]]:
    """Set the house style for every figure of the book and return its palette.

    Seaborn's ``whitegrid`` theme with the colour-blind-safe ``colorblind`` palette,
    a fixed figure size and resolution (so stored PNG outputs are reproducible), tick
    labels and legends at ``SMALL_FONT_PT`` (10) points at display size (relative sizes
    scale from the 12-point base: ``"x-small"`` is 8.3 pt, ``"xx-small"`` 6.9 pt, below
    the book's 8-point floor), legends on a nearly opaque frame placed where they cover the
    least data (:func:`legend_above` puts one outside the data), and, in a notebook, inline
    figures at twice the display resolution (IPython's ``retina`` format).

    Returns
    -------
    list of (r, g, b) tuples
        The ten colours of the palette, in cycle order.
    """
    sns.set_theme(context="notebook", style="whitegrid", palette="colorblind")
    mpl.rcParams.update(
        {
            "figure.figsize": (6.4, 3.6),
            "figure.dpi": DISPLAY_DPI,
            "savefig.dpi": DISPLAY_DPI * PIXEL_DENSITY,
            "font.size": 12.0,
            "axes.titlesize": 12.0,
            "axes.labelsize": 11.0,
            "xtick.labelsize": SMALL_FONT_PT,
            "ytick.labelsize": SMALL_FONT_PT,
            "legend.fontsize": SMALL_FONT_PT,
            "legend.title_fontsize": SMALL_FONT_PT,
            "legend.loc": "best",
            "legend.framealpha": 0.9,
            "legend.borderaxespad": 0.3,
            "lines.linewidth": 1.8,
            "image.cmap": "viridis",
            "font.family": "DejaVu Sans",
        }
    )
    _use_retina_inline_figures()
    return sns.color_palette("colorblind")


def legend_above(ax: Axes, ncols: int | None = None, **kwargs) -> Legend:
    """Place the legend of ``ax`` above its plotting area, centred, so that it covers no data.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes whose labelled artists go into the legend.
    ncols : int, optional
        Number of legend columns; default: one per entry, at most three (which fits a
        panel of a three-panel figure).
    **kwargs
        Passed on to ``ax.legend`` (e.g. ``title``).

    Returns
    -------
    matplotlib.legend.Legend
        The legend, drawn just above the top spine (leave room with the figure's layout).

    Raises
    ------
    ValueError
        If ``ax`` has no labelled artist, or ``ncols`` is not a positive integer.
    """
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        raise ValueError(
            "ax has no labelled artist: pass label=... to the plotting calls first"
        )
    if ncols is None:
        ncols = min(len(handles), 3)
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}")
    options = {
        "loc": "lower center",
        "bbox_to_anchor": (0.5, 1.0),
        "frameon": False,
        "ncols": ncols,
    }
    options.update(kwargs)
    return ax.legend(handles, labels, **options)
