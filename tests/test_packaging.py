"""`make dist` builds a wheel and an sdist of aecore that install and import outside the repository.

Offline: the wheel is installed with ``--no-index --no-deps`` into a fresh venv; its
dependencies (numpy, scipy, ...) come from the running environment through a ``.pth`` line
added *after* the install, so pip never sees a second aecore and the fresh venv's own
site-packages stays first on ``sys.path``.
"""

import json
import subprocess
import sys
import sysconfig
import tarfile
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "aecore"
SMOKE = """
import importlib.metadata, json, sys
import numpy as np
import aecore, aecore.theory
A = aecore.random_dictionary(8, 12, np.random.default_rng(0))
print(json.dumps({
    "file": aecore.__file__,
    "theory": aecore.theory.__file__,
    "version": importlib.metadata.version("aecore"),
    "license": importlib.metadata.metadata("aecore")["License"],
    "shape": list(A.shape),
    "unit_columns": bool(np.allclose(np.linalg.norm(A, axis=0), 1.0)),
    "prefix": sys.prefix,
}))
"""


def _source_modules() -> set[str]:
    """Paths (relative to the repo) of every module of the package in the source tree."""
    return {
        str(p.relative_to(ROOT))
        for p in (ROOT / PACKAGE).rglob("*.py")
        if "__pycache__" not in p.parts
    }


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """Run `make dist` into a temporary folder and return it."""
    out = tmp_path_factory.mktemp("dist")
    cmd = [
        "make",
        "--no-print-directory",
        "-o",
        ".venv/.installed",  # the environment is the running one: never reinstall it here
        "dist",
        f"BIN={Path(sys.executable).parent}",
        f"DIST={out}",
    ]
    proc = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def test_wheel_holds_every_module_and_the_licences(dist):
    """The wheel has every module of aecore (subpackages included) and both licence files."""
    (wheel,) = dist.glob(f"{PACKAGE}-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert _source_modules() <= names, sorted(_source_modules() - names)
    version = wheel.name.split("-")[1]
    tops = {n.split("/")[0] for n in names}
    assert tops == {PACKAGE, f"{PACKAGE}-{version}.dist-info"}  # nothing else
    licences = {Path(n).name for n in names if ".dist-info/" in n}
    assert {"LICENSE", "LICENSE-TEXT"} <= licences


def test_sdist_holds_every_module_and_the_licences(dist):
    """The sdist has the package sources, pyproject.toml and both licence files; no tests."""
    (sdist,) = dist.glob(f"{PACKAGE}-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {
            name.split("/", 1)[1] for name in archive.getnames() if "/" in name
        }
    assert (
        _source_modules() | {"pyproject.toml", "LICENSE", "LICENSE-TEXT"}
        <= names
    )
    assert not any(name.startswith("tests/") for name in names)


def test_wheel_installs_and_imports_in_a_fresh_venv(dist, tmp_path):
    """Installed into a fresh venv, aecore imports from that venv (not the repo) and works."""
    (wheel,) = dist.glob(f"{PACKAGE}-*.whl")
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env)
    python = env / "bin" / "python"
    install = [
        sys.executable,
        "-m",
        "pip",
        "--python",
        str(python),
        "install",
        "--no-deps",
        "--no-index",
        "--ignore-installed",  # an aecore found elsewhere (PYTHONPATH) must not count
        "--quiet",
        str(wheel),
    ]
    proc = subprocess.run(install, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    site = Path(
        subprocess.check_output(
            [
                python,
                "-c",
                "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            ],
            text=True,
        ).strip()
    )
    (site / "zz_dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n"
    )
    run = subprocess.run(
        [python, "-I", "-c", SMOKE],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    # the installed copy, not the clone
    assert Path(found["file"]).is_relative_to(site), found
    assert Path(found["theory"]).is_relative_to(site), found
    assert found["version"] == wheel.name.split("-")[1]
    assert found["license"] == "MIT"
    assert found["shape"] == [8, 12] and found["unit_columns"], found


def test_citation_metadata_matches_the_book_and_the_package():
    """CITATION.cff (CFF 1.2.0) names the book's title, the package version and both licences."""
    citation = yaml.safe_load(
        (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    )
    title = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))[
        "title"
    ]
    version = tomllib.loads(
        (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    )["project"]["version"]
    assert citation["cff-version"] == "1.2.0"
    assert {"message", "authors", "title"} <= citation.keys()
    preferred = citation["preferred-citation"]
    assert citation["title"] == preferred["title"] == title
    assert str(citation["version"]) == str(preferred["version"]) == version
    assert preferred["type"] == "book" and preferred["authors"]
    assert set(citation["license"]) == {"MIT", "CC-BY-4.0"}
    assert (ROOT / "LICENSE").is_file() and (ROOT / "LICENSE-TEXT").is_file()
    landing = (ROOT / "chapters" / "index.md").read_text(encoding="utf-8")
    assert f"version {version}" in landing, (
        "update 'How to cite' in chapters/index.md"
    )
