"""Ninth examiner: sampling.py entries."""
from __future__ import annotations

import math

import torch


def _sample_generate__wrong_top_p_none_means_off_step(logits, temperature, top_k, top_p, generator):
    logits = logits.float() / temperature
    if top_k is not None and top_k < logits.shape[-1]:
        kth = torch.topk(logits, top_k, dim=-1).values[..., -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p is not None and top_p != 1.0:
        probs = torch.softmax(logits, dim=-1)
        values, order = torch.sort(probs, dim=-1, descending=True)
        above = torch.cumsum(values, dim=-1) - values
        keep_sorted = above < top_p
        keep_sorted[..., 0] = True
        keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
        logits = logits.masked_fill(~keep, float("-inf"))
    probs = torch.softmax(logits, dim=-1)
    return torch.multinomial(probs, num_samples=1, generator=generator)


def sample_generate__wrong_top_p_none_means_off(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: by analogy with ``top_k=None`` ("no top-k at all") it lets ``top_p=None`` mean
    "no top-p": the range check and the filter are both guarded by ``top_p is not None``, so
    ``None`` samples from the whole distribution instead of being rejected. Every number
    (``nan`` included, via ``not 0 <= top_p <= 1``) is checked as it should be. Violates:
    "Raise ``ValueError`` ... for ``top_p`` outside [0, 1] (or not a number: ``nan`` fails
    every comparison, so ``top_p > 1`` alone lets it through)." [``top_p=None``, any prompt,
    ``max_new_tokens=3``: returns ``(1, T + 3)`` ids instead of raising ``ValueError``]"""
    if not (isinstance(temperature, (int, float)) and math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if top_p is not None and not (0 <= top_p <= 1):
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :]
            nxt = _sample_generate__wrong_top_p_none_means_off_step(logits, temperature, top_k, top_p, generator)
            ids = torch.cat([ids, nxt.to(ids.dtype)], dim=-1)
            if eos_token_id is not None and int(nxt) == eos_token_id:
                break
    return ids


def _sample_generate__wrong_string_top_p_type_error_step(logits, temperature, top_k, top_p, generator):
    logits = logits.float() / temperature
    if top_k is not None and top_k < logits.shape[-1]:
        kth = torch.topk(logits, top_k, dim=-1).values[..., -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p != 1.0:
        probs = torch.softmax(logits, dim=-1)
        values, order = torch.sort(probs, dim=-1, descending=True)
        above = torch.cumsum(values, dim=-1) - values
        keep_sorted = above < top_p
        keep_sorted[..., 0] = True
        keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
        logits = logits.masked_fill(~keep, float("-inf"))
    probs = torch.softmax(logits, dim=-1)
    return torch.multinomial(probs, num_samples=1, generator=generator)


def sample_generate__wrong_string_top_p_type_error(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: checks the settings with chained comparisons, ``not 0 <= top_p <= 1`` and
    ``not 0 < temperature < math.inf`` -- which does catch ``nan`` -- but a setting that is
    not a number at all (the string ``"0.9"`` read from a command line or a config file)
    makes the comparison itself raise ``TypeError`` before any ``ValueError``. Violates:
    "Raise ``ValueError`` ... for ``top_p`` outside [0, 1] (or not a number: ``nan`` fails
    every comparison, so ``top_p > 1`` alone lets it through)." [``top_p="0.9"``: ``TypeError:
    '<=' not supported between instances of 'int' and 'str'``; likewise ``temperature="1.4"``]"""
    if not 0 < temperature < math.inf:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and not top_k >= 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :]
            nxt = _sample_generate__wrong_string_top_p_type_error_step(logits, temperature, top_k, top_p, generator)
            ids = torch.cat([ids, nxt.to(ids.dtype)], dim=-1)
            if eos_token_id is not None and int(nxt) == eos_token_id:
                break
    return ids
