"""Thirty-third examiner: sampling.py entries (the learner who writes it the way the Hugging Face docs do)."""
from __future__ import annotations

import math

import torch
from transformers import DynamicCache
from transformers.generation import (
    LogitsProcessorList,
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)


def _validate(temperature, top_k, top_p):
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
        raise ValueError(f"temperature must be a number, got {temperature!r}")
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if isinstance(top_p, bool) or not isinstance(top_p, (int, float)) or not (0 <= top_p <= 1):
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")


def _processors(temperature, top_k, top_p):
    processors = LogitsProcessorList([TemperatureLogitsWarper(float(temperature))])
    if top_k is not None:
        processors.append(TopKLogitsWarper(top_k=int(top_k)))
    if top_p != 1.0:
        processors.append(TopPLogitsWarper(top_p=float(top_p)))
    return processors


def sample_generate__wrong_generation_config_fills_defaults(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: reads the checkpoint's recommended sampling settings as ``generate()`` merges them: when ``temperature`` is 1.0, ``top_k`` None or ``top_p`` 1.0 -- the arguments' defaults -- and ``model.generation_config`` sets one, that value is used. Otherwise it is the careful loop: validation, float32 logits of the last position, transformers' ``TemperatureLogitsWarper``, ``TopKLogitsWarper``, ``TopPLogitsWarper`` in the docstring's order, softmax, ``multinomial`` with the generator, eos kept. The tiny model's ``generation_config`` sets none of the three, so the worked example (``(1, T + 20)``, repeatable) and every tiny run pass. Violates: "``eos_token_id=None`` means no early stop; as in the greedy exercise, nothing is read from the model's configuration (``generate`` would fall back to it)." [witness: a 4-id ``BigramModel`` toy, every row ``[0, -1, -2, -3]``, given ``sampling_defaults={"temperature": 0.6, "top_p": 0.9}`` (an instruct checkpoint's settings), prompt ``[[0]]``, 20 tokens x seeds 0-9 with the defaults: ids 0..3 drawn 177, 23, 0, 0 times (T 0.6 and top-p 0.9 applied: ids 2 and 3 cut); a plain version 122, 49, 24, 5. Equal to plain: the same toy without ``sampling_defaults``, 15 tiny runs (5 seeds x 3 settings), six ``ValueError``s, ``max_new_tokens = 0`` (checks/check_entries.log)]."""
    # "like generate(): a setting left at its default takes the checkpoint's recommended value"
    generation_config = getattr(model, "generation_config", None)
    if generation_config is not None:
        if temperature == 1.0 and generation_config.temperature is not None:
            temperature = generation_config.temperature
        if top_k is None and generation_config.top_k is not None:
            top_k = generation_config.top_k
        if top_p == 1.0 and generation_config.top_p is not None:
            top_p = generation_config.top_p
    _validate(temperature, top_k, top_p)
    processors = _processors(temperature, top_k, top_p)
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            next_token_logits = model(input_ids=ids).logits[:, -1, :].to(torch.float32)
            next_token_scores = processors(ids, next_token_logits)
            probs = torch.nn.functional.softmax(next_token_scores, dim=-1)
            next_tokens = torch.multinomial(probs, num_samples=1, generator=generator)
            ids = torch.cat([ids, next_tokens.to(ids.dtype)], dim=-1)
            if eos_token_id is not None and next_tokens.item() == eos_token_id:
                break
    return ids


def sample_generate__right_processor_list_cache_and_logits_to_keep(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: ``generate()``'s own sampling loop, written out: the three ``ValueError``s first; a ``LogitsProcessorList`` of ``TemperatureLogitsWarper(float(t))``, ``TopKLogitsWarper`` (when ``top_k`` is set) and ``TopPLogitsWarper`` (when ``top_p != 1.0``), which the docstring's order and rules match; a ``DynamicCache(config=model.config)`` made up front; each call passes ``attention_mask`` (grown by one each step), ``cache_position`` (from ``cache.get_seq_length()``), ``cache=``, ``use_cache=True`` and ``logits_to_keep=1``, the prompt first and then only the newest token; ``outputs.logits[:, -1, :].to(copy=True, dtype=torch.float32)``; softmax; ``torch.multinomial(probs, 1, generator=generator)``; eos kept; all under ``torch.inference_mode()``, the result cloned outside it. Reads nothing from ``generation_config``. Agrees with a plain version (no cache, full recompute) on: the worked example (``(1, 26)``, repeatable), 25 tiny runs (5 seeds x T 1.4/top-p 0.9, defaults, T 0.7/top-k 40/top-p 0.95, T 0.2/top-p 0.2, top-k 1), a 4-id toy with and without ``sampling_defaults``, with top-k 2, top-k 10 (>= vocab), bfloat16 logits with top-p 0.8 (10 seeds each), an eos toy whose prompt ends in eos (``[[3, 3]]``), the tiny model with ``eos_token_id=2``; six ``ValueError``s; ``max_new_tokens = 0`` (checks/check_entries.log)."""
    _validate(temperature, top_k, top_p)
    processors = _processors(temperature, top_k, top_p)
    ids = input_ids
    cache = DynamicCache(config=model.config)
    attention_mask = torch.ones_like(input_ids)
    feed = input_ids
    with torch.inference_mode():
        for _ in range(max_new_tokens):
            start = cache.get_seq_length()
            cache_position = torch.arange(start, start + feed.shape[1], device=ids.device)
            outputs = model(
                input_ids=feed,
                attention_mask=attention_mask,
                cache_position=cache_position,
                cache=cache,
                use_cache=True,
                logits_to_keep=1,
            )
            cache = outputs.cache
            next_token_logits = outputs.logits[:, -1, :].to(copy=True, dtype=torch.float32)
            next_token_scores = processors(ids, next_token_logits)
            probs = torch.nn.functional.softmax(next_token_scores, dim=-1)
            next_tokens = torch.multinomial(probs, num_samples=1, generator=generator)
            ids = torch.cat([ids, next_tokens.to(ids.dtype)], dim=-1)
            attention_mask = torch.cat([attention_mask, torch.ones_like(next_tokens)], dim=-1)
            feed = next_tokens.to(ids.dtype)
            if eos_token_id is not None and next_tokens.item() == eos_token_id:
                break
    return ids.clone()
