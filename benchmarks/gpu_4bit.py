"""Benchmark: a Mistral-7B-shaped model in 4-bit NF4 against fp16 on one CUDA GPU.

The model has Mistral-7B-v0.1's exact shape (hidden 4096, 32 layers, 32 heads, 8 key/value
heads, MLP 14336, vocabulary 32000, untied lm_head: 7.24 B parameters) and random weights, so
it needs no download; it is saved in fp16 to a folder and loaded through the very path the
``mistral-7b-4bit`` backend takes (:func:`reference.backends.load_backend` with ``:4bit``:
bitsandbytes NF4, fp16 compute, ``device_map`` on the GPU). The named peer is the same folder
loaded in fp16 (``load_backend(folder)``).

Measured for each: load time (from_pretrained to a ready model), GPU memory held by the
model and the peak while loading, and greedy decoding speed in new tokens per second
(``reference.decoding.greedy_generate``, batch 1, KV cache on, after a short warm-up).
Random weights do not change the arithmetic, so these speeds and sizes are those of the real
model on the same GPU; the text it writes is noise.

Run: ``python benchmarks/gpu_4bit.py [--new-tokens 64] [--folder DIR] [--skip-fp16] [--json FILE]``.
Needs a CUDA GPU with about 16 GB free (the fp16 peer) and about 15 GB of disk for the folder.
On a machine without one it says so in one line and exits 2.
"""
from __future__ import annotations

import argparse
import gc
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

PROMPT = "The capital of Japan is"
GIB = 2**30
# Mistral-7B-v0.1's config.json, the sizes that matter for memory and speed.
MISTRAL_7B_SIZES: dict[str, Any] = {
    "vocab_size": 32000,
    "hidden_size": 4096,
    "intermediate_size": 14336,
    "num_hidden_layers": 32,
    "num_attention_heads": 32,
    "num_key_value_heads": 8,
    "max_position_embeddings": 32768,
    "rms_norm_eps": 1e-5,
    "sliding_window": 4096,
    "tie_word_embeddings": False,
    "bos_token_id": 1,
    "eos_token_id": 2,
}


def mistral_7b_config(**overrides: Any):
    """A :class:`MistralConfig` with Mistral-7B-v0.1's sizes (``overrides`` shrink it for tests)."""
    from transformers import MistralConfig

    return MistralConfig(**{**MISTRAL_7B_SIZES, **overrides})


def build_random_model(folder: Path, config=None, seed: int = 0) -> Path:
    """Save a randomly initialised model of ``config`` (default Mistral-7B's shape) in fp16.

    Initialised on the GPU when there is one (7 B parameters take seconds there, minutes on a
    CPU), saved as safetensors with Mistral-7B-v0.1's tokenizer beside it, so
    ``load_backend(str(folder))`` and ``load_backend(f"{folder}:4bit")`` load it like a hub model.
    """
    from transformers import MistralForCausalLM

    from reference.tokenizer import load_mistral_tokenizer

    folder = Path(folder)
    config = config or mistral_7b_config()
    torch.manual_seed(seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    with torch.device(device):
        model = MistralForCausalLM._from_config(config, dtype=torch.float16)
    model.save_pretrained(folder, max_shard_size="2GB")
    load_mistral_tokenizer().save_pretrained(folder)
    del model
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
    return folder


def _release() -> None:
    gc.collect()
    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats()


def measure(name: str, new_tokens: int = 64) -> dict[str, Any]:
    """Load backend ``name`` and time it; the model is freed before returning."""
    from reference.backends import load_backend
    from reference.decoding import greedy_generate

    _release()
    before = torch.cuda.memory_allocated()
    started = time.perf_counter()
    backend = load_backend(name)
    torch.cuda.synchronize()
    load_s = time.perf_counter() - started
    held = torch.cuda.memory_allocated() - before
    load_peak = torch.cuda.max_memory_allocated() - before

    ids = backend.encode(PROMPT)
    greedy_generate(backend.model, ids, 4)  # warm-up: kernels, cache allocation
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    started = time.perf_counter()
    out = greedy_generate(backend.model, ids, new_tokens)
    torch.cuda.synchronize()
    generate_s = time.perf_counter() - started
    assert out.shape == (1, ids.shape[1] + new_tokens), f"greedy_generate gave shape {tuple(out.shape)}"
    result = {
        "backend": name,
        "quantized": backend.quantized,
        "device": torch.cuda.get_device_name(backend.device),
        "parameters": sum(p.numel() for p in backend.model.parameters()),
        "load_s": round(load_s, 1),
        "memory_gib": round(held / GIB, 2),
        "load_peak_gib": round(load_peak / GIB, 2),
        "generate_peak_gib": round((torch.cuda.max_memory_allocated() - before) / GIB, 2),
        "new_tokens": new_tokens,
        "tokens_per_s": round(new_tokens / generate_s, 1),
    }
    del backend, out
    _release()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--new-tokens", type=int, default=64, help="greedy tokens to time (default 64)")
    parser.add_argument("--folder", type=Path, default=None,
                        help="keep the random model here (reused when it already holds one)")
    parser.add_argument("--skip-fp16", action="store_true", help="measure the 4-bit model only")
    parser.add_argument("--json", type=Path, default=None, help="also write the results to this file")
    arguments = parser.parse_args(argv)

    from reference.backends import bitsandbytes_status, cuda_status

    for available, why in (cuda_status(), bitsandbytes_status()):
        if not available:
            print(f"gpu_4bit: nothing measured: {why}; this benchmark needs an NVIDIA GPU with bitsandbytes.")
            return 2

    scratch = None
    folder = arguments.folder
    if folder is None:
        scratch = tempfile.mkdtemp(prefix="decodelab-mistral7b-random-")
        folder = Path(scratch)
    try:
        if not (folder / "config.json").is_file():
            free_gb = shutil.disk_usage(folder.parent if not folder.exists() else folder).free / 1e9
            if free_gb < 16:
                print(f"gpu_4bit: nothing measured: {free_gb:.0f} GB free next to {folder}, the fp16 model needs 15 GB.")
                return 2
            started = time.perf_counter()
            build_random_model(folder)
            print(f"built a random Mistral-7B-shaped model in {folder} ({time.perf_counter() - started:.0f} s)",
                  flush=True)
        results = [measure(f"{folder}:4bit", arguments.new_tokens)]
        if not arguments.skip_fp16:
            results.append(measure(str(folder), arguments.new_tokens))
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)

    print(f"Mistral-7B-shaped model, random weights, on {results[0]['device']} "
          f"(torch {torch.__version__}); greedy, batch 1, {arguments.new_tokens} new tokens")
    print(f"{'':8}{'load s':>8}{'memory GiB':>12}{'load peak GiB':>15}{'tokens/s':>10}")
    for result in results:
        label = "nf4" if result["quantized"] else "fp16"
        print(f"{label:8}{result['load_s']:>8}{result['memory_gib']:>12}{result['load_peak_gib']:>15}"
              f"{result['tokens_per_s']:>10}")
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
