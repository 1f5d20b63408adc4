"""Thirty-ninth examiner: sampling.py entries (the learner who writes for the GPU and Mistral-7B)."""
from __future__ import annotations

import math

import torch


def _check(temperature, top_k, top_p):
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if isinstance(top_p, bool) or not isinstance(top_p, (int, float)) or not (0 <= top_p <= 1):
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")


def _filter(logits, temperature, top_k, top_p):
    logits = logits.float() / temperature
    if top_k is not None:
        kk = min(top_k, logits.shape[-1])
        kth = torch.topk(logits, kk, dim=-1).values[..., -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p != 1.0:
        probs = torch.softmax(logits, dim=-1)
        sp, order = torch.sort(probs, dim=-1, descending=True)
        above = torch.cumsum(sp, dim=-1) - sp
        keep_sorted = above < top_p
        keep_sorted[..., 0] = True
        keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
        logits = logits.masked_fill(~keep, float("-inf"))
    return torch.softmax(logits, dim=-1)


def sample_generate__wrong_fresh_generator_on_model_device(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: the CUDA habit "multinomial on the GPU needs a generator on the GPU": when ``generator`` is None it makes one, ``torch.Generator(device=input_ids.device)``, and draws from it. Everything else is right (float32, temperature, top-k with ties, top-p, softmax, one ``multinomial``, eos kept, the ``ValueError``s). A fresh ``torch.Generator`` always starts from the same default seed, so with ``generator=None`` every call draws the same tokens, whatever ``torch.manual_seed`` said, and the global generator is never used. The worked example passes a seeded generator, so it passes. Violates: "generator: a ``torch.Generator`` on the model's device, or None for the global one." [witness: a uniform 4-id toy (``BigramModel(torch.zeros(4, 4))``), prompt ``[[0]]``, 10 tokens, ``generator=None`` after ``torch.manual_seed(s)`` for s = 0..4: 1 distinct sequence (``0, 0, 2, 3, 0, 3, 0, 0, 3, 3, 3``) for all five seeds; plain gives 5 distinct sequences (seed 0: ``0, 2, 2, 3, 0, 1, 2, 0, 1, 1, 3``); after ``torch.manual_seed(123)`` and a call, ``torch.rand(1)`` is 0.296112, as if no call had been made. Passes: the worked example (1, T + 20), repeatable, equal to plain; six ``ValueError``s (checks/check_entries.log).]"""
    _check(temperature, top_k, top_p)
    if generator is None:  # "multinomial on cuda needs a cuda generator"
        generator = torch.Generator(device=input_ids.device)
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            probs = _filter(model(input_ids=ids).logits[:, -1, :], temperature, top_k, top_p)
            next_id = torch.multinomial(probs, num_samples=1, generator=generator)
            ids = torch.cat([ids, next_id.to(ids.dtype)], dim=-1)
            if eos_token_id is not None and next_id.item() == eos_token_id:
                break
    return ids


def sample_generate__right_generator_device_aligned(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: the device-aware version of the same loop: with a generator, the probabilities are moved to ``generator.device`` if they are elsewhere (never here: the docstring puts the generator on the model's device) and ``multinomial`` gets ``generator=generator``; with ``generator=None`` it calls ``torch.multinomial(probs, 1)`` with no generator, i.e. the global one; the model is called with ``logits_to_keep=1``; the drawn id is moved ``.to(device=input_ids.device, dtype=int64, non_blocking=True)``; ``del probs`` each step. Agrees with a plain version on: the worked example (seed 0, (1, T + 20)); 5 seeds each of ``temperature=0.7, top_k=5``, ``top_p=0.5``, ``temperature=0.2, top_p=0.2``, ``top_k=40000``; ``generator=None`` after ``torch.manual_seed(0..4)`` on the uniform toy (the same 5 sequences as plain); a bfloat16 3-id toy with eos 2 and a prompt ending in eos, 20 seeds; six ``ValueError``s (checks/check_entries.log)."""
    _check(temperature, top_k, top_p)
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            probs = _filter(model(input_ids=ids, logits_to_keep=1).logits[:, -1, :], temperature, top_k, top_p)
            if generator is not None and probs.device != generator.device:
                probs = probs.to(generator.device, non_blocking=True)
            if generator is None:
                next_id = torch.multinomial(probs, num_samples=1)
            else:
                next_id = torch.multinomial(probs, num_samples=1, generator=generator)
            next_id = next_id.to(device=ids.device, dtype=ids.dtype, non_blocking=True)
            ids = torch.cat([ids, next_id], dim=-1)
            if eos_token_id is not None and next_id.item() == eos_token_id:
                break
            del probs
    return ids
