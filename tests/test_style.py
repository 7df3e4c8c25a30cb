"""Tests for aecore.style and for the absence of import-time side effects."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import matplotlib as mpl
import matplotlib.colors as mcolors
import pytest

import aecore as ae

ROOT = Path(__file__).resolve().parents[1]


def test_set_house_style_returns_ten_colour_palette_and_sets_rcparams():
    with mpl.rc_context():
        palette = ae.set_house_style()
        assert len(palette) == 10
        assert all(len(c) == 3 and all(0.0 <= x <= 1.0 for x in c) for c in palette)
        assert len({tuple(c) for c in palette}) == 10  # ten distinct colours
        assert mpl.rcParams["figure.dpi"] == 96
        assert mpl.rcParams["savefig.dpi"] == 96
        assert tuple(mpl.rcParams["figure.figsize"]) == (6.4, 3.6)
        assert mpl.rcParams["image.cmap"] == "viridis"
        # the palette is the colour cycle used by every plot
        cycle = [mcolors.to_rgb(c) for c in mpl.rcParams["axes.prop_cycle"].by_key()["color"]]
        assert cycle == [pytest.approx(tuple(c)) for c in palette]


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
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["changed_by_import"] == []
    assert report["added_by_import"] == []
    assert report["global_rng_untouched"]
    # the comparison does detect changes: the explicit call changes the style
    assert "figure.dpi" in report["changed_by_style"]
    assert "axes.prop_cycle" in report["changed_by_style"]
