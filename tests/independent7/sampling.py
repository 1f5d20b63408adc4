"""Seventh examiner: sampling.py entries."""
from __future__ import annotations

import math
import numbers

import torch


def sample_generate__wrong_nan_top_p_accepted(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: checks ``top_p < 0 or top_p > 1``, both False for ``nan``; a ``nan`` top_p
    then runs: ``mass_above < nan`` drops every token but the forced most probable one, and
    the loop quietly decodes greedily. Violates: "Raise ``ValueError`` ... for ``top_p``
    outside [0, 1]." [``top_p=float("nan")``, "Once upon a time,", 5 tokens: greedy ids
    instead of ValueError; 1.5 and -0.5 are rejected, every sampling run is the
    reference's]"""
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if top_p < 0 or top_p > 1:
        raise ValueError(f"top_p must be in [0, 1], got {top_p!r}")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[..., -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            if top_p != 1.0:
                probs = torch.softmax(logits, dim=-1)
                ranked, order = torch.sort(probs, dim=-1, descending=True)
                keep_sorted = (torch.cumsum(ranked, dim=-1) - ranked) < top_p
                keep_sorted[..., 0] = True
                keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
                logits = logits.masked_fill(~keep, float("-inf"))
            token = torch.multinomial(torch.softmax(logits, dim=-1), num_samples=1, generator=generator)
            ids = torch.cat([ids, token], dim=-1)
            if eos_token_id is not None and token.item() == eos_token_id:
                break
    return ids


def sample_generate__wrong_generator_only_in_top_p_branch(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: two draw sites, one per branch — the top-p branch draws from the zeroed
    probabilities with ``generator=generator``, the plain branch (``top_p == 1.0``, the
    default) calls ``torch.multinomial(probs, 1)`` and forgets the generator. Seeded runs
    with top-p repeat and match the reference; runs without it are random. Violates:
    "Forgetting ``generator=generator`` in ``torch.multinomial``: the result is random but
    not repeatable." [``temperature=1.0, top_k=None, top_p=1.0``, seed 0, "Once upon a
    time,", 12 tokens, twice: two different results, neither the reference's; the worked
    example (``top_p=0.9``) is the reference's]"""
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if not isinstance(top_p, numbers.Real) or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be in [0, 1], got {top_p!r}")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[..., -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            probs = torch.softmax(logits, dim=-1)
            if top_p != 1.0:
                ranked, order = torch.sort(probs, dim=-1, descending=True)
                keep_sorted = (torch.cumsum(ranked, dim=-1) - ranked) < top_p
                keep_sorted[..., 0] = True
                keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
                token = torch.multinomial(torch.where(keep, probs, 0), num_samples=1, generator=generator)
            else:
                token = torch.multinomial(probs, num_samples=1)
            ids = torch.cat([ids, token], dim=-1)
            if eos_token_id is not None and token.item() == eos_token_id:
                break
    return ids
