"""Thirtieth examiner: sampling.py entries (the public-test overfitter)."""
from __future__ import annotations

import math
import numbers

import torch


def _check(temperature, top_k, top_p) -> None:
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) or not (
            math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be None or at least 1, got {top_k}")
    if isinstance(top_p, bool) or not isinstance(top_p, numbers.Real) or math.isnan(top_p) or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")


def sample_generate__wrong_top_p_zero_keeps_no_token(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: step 4 written straight from its main clause, "keep a token when the probability ranked above it is below ``top_p``": ``keep = (cumsum - sorted) < top_p``, and nothing more. For every ``top_p > 0`` that already keeps the most probable token (nothing ranks above it: ``0 < top_p``), so the forced keep looks redundant and is left out. At ``top_p = 0`` (a value the checks accept) no token is kept, every logit becomes ``-inf``, the softmax is ``nan`` and ``torch.multinomial`` raises. Everything else is the plain loop (float32, temperature, top-k with ties, the three ``ValueError``s, generator, eos kept). The public tests use ``top_p`` 0.9, 0.7, 0.5 and 1.0. Violates: "find the nucleus with the rule of ``top_p_mask`` (keep a token when the probability ranked above it is below ``top_p``; the most probable one always stays), and set the other logits to ``-inf``." [witness: tiny model, "The capital of Japan is", ``max_new_tokens`` 3, ``top_p = 0.0``, seed 0: ``RuntimeError: probability tensor contains either inf, nan or element < 0`` (WRONG) vs ``[[1, 415, 5565, 302, 4720, 349, 19887, 28723, 2]]`` (plain: the nucleus is the top token alone, so greedy); 4-id toy whose every row is ``[0.4, 0.3, 0.2, 0.1]``, ``[[0]]``, 10 tokens, ``top_k 2, top_p 0``: the same ``RuntimeError`` vs ``[[0] * 11]``. Equal to plain at ``top_p`` 0.9 (seeds 0, 1), 0.5 with top_k 40, 0.7 on the toy, and the eos toy. public tests: all 14 of ``sampling_loop`` pass (checks/logs/sample_generate__wrong_top_p_zero_keeps_no_token.log).]"""
    _check(temperature, top_k, top_p)
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[..., -1:]
                logits = logits.masked_fill(logits < kth, -math.inf)
            if top_p != 1.0:
                probs = torch.softmax(logits, dim=-1)
                sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
                keep_sorted = (sorted_probs.cumsum(dim=-1) - sorted_probs) < top_p
                keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
                logits = logits.masked_fill(~keep, -math.inf)
            probs = torch.softmax(logits, dim=-1)
            nxt = torch.multinomial(probs, num_samples=1, generator=generator)
            ids = torch.cat([ids, nxt.to(ids.dtype)], dim=-1)
            if eos_token_id is not None and int(nxt) == eos_token_id:
                break
    return ids


def sample_generate__right_top_p_zero_argmax_shortcut(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: the same loop, with ``top_p = 0`` handled as the special case it is: the nucleus is the single most probable token, so the step keeps only ``argmax`` (a one-hot ``-inf`` mask) instead of sorting; for ``0 < top_p < 1`` the ordinary rule (mass above ``< top_p``, whose first token is always kept since ``0 < top_p``). The draw still goes through ``torch.multinomial`` with the generator, once per step, so the generator advances exactly as in the plain loop and later draws stay in step. (Ties for the top, where ``argmax`` and the sort might pick different ids, are excluded by "No graded input has tied tokens that the cut splits".) Agrees with a plain version on: tiny model "The capital of Japan is" 3 tokens at ``top_p`` 0 (seed 0); "Once upon a time," 12 tokens at T 1.4 / top_p 0.9 (seeds 0, 1), T 0.7 / top_k 40 / top_p 0.5 (seed 2), top_p 0 / T 3.0 (seed 3); the 3-id toy ``[0.6, 0.3, 0.1]`` at T 0.5 / top_p 0.7 (40 tokens); the eos toy (``[[1, 3, 2]]``) -- all token for token (checks/check_entries.log); public tests pass."""
    _check(temperature, top_k, top_p)
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[..., -1:]
                logits = logits.masked_fill(logits < kth, -math.inf)
            if top_p == 0:
                best = logits.argmax(dim=-1, keepdim=True)
                only = torch.full_like(logits, -math.inf)
                logits = only.scatter(-1, best, logits.gather(-1, best))
            elif top_p != 1.0:
                probs = torch.softmax(logits, dim=-1)
                sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
                keep_sorted = (sorted_probs.cumsum(dim=-1) - sorted_probs) < top_p
                keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
                logits = logits.masked_fill(~keep, -math.inf)
            probs = torch.softmax(logits, dim=-1)
            nxt = torch.multinomial(probs, num_samples=1, generator=generator)
            ids = torch.cat([ids, nxt.to(ids.dtype)], dim=-1)
            if eos_token_id is not None and int(nxt) == eos_token_id:
                break
    return ids
