"""Twenty-third examiner: sampling.py entries (JAX key-splitting habit)."""
from __future__ import annotations

import math

import torch


def _sample_generate__wrong_jax_fold_in_step_generators_nucleus(probs, top_p):
    ordered, order = torch.sort(probs, dim=-1, descending=True)
    above = torch.cumsum(ordered, dim=-1) - ordered
    keep_sorted = above < top_p
    keep_sorted[..., 0] = True
    return torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)


def sample_generate__wrong_jax_fold_in_step_generators(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    r"""WRONG: the JAX key habit (``key = PRNGKey(seed)``, ``fold_in(key, step)`` for each step, never reusing a key) mapped onto torch: it reads the seed once (``generator.initial_seed()``, or ``torch.initial_seed()`` for None) and draws step ``i`` with a FRESH ``torch.Generator().manual_seed(seed + i)``. Everything else follows the six steps (float32 logits, temperature, top-k with ties, top-p on the softmax after them, softmax, one ``multinomial`` draw, stop after eos), and the same seed gives the same ids, so the worked example (``(1, T + 20)``, repeatable) passes. But from the second step on the draw uses the first uniform of seed ``seed + i`` instead of the next uniform of the caller's generator, so the tokens are not the reference's, and the caller's generator is left untouched. Violates: "with a seeded generator the draw is repeatable, so your loop must pick exactly the tokens the reference picks" [witness: tiny model, "Once upon a time,", 20 tokens, ``temperature=1.4, top_p=0.9``, seed 0: the first 14 new tokens agree (peaked steps), the 15th differs: WRONG ``...rainbow.</s>\none like...`` (id 13), plain ``...rainbow.</s> brave London...`` (id 22257); at T = 1, 5 tokens, seeds 0..9: 3 of 10 differ.]"""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k}")
    if isinstance(top_p, bool) or not isinstance(top_p, (int, float)) or math.isnan(top_p) or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")
    key = generator.initial_seed() if generator is not None else torch.initial_seed()
    device = input_ids.device
    ids = input_ids
    with torch.no_grad():
        for step in range(max_new_tokens):
            step_key = torch.Generator(device=device).manual_seed(key + step)
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[..., -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            if top_p != 1.0:
                keep = _sample_generate__wrong_jax_fold_in_step_generators_nucleus(torch.softmax(logits, dim=-1), top_p)
                logits = logits.masked_fill(~keep, float("-inf"))
            probs = torch.softmax(logits, dim=-1)
            nxt = torch.multinomial(probs, num_samples=1, generator=step_key)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id is not None and int(nxt) == eos_token_id:
                break
    return ids
