"""Independent catalogue, round 4: submissions for exercises/sampling.py.

Written from the docstrings of ``exercises/sampling.py`` only, avoiding the mistakes of
rounds 1-3.
"""
from __future__ import annotations

import math

import torch


def sample_generate__wrong_falsy_top_p_zero(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: guards the top-p step with ``if top_p and top_p < 1.0`` -- ``0.0`` is falsy, so
    ``top_p = 0`` (nucleus of one token: greedy) skips top-p altogether and samples from
    the whole distribution. Validation accepts 0 as it should. Violates: "4. Top-p (skip
    when ``top_p`` is 1.0): ... the most probable one always stays" [top_p=0.0, temperature
    1.4, seed 0: random tokens instead of the greedy continuation]"""
    if not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be >= 1, got {top_k}")
    if not isinstance(top_p, (int, float)) or math.isnan(top_p) or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be in [0, 1], got {top_p!r}")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float()
            logits = logits / temperature
            if top_k is not None:
                kk = min(top_k, logits.shape[-1])
                kth = torch.topk(logits, kk, dim=-1).values[..., -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            if top_p and top_p < 1.0:
                probs = torch.softmax(logits, dim=-1)
                sp, order = torch.sort(probs, dim=-1, descending=True)
                keep_sorted = (torch.cumsum(sp, dim=-1) - sp) < top_p
                keep_sorted[..., 0] = True
                keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
                logits = logits.masked_fill(~keep, float("-inf"))
            probs = torch.softmax(logits, dim=-1)
            nxt = torch.multinomial(probs, num_samples=1, generator=generator)
            ids = torch.cat([ids, nxt], dim=-1)
            if eos_token_id is not None and int(nxt) == eos_token_id:
                break
    return ids
