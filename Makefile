# Two entry points (see README): `make demo` and `make test`. Both build the virtual
# environment from nothing first. torch is pinned to the CPU build so that pip never
# pulls several GB of CUDA wheels on a machine without a GPU.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TORCH_CPU ?= torch==2.13.0

.PHONY: setup demo test clean

$(BIN)/decodelab: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_CPU)"
	$(BIN)/python -m pip install --quiet -e ".[nbgrader]"
	touch $(BIN)/decodelab

setup: $(BIN)/decodelab

demo: setup
	$(BIN)/decodelab doctor
	$(BIN)/decodelab demo complete

test: setup
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV)
