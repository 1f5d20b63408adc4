"""The 4-bit GPU path with a model of Mistral-7B's exact shape (random weights, no download).

Tests marked ``gpu`` run only where CUDA is (the plugin skips them elsewhere): they save a
7.24 B-parameter Mistral-shaped model in fp16 and load it through ``load_backend("<folder>:4bit")``
— the path ``mistral-7b-4bit`` takes — then check the quantized layers, the GPU memory and
that greedy generation runs. The unmarked tests check the same builder and path on the CPU
at a small size, and that the benchmark script bows out cleanly without a GPU.
"""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from reference.backends import load_backend
from reference.decoding import greedy_generate

ROOT = Path(__file__).resolve().parents[1]
MISTRAL_7B_PARAMETERS = 7_241_732_096  # Mistral-7B-v0.1, counted from its config (untied lm_head)
GIB = 2**30
needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


def _benchmark():
    spec = importlib.util.spec_from_file_location("decodelab_gpu_4bit_benchmark", ROOT / "benchmarks" / "gpu_4bit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_config_has_mistral_7b_shape():
    from transformers import MistralForCausalLM

    config = _benchmark().mistral_7b_config()
    with torch.device("meta"):
        model = MistralForCausalLM(config)
    count = sum(p.numel() for p in model.parameters())
    assert count == MISTRAL_7B_PARAMETERS, f"the Mistral-7B-shaped config has {count:,} parameters"


def test_small_random_model_goes_through_the_4bit_path_on_cpu(tmp_path):
    if torch.cuda.is_available():
        pytest.skip("the GPU tests below cover this path at full size")
    import bitsandbytes as bnb

    bench = _benchmark()
    config = bench.mistral_7b_config(hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                                     num_attention_heads=4, num_key_value_heads=2)
    folder = bench.build_random_model(tmp_path / "small", config)
    backend = load_backend(f"{folder}:4bit")
    assert backend.quantized
    assert sum(isinstance(m, bnb.nn.Linear4bit) for m in backend.model.modules()) == 2 * 7
    ids = backend.encode("The capital of Japan is")
    out = greedy_generate(backend.model, ids, 5)
    assert out.shape == (1, ids.shape[1] + 5) and torch.equal(out[:, : ids.shape[1]], ids)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_benchmark_without_gpu_says_so_in_one_line():
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "gpu_4bit.py")], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, f"exit {result.returncode}: {result.stdout}{result.stderr[-2000:]}"
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 and "nothing measured" in lines[0] and "CUDA" in lines[0], result.stdout


# --- on a GPU, at full size -----------------------------------------------------------------


@pytest.fixture(scope="module")
def mistral_shaped_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("mistral7b-random")
    return _benchmark().build_random_model(folder)


@pytest.mark.gpu
@pytest.mark.slow
@needs_cuda
def test_mistral_shaped_model_loads_in_4bit_and_generates(mistral_shaped_folder):
    import bitsandbytes as bnb

    torch.cuda.empty_cache()
    before = torch.cuda.memory_allocated()
    backend = load_backend(f"{mistral_shaped_folder}:4bit")
    held = torch.cuda.memory_allocated() - before
    try:
        assert backend.quantized and backend.device.type == "cuda"
        four_bit = [m for m in backend.model.modules() if isinstance(m, bnb.nn.Linear4bit)]
        assert len(four_bit) == 32 * 7, f"{len(four_bit)} Linear4bit layers, expected 7 per layer x 32 layers"
        assert four_bit[0].weight.quant_state.quant_type == "nf4"
        # NF4: 0.5 byte per projection weight + one fp32 scale per 64 weights (3.9 GB), plus the
        # fp16 embeddings and lm_head (0.5 GB): about 4.2 GiB, against 13.5 GiB in fp16.
        fp16_bytes = MISTRAL_7B_PARAMETERS * 2
        assert 3 * GIB < held < 0.45 * fp16_bytes, f"the 4-bit model holds {held / GIB:.2f} GiB of GPU memory"

        ids = backend.encode("The capital of Japan is")
        with torch.no_grad():
            logits = backend.model(ids).logits[0, -1]
        assert logits.shape == (32000,) and torch.isfinite(logits).all(), "non-finite logits from the 4-bit model"
        out = greedy_generate(backend.model, ids, 16)
        assert out.shape == (1, ids.shape[1] + 16) and torch.equal(out[:, : ids.shape[1]], ids)
        assert int(out.min()) >= 0 and int(out.max()) < 32000
    finally:
        del backend
        torch.cuda.empty_cache()


@pytest.mark.gpu
@pytest.mark.slow
@needs_cuda
def test_benchmark_measures_the_4bit_model(mistral_shaped_folder):
    result = _benchmark().measure(f"{mistral_shaped_folder}:4bit", new_tokens=8)
    assert result["quantized"] and result["parameters"] > 3e9  # packed 4-bit weights count as half
    assert result["tokens_per_s"] > 0 and 3 < result["memory_gib"] < 6.5, result
