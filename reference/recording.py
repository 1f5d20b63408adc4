"""Recording a capture: run the reference functions on a real model and keep the numbers.

The instructor's side of :mod:`reference.capture` (which defines the file format and reads it):
``decodelab capture --backend mistral-7b-4bit --out FILE`` calls :func:`record_capture` on a GPU
machine. It runs the reference answers of three exercises (``next_token_logits``,
``greedy_generate``, ``word_token_ids``), so it lives apart from the format: the learners'
bundle reads capture files but never holds this module.
"""
from __future__ import annotations

import datetime
import hashlib
import importlib.metadata
from pathlib import Path
from typing import Any, Callable

import torch

from reference.capture import FORMAT, FORMAT_VERSION, MAX_NEW_TOKENS, PROMPTS, WORDS, Capture

# Weights hashed for the metadata only when small (the tiny model); Mistral-7B's 14 GB are
# identified by their hub revision instead.
_HASH_LIMIT_BYTES = 256 * 1024 * 1024


def record_capture(
    backend,
    prompts: tuple[tuple[str, bool], ...] = PROMPTS,
    words: tuple[str, ...] = WORDS,
    max_new_tokens: int = MAX_NEW_TOKENS,
    on_step: Callable[[str], None] | None = None,
) -> Capture:
    """Run ``backend`` (a :class:`reference.backends.Backend`) over the prompts and words.

    ``on_step`` is called once per prompt and per word with a short label (for a progress bar).
    """
    from reference.decoding import greedy_generate
    from reference.distributions import next_token_logits
    from reference.embeddings import word_token_ids

    model, tokenizer = backend.model, backend.tokenizer
    prompt_records = []
    for text, add_bos in prompts:
        if on_step:
            on_step(f"prompt {text!r}{'' if add_bos else ' (no BOS)'}")
        ids = backend.encode(text, add_bos=add_bos)
        logits = next_token_logits(model, ids)[0]
        generated = greedy_generate(model, ids, max_new_tokens, eos_token_id=None)
        new_ids = generated[0, ids.shape[1]:].tolist()
        prompt_records.append({
            "text": text,
            "add_bos": add_bos,
            "input_ids": ids[0].tolist(),
            "last_logits": logits.detach().to("cpu", torch.float32).contiguous(),
            "greedy_ids": new_ids,
            "greedy_text": tokenizer.decode(new_ids),
        })
    matrix = backend.embedding_matrix
    word_records = []
    for word in words:
        if on_step:
            on_step(f"word {word!r}")
        token_ids = word_token_ids(word, tokenizer)
        index = torch.tensor(token_ids, dtype=torch.long, device=matrix.device)
        rows = matrix.index_select(0, index).to("cpu", torch.float32).contiguous()
        word_records.append({"word": word, "token_ids": token_ids, "embedding_rows": rows})
    return Capture(prompt_records, word_records, _metadata(backend, max_new_tokens))


def _metadata(backend, max_new_tokens: int) -> dict[str, Any]:
    model = backend.model
    quantization = getattr(model.config, "quantization_config", None)
    if quantization is not None and not isinstance(quantization, dict):
        quantization = quantization.to_dict()
    revision, weights_sha256 = _revision(backend)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "backend": backend.name,
        "model_id": backend.model_id,
        "revision": revision,
        "weights_sha256": weights_sha256,
        "architecture": type(model).__name__,
        "dtype": str(model.dtype).removeprefix("torch."),
        "quantized": bool(backend.quantized),
        "quantization": {
            key: str(value) for key, value in (quantization or {}).items()
            if key in ("quant_method", "load_in_4bit", "bnb_4bit_quant_type", "bnb_4bit_compute_dtype")
        } or None,
        "device": str(backend.device),
        "device_name": torch.cuda.get_device_name(backend.device) if backend.device.type == "cuda" else "cpu",
        "vocab_size": int(model.config.vocab_size),
        "hidden_size": int(model.config.hidden_size),
        "tokenizer": type(backend.tokenizer).__name__,
        "max_new_tokens": max_new_tokens,
        "greedy": "reference.decoding.greedy_generate (model.generate, do_sample=False, no EOS stop)",
        "versions": {name: _version(name) for name in (
            "decodelab", "torch", "transformers", "bitsandbytes", "accelerate", "safetensors", "mistral-common",
        )},
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _revision(backend) -> tuple[str, str | None]:
    """The weights' revision: the hub commit of the cached snapshot, else 'bundled' / 'local'."""
    from reference.backends import TINY_FOLDER

    source = Path(backend.model_id)
    if source.is_dir():
        weights = source / "model.safetensors"
        digest = None
        if weights.is_file() and weights.stat().st_size <= _HASH_LIMIT_BYTES:
            digest = hashlib.sha256(weights.read_bytes()).hexdigest()
        if "snapshots" in source.resolve().parts:  # a folder inside the HF cache
            return source.resolve().name, digest
        return ("bundled" if source.resolve() == TINY_FOLDER.resolve() else "local"), digest
    from huggingface_hub import try_to_load_from_cache

    cached = try_to_load_from_cache(backend.model_id, "config.json")
    if isinstance(cached, str):
        return Path(cached).parent.name, None  # .../snapshots/<commit>/config.json
    return "unknown", None
