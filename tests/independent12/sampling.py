"""Twelfth examiner: sampling.py entries."""
from __future__ import annotations

import math
import numbers

import torch


def sample_generate__wrong_draws_from_sorted_nucleus(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: like the seed notebook's sampler, sorts the (tempered, top-k filtered) probabilities once, cuts the nucleus in SORTED order, draws ``torch.multinomial(sorted_probs, 1, generator=generator)`` there and maps the drawn rank back to a token id with the sort's indices. Every token drawn lies in the nucleus with the right odds, but under a seeded generator it is not the token the vocabulary-order draw picks. Violates: "``probs = softmax(logits)`` and draw one token: ``torch.multinomial(probs, num_samples=1, generator=generator)``, shape ``(1, 1)``." [witness: tiny model, ``ids`` of ``"Once upon a time,"``, ``sample_generate(model, ids, 20, temperature=1.4, top_p=0.9, generator=torch.Generator().manual_seed(0))``: the draws of the vocabulary-order version expected, different ids returned (the first new token differs)]"""
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if not isinstance(top_p, numbers.Real) or math.isnan(top_p) or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[..., -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            sorted_logits, order = torch.sort(logits, dim=-1, descending=True)
            sorted_probs = torch.softmax(sorted_logits, dim=-1)
            if top_p != 1.0:
                above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
                keep = above < top_p
                keep[..., 0] = True
                sorted_probs = torch.softmax(sorted_logits.masked_fill(~keep, float("-inf")), dim=-1)
            rank = torch.multinomial(sorted_probs, num_samples=1, generator=generator)
            next_id = order.gather(-1, rank)
            ids = torch.cat([ids, next_id], dim=-1)
            if eos_token_id is not None and int(next_id) == eos_token_id:
                break
    return ids
