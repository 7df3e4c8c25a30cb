"""Tests for aecore.style and for the absence of import-time side effects."""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import matplotlib as mpl
import matplotlib.colors as mcolors
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from PIL import Image

import aecore as ae
from aecore.style import legend_above

ROOT = Path(__file__).resolve().parents[1]


def test_set_house_style_returns_ten_colour_palette_and_sets_rcparams():
    with mpl.rc_context():
        palette = ae.set_house_style()
        assert len(palette) == 10
        assert all(
            len(c) == 3 and all(0.0 <= x <= 1.0 for x in c) for c in palette
        )
        assert len({tuple(c) for c in palette}) == 10  # ten distinct colours
        assert (
            mpl.rcParams["figure.dpi"] == 96
        )  # display size: one inch is 96 CSS pixels
        assert mpl.rcParams["savefig.dpi"] == 192  # saved figures at twice that
        assert tuple(mpl.rcParams["figure.figsize"]) == (6.4, 3.6)
        assert mpl.rcParams["image.cmap"] == "viridis"
        # the palette is the colour cycle used by every plot
        cycle = [
            mcolors.to_rgb(c)
            for c in mpl.rcParams["axes.prop_cycle"].by_key()["color"]
        ]
        assert cycle == [pytest.approx(tuple(c)) for c in palette]


def test_no_font_of_the_style_below_eight_points():
    """Every font size the style sets resolves to at least 8 pt (legends and ticks to 10)."""
    keys = [
        "font.size",
        "axes.titlesize",
        "axes.labelsize",
        "xtick.labelsize",
        "ytick.labelsize",
        "legend.fontsize",
        "legend.title_fontsize",
    ]
    with mpl.rc_context():
        ae.set_house_style()
        sizes = {
            key: FontProperties(size=mpl.rcParams[key]).get_size_in_points()
            for key in keys
        }
    assert min(sizes.values()) >= 8.0, sizes
    assert sizes["legend.fontsize"] == 10.0 and sizes["xtick.labelsize"] == 10.0
    # relative sizes are resolved: "xx-small" of the 12-pt base would fail
    with mpl.rc_context({"font.size": 12.0}):
        assert FontProperties(size="xx-small").get_size_in_points() < 8.0


def test_retina_inline_figures_in_a_notebook_kernel():
    """In IPython, the style makes inline PNGs pixel-doubled, shown at display size."""
    interactiveshell = pytest.importorskip("IPython.core.interactiveshell")
    shell = interactiveshell.InteractiveShell.instance()
    fig = Figure(figsize=(2.0, 1.0), dpi=96)
    fig.add_subplot().plot([0, 1], [1, 0])
    try:
        with mpl.rc_context():
            before, _ = shell.display_formatter.format(fig)
            ae.set_house_style()
            data, metadata = shell.display_formatter.format(fig)
    finally:
        interactiveshell.InteractiveShell.clear_instance()
    assert (
        "image/png" not in before
    )  # a bare shell has no PNG formatter for figures
    png = Image.open(io.BytesIO(base64.b64decode(data["image/png"])))
    width, height = png.size
    # 2 inches at 2 x 96 dpi = 384 pixels, less what bbox_inches="tight" trims
    assert 0.8 * 384 < width <= 384
    assert metadata["image/png"] == {"width": width // 2, "height": height // 2}


def test_legend_above_places_the_legend_outside_the_data():
    def legend_box(ncols):
        fig = Figure(figsize=(4.0, 3.0))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        for k in range(4):
            ax.plot([0, 1], [k, k + 1], label=f"line {k}")
        legend = legend_above(ax, ncols=ncols)
        renderer = fig.canvas.get_renderer()
        return legend.get_window_extent(renderer), ax.get_window_extent(
            renderer
        )

    with mpl.rc_context():
        ae.set_house_style()
        box, plot_area = legend_box(None)
        one_column, _ = legend_box(1)
    assert box.y0 >= plot_area.y1 - 1  # above the top spine: covers no data
    assert (
        abs((box.x0 + box.x1) / 2 - (plot_area.x0 + plot_area.x1) / 2) < 1
    )  # centred
    # default: three columns, so two rows of four entries, lower than one column of four
    assert box.height < 0.75 * one_column.height


@pytest.mark.parametrize("ncols", [0, -1, 1.5, True])
def test_legend_above_rejects_bad_ncols(ncols):
    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([0, 1], label="a")
    with pytest.raises(ValueError, match="ncols"):
        legend_above(ax, ncols=ncols)


def test_legend_above_needs_labelled_artists():
    ax = Figure().add_subplot()
    ax.plot([0, 1])
    with pytest.raises(ValueError, match="label="):
        legend_above(ax)


def test_set_house_style_is_idempotent():
    with mpl.rc_context():
        first = ae.set_house_style()
        params = dict(mpl.rcParams)
        second = ae.set_house_style()
        assert [tuple(c) for c in first] == [tuple(c) for c in second]
        assert dict(mpl.rcParams) == params


_SCRIPT = r"""
import json
import matplotlib as mpl
import numpy as np

def snapshot():
    return {k: repr(v) for k, v in mpl.rcParams.items()}

rc_before = snapshot()
rng_before = np.random.get_state()[1].tolist()
import aecore
rc_after_import = snapshot()
rng_after = np.random.get_state()[1].tolist()
aecore.set_house_style()
rc_after_style = snapshot()
print(json.dumps({
    "changed_by_import": sorted(k for k in rc_before if rc_before[k] != rc_after_import.get(k)),
    "added_by_import": sorted(set(rc_after_import) - set(rc_before)),
    "global_rng_untouched": rng_before == rng_after,
    "changed_by_style": sorted(k for k in rc_before if rc_before[k] != rc_after_style.get(k)),
}))
"""


def test_importing_aecore_has_no_side_effects():
    env = dict(
        os.environ,
        MPLBACKEND="Agg",
        PYTHONPATH=os.pathsep.join(
            [str(ROOT), os.environ.get("PYTHONPATH", "")]
        ),
    )
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["changed_by_import"] == []
    assert report["added_by_import"] == []
    assert report["global_rng_untouched"]
    # the comparison does detect changes: the explicit call changes the style
    assert "figure.dpi" in report["changed_by_style"]
    assert "axes.prop_cycle" in report["changed_by_style"]
