# Entry points (see README): `make demo`, `make test`; for maintainers `make lock`,
# `make test-latest`, `make mutation`. Every environment is built from requirements.lock (exact
# versions with hashes) after torch, which is pinned to the CPU build here so that pip never
# pulls several GB of CUDA wheels on a machine without a GPU.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TORCH_CPU ?= torch==2.13.0
LOCK := requirements.lock
# The installer of the lock: uv (itself locked, with hashes, in UV_LOCK) unpacks and compiles
# the 168 locked distributions in parallel: a fresh `make setup` in 48.9 s against pip's 102.4 s
# (docs/benchmarks.md).
# INSTALLER=pip installs them with pip instead, which reads pip's own configuration (a private
# index or mirror set in pip.conf; uv does not read pip.conf). torch always comes through pip:
# it is the one that finds the CPU build lying on this machine's disk.
INSTALLER ?= uv
UV_LOCK := requirements-uv.lock
PIP := python -m pip install --quiet --disable-pip-version-check
# pytest workers for the project's own tests (pytest-xdist); 0 runs them in one process. Three
# on two cores: about a quarter of a worker's time is spent waiting (on time limits, on children).
WORKERS ?= 3
# --dist loadfile, not loadgroup: with pytest 9.2, xdist_group marks silently stop grouping
# (pytest-xdist issue 1386), and a split by loadscope classes measured slower (docs/benchmarks.md).
# grading workers of `make bench`: one per core, as an instructor would run it
BENCH_WORKERS ?= 2

# Debian packages some tests use: Chromium (the logprobs page in a real browser), a Japanese
# font (tokens in screenshots and plots) and bubblewrap (the grader's sandbox). Installed
# only where we are root with apt (CI, containers); elsewhere those tests say what is missing.
SYSTEM_PACKAGES := chromium fonts-ipafont-gothic bubblewrap

.PHONY: setup system-deps demo test test-latest bench lock mutation clean

# A fresh environment whenever the project or the lock changes: nothing left from an older set-up.
$(BIN)/decodelab: pyproject.toml $(LOCK) $(UV_LOCK)
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/$(PIP) "$(TORCH_CPU)"
ifeq ($(INSTALLER),uv)
	$(BIN)/$(PIP) --require-hashes --no-deps -r $(UV_LOCK)
	$(BIN)/uv pip install --python $(BIN)/python --quiet --require-hashes --no-deps --compile-bytecode -r $(LOCK)
else
	$(BIN)/$(PIP) --require-hashes --no-deps -r $(LOCK)
endif
	$(BIN)/$(PIP) --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $(BIN)/decodelab

setup: $(BIN)/decodelab

system-deps:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi; \
	else echo "note: not root with apt-get; tests needing $(SYSTEM_PACKAGES) will say what is missing"; fi

demo: setup
	$(BIN)/decodelab doctor
	$(BIN)/decodelab demo complete --reference

test: setup system-deps
	$(BIN)/python -m pytest -q -n $(WORKERS) --dist loadfile --durations=15 tests

# The newest versions pyproject.toml's ranges allow, in .venv-latest: upstream drift (a renamed
# argument, a changed default) shows up here before a class meets it. Runs the proofs that
# grades are right: the suites against solutions/, stubs and wrong versions, and `decodelab grade`.
LATEST := .venv-latest
test-latest: system-deps
	$(PYTHON) -m venv --clear $(LATEST)
	$(LATEST)/bin/$(PIP) "$(TORCH_CPU)"
	echo "$(TORCH_CPU)" > $(LATEST)/torch.txt  # torch stays the CPU build: the newest would be CUDA's
	$(LATEST)/bin/$(PIP) --upgrade --upgrade-strategy eager -c $(LATEST)/torch.txt -e ".[nbgrader,dev]"
	$(LATEST)/bin/python -m decodelab.cli doctor
	$(LATEST)/bin/python -m pytest -q -n $(WORKERS) --dist loadfile tests/test_suites.py tests/test_grade_cli.py \
	  tests/test_backends.py tests/test_reference_decoding.py tests/test_reference_sampling.py tests/test_reference_distributions.py \
	  --deselect tests/test_grade_cli.py::test_the_grading_stack_is_the_locked_one

# Grading speed (docs/benchmarks.md): a generated class of 50 graded by `decodelab grade` and a
# stratified sample of BENCH_SAMPLE by nbgrader (the named peer), in one run, from cold caches
# (a fresh DECODELAB_CACHE); prints seconds per honest submission, the ratio, whether priming
# worked and the load average. Writes bench-report.json.
BENCH_SAMPLE ?= 5
bench: setup system-deps
	cache=$$(mktemp -d) && DECODELAB_CACHE=$$cache $(BIN)/python benchmarks/grade_class.py --workers $(BENCH_WORKERS) \
	  --nbgrader-sample $(BENCH_SAMPLE) --json bench-report.json; status=$$?; rm -rf $$cache; exit $$status

# Mutation testing of the hidden suites with mutmut (docs/mutation.md): slow, not part of `make test`.
# make mutation MODULES="evaluation nucleus" for some modules; all of them by default.
MODULES ?=
mutation: setup
	nice -n 19 $(BIN)/python benchmarks/mutation.py $(addprefix --module ,$(MODULES)) --markdown mutants/mutation-report.md

# Rewrite requirements.lock from pyproject.toml: the newest versions its ranges allow, today
# (--upgrade: without it pip-compile keeps every pin already in the file, and nothing moves).
lock:
	$(PYTHON) -m venv --clear .venv-lock
	.venv-lock/bin/$(PIP) "pip-tools==7.6.2"
	echo "$(TORCH_CPU)" > .venv-lock/torch.txt
	cd .venv-lock && bin/pip-compile ../pyproject.toml --upgrade --extra nbgrader --extra notebook --extra room --extra dev --generate-hashes \
	  --strip-extras --no-emit-index-url --no-emit-find-links --unsafe-package torch --constraint torch.txt --output-file ../$(LOCK) --quiet
	echo "# pinned outside the hashes (installed first, TORCH_CPU in the Makefile; a GPU machine keeps its CUDA build): $(TORCH_CPU)" >> $(LOCK)
	cd .venv-lock && echo uv | bin/pip-compile - --upgrade --generate-hashes --no-emit-index-url --no-emit-find-links \
	  --output-file ../$(UV_LOCK) --quiet

clean:
	rm -rf $(VENV) $(LATEST) .venv-lock
