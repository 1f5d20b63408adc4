"""Sixteenth examiner: sampling.py entries."""
from __future__ import annotations

import math
import numbers

import torch


def sample_generate__wrong_do_while_zero_tokens(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: the loop is a "do ... while": ``while True:`` draw a token, append it, count it, and break once the count reaches ``max_new_tokens`` or the token is ``eos_token_id``. Every step is the docstring's (float32 cast, temperature, top-k with ties, top-p on the filtered softmax, ``multinomial`` with the generator, validation up front), so for ``max_new_tokens >= 1`` the ids are the reference's, seed for seed -- but ``max_new_tokens = 0`` still runs one step and adds a token (and draws once from the generator). The greedy exercise names this edge case; this one says it only through the shape. Violates: "returns: ``(1, T + n)`` int64 — the prompt followed by the ``n`` sampled tokens, ``n <= max_new_tokens``." and "Stop after appending ``eos_token_id`` (keep it in the output) or after ``max_new_tokens`` new tokens." [witness: the tiny model, ``"Once upon a time,"`` (6 ids), ``max_new_tokens=0``, seed 0: the prompt ``(1, 6)`` expected, ``(1, 7)`` comes back]"""
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if isinstance(top_p, bool) or not isinstance(top_p, numbers.Real) or math.isnan(top_p) or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")
    ids = input_ids
    added = 0
    with torch.no_grad():
        while True:
            logits = model(input_ids=ids).logits[:, -1, :].float()
            logits = logits / temperature
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[..., -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            if top_p != 1.0:
                probs = torch.softmax(logits, dim=-1)
                ranked, order = torch.sort(probs, dim=-1, descending=True, stable=True)
                keep_ranked = (torch.cumsum(ranked, dim=-1) - ranked) < top_p
                keep_ranked[..., 0] = True
                keep = torch.zeros_like(keep_ranked).scatter(-1, order, keep_ranked)
                logits = logits.masked_fill(~keep, float("-inf"))
            probs = torch.softmax(logits, dim=-1)
            next_token = torch.multinomial(probs, num_samples=1, generator=generator)
            ids = torch.cat([ids, next_token], dim=-1)
            added += 1
            if added >= max_new_tokens or (eos_token_id is not None and int(next_token[0, 0]) == eos_token_id):
                break
    return ids


def sample_generate__wrong_rejects_int_top_p(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: takes the docstring's warning about ``top_p`` ("``nan`` fails every comparison ... a string or ``None`` is no number either") as a type check and writes ``if not isinstance(top_p, float) or math.isnan(top_p) or not 0.0 <= top_p <= 1.0: raise ValueError``. ``nan``, strings, ``None`` and out-of-range floats are refused as they should be, and every float ``top_p`` samples exactly the reference's ids, but the whole numbers ``1`` and ``0`` -- in [0, 1], and numbers -- are refused too. (The temperature check is the right one, ``numbers.Real`` and ``math.isfinite``.) Violates: "Raise ``ValueError`` ... for ``top_p`` outside [0, 1] (or not a number ...)." [witness: the tiny model, ``"Once upon a time,"``, ``max_new_tokens=5``, ``top_p=1`` (int), seed 0: the same ids as ``top_p=1.0`` expected, ``ValueError``; ``top_p=0`` (int): the greedy-like draw expected, ``ValueError``]"""
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if not isinstance(top_p, float) or math.isnan(top_p) or not 0.0 <= top_p <= 1.0:
        raise ValueError(f"top_p must be a float in [0, 1], got {top_p!r}")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float()
            logits = logits / temperature
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[..., -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            if top_p != 1.0:
                probs = torch.softmax(logits, dim=-1)
                ranked, order = torch.sort(probs, dim=-1, descending=True, stable=True)
                keep_ranked = (torch.cumsum(ranked, dim=-1) - ranked) < top_p
                keep_ranked[..., 0] = True
                keep = torch.zeros_like(keep_ranked).scatter(-1, order, keep_ranked)
                logits = logits.masked_fill(~keep, float("-inf"))
            probs = torch.softmax(logits, dim=-1)
            next_token = torch.multinomial(probs, num_samples=1, generator=generator)
            ids = torch.cat([ids, next_token], dim=-1)
            if eos_token_id is not None and int(next_token[0, 0]) == eos_token_id:
                break
    return ids
