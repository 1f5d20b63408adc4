# Two entry points (see README): `make demo` and `make test`. Both build the virtual
# environment from nothing first. torch is pinned to the CPU build so that pip never
# pulls several GB of CUDA wheels on a machine without a GPU.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TORCH_CPU ?= torch==2.13.0

# Debian packages some tests use: Chromium (the logprobs page in a real browser), a Japanese
# font (tokens in screenshots and plots) and bubblewrap (the grader's sandbox). Installed
# only where we are root with apt (CI, containers); elsewhere those tests say what is missing.
SYSTEM_PACKAGES := chromium fonts-ipafont-gothic bubblewrap

.PHONY: setup system-deps demo test clean

$(BIN)/decodelab: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_CPU)"
	$(BIN)/python -m pip install --quiet -e ".[nbgrader]"
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
	$(BIN)/decodelab demo complete

test: setup system-deps
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV)
