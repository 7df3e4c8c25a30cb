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

.PHONY: book test refresh serve bench clean

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { echo "$(PYTHON) cannot create virtual environments: on Debian run 'apt-get install python3.11-venv' (or set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

book: $(STAMP)
	rm -rf _build
	$(BIN)/jupyter-book build -W -n --keep-going .

test: $(STAMP)
	$(DETERMINISM) $(BIN)/python -m pytest $(PYTEST_ARGS)

refresh: $(STAMP)
	$(DETERMINISM) $(BIN)/python scripts/refresh_notebooks.py

serve:
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html $(PORT)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_gradient.py
	$(DETERMINISM) $(BIN)/python benchmarks/time_chapters.py

clean:
	rm -rf _build .pytest_cache *.egg-info
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
