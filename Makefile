# Entry points of the project. Every target that runs code first brings .venv in line with
# requirements.lock (exact pins) and installs aecore editable into it.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
# Same pinned environment for `refresh` (writes stored outputs) and `test` (nbval re-checks
# them): a fixed hash seed and single-threaded BLAS. MPLBACKEND stays unset: setting it
# in a kernel's environment suppresses the inline figures the notebooks store.
DETERMINISM := PYTHONHASHSEED=0 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
PYTEST_ARGS := tests chapters --nbval --nbval-current-env \
	--nbval-sanitize-with tests/nbval_sanitize.cfg -n 2 --dist loadfile

.PHONY: book book-student dist pdf pdf-student format test refresh serve bench clean

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { echo "$(PYTHON) cannot create virtual environments: on Debian run 'apt-get install python3.11-venv' (or set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

book: $(STAMP)
	rm -rf _build
	$(BIN)/jupyter-book build -W -n --keep-going .

# Student edition: the same strict build without exercise solutions (sphinx-exercise's
# hide_solutions) and without the downloadable page sources (_sources/, .ipynb), which
# contain them. Its configuration is _config.yml plus those overrides, written next to the build.
STUDENT_HTML ?= _build/html-student
STUDENT_WORK = $(STUDENT_HTML).work
define STUDENT_CONFIG
import os, sys, yaml
config = yaml.safe_load(open("_config.yml", encoding="utf-8"))
config["title"] += " (student edition)"
sphinx = config.setdefault("sphinx", {})
for name, path in sphinx.get("local_extensions", {}).items():  # the config moves: anchor them
    sphinx["local_extensions"][name] = os.path.abspath(path)
sphinx["recursive_update"] = True  # merge html_theme_options below into Jupyter Book's
sphinx.setdefault("config", {}).update(
    hide_solutions=True,
    html_copy_source=False,
    html_theme_options={"use_download_button": False},
)
yaml.safe_dump(config, sys.stdout, allow_unicode=True, sort_keys=False)
endef
export STUDENT_CONFIG

book-student: $(STAMP)
	rm -rf $(STUDENT_HTML) $(STUDENT_WORK)
	mkdir -p $(STUDENT_WORK)
	$(BIN)/python -c "$$STUDENT_CONFIG" > $(STUDENT_WORK)/_config.yml
	$(BIN)/jupyter-book build -W -n --keep-going --config $(STUDENT_WORK)/_config.yml --path-output $(STUDENT_WORK) .
	mv $(STUDENT_WORK)/_build/html $(STUDENT_HTML)
	rm -rf $(STUDENT_WORK)

# Wheel and sdist of aecore into DIST, offline: setuptools' PEP 517 hooks run in the pinned
# environment (no isolated build environment to download). build/ is setuptools' scratch;
# a stale aecore.egg-info would add the files it lists to the wheel, so it goes first.
DIST ?= dist
dist: $(STAMP)
	rm -rf $(DIST) build *.egg-info
	for hook in build_sdist build_wheel; do \
	  $(BIN)/python -c 'import sys, setuptools.build_meta as b; getattr(b, sys.argv[1])(sys.argv[2])' $$hook $(DIST) || exit 1; \
	done
	rm -rf build

# The whole book as one PDF (_build/pdf/book.pdf): every page of the HTML build printed by
# Debian's Chromium with the book's print stylesheet, joined in reading order.
pdf: book
	$(BIN)/python scripts/make_pdf.py _build/html _build/pdf/book.pdf

# The student edition as one PDF (_build/pdf/book-student.pdf), for handing out.
pdf-student: book-student
	$(BIN)/python scripts/make_pdf.py $(STUDENT_HTML) _build/pdf/book-student.pdf

# Format every Python file and notebook of the repository with ruff (settings in
# pyproject.toml [tool.ruff]); tests/test_format.py checks that this leaves nothing to do.
format: $(STAMP)
	$(BIN)/ruff format

test: $(STAMP)
	$(DETERMINISM) $(BIN)/python -m pytest $(PYTEST_ARGS)

refresh: $(STAMP)
	$(DETERMINISM) $(BIN)/python scripts/refresh_notebooks.py

serve:
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html $(PORT)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_gradient.py
	$(DETERMINISM) $(BIN)/python benchmarks/time_chapters.py
	$(DETERMINISM) $(BIN)/python benchmarks/peers.py

clean:
	rm -rf _build .pytest_cache *.egg-info dist build
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
