"""Solution to exercise 13: temperature -> top-k -> top-p, then draw."""
from __future__ import annotations

import math

import torch


def _keep_nucleus(probs: torch.Tensor, p: float) -> torch.Tensor:
    """The top-p keep mask, as in nucleus.py (repeated here: this file must stand alone)."""
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    included = sorted_probs.to(torch.float64).cumsum(dim=-1)
    above = torch.cat([torch.zeros_like(included[..., :1]), included[..., :-1]], dim=-1)
    keep_sorted = above < p
    keep_sorted[..., 0] = True
    return torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)


def sample_generate(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """Sample up to ``max_new_tokens`` tokens after the prompt: ``(1, T)`` -> ``(1, T + n)``."""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not (
        math.isfinite(temperature) and temperature > 0
    ):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and (not isinstance(top_k, int) or top_k < 1):
        raise ValueError(f"top_k must be None or an integer >= 1, got {top_k!r}")
    if isinstance(top_p, bool) or not isinstance(top_p, (int, float)) or not 0.0 <= top_p <= 1.0:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].to(torch.float32)
            logits = logits / temperature
            if top_k is not None:
                kth_largest = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[..., -1:]
                logits = logits.masked_fill(logits < kth_largest, -math.inf)
            probs = torch.softmax(logits, dim=-1)
            if top_p < 1.0:
                # multinomial renormalises each row itself, so zeroing is enough
                probs = probs.masked_fill(~_keep_nucleus(probs, top_p), 0.0)
            next_token = torch.multinomial(probs, num_samples=1, generator=generator)
            ids = torch.cat([ids, next_token], dim=-1)
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
    return ids
