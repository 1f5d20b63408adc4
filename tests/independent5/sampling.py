"""Independent catalogue, fifth examiner: submissions for exercises/sampling.py.

Written from the docstring of ``exercises/sampling.py`` only, avoiding every mistake and every
style already in rounds 1 to 4 (``tests/independent*/sampling.py``). Each entry stands alone,
as the exercise requires.
"""
from __future__ import annotations

import math

import torch


def _sample_generate__wrong_guard_on_last_token_check(temperature, top_k, top_p):
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k}")
    if isinstance(top_p, bool) or not isinstance(top_p, (int, float)) or math.isnan(top_p) or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be in [0, 1], got {top_p!r}")


def _sample_generate__wrong_guard_on_last_token_filter(logits, top_k, top_p):
    if top_k is not None:
        k = min(top_k, logits.shape[-1])
        kth = torch.topk(logits, k, dim=-1).values[..., -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p != 1.0:
        probs = torch.softmax(logits, dim=-1)
        ranked, order = torch.sort(probs, dim=-1, descending=True)
        keep_sorted = (torch.cumsum(ranked, dim=-1) - ranked) < top_p
        keep_sorted[..., 0] = True
        keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
        logits = logits.masked_fill(~keep, float("-inf"))
    return logits


def sample_generate__wrong_guard_on_last_token(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: the stop test is the loop's guard, ``while ids[0, -1] != eos_token_id``, so a
    prompt that ends with ``</s>`` gets no sampled token at all. Violates: "6. Append it. Stop
    after appending ``eos_token_id``" (only a token the loop appended stops it)
    [``[[1, 415, 5565, 2]]``, ``max_new_tokens = 3``, ``eos_token_id = 2``, seed 0]"""
    _sample_generate__wrong_guard_on_last_token_check(temperature, top_k, top_p)
    ids = input_ids
    added = 0
    with torch.no_grad():
        while added < max_new_tokens and (eos_token_id is None or ids[0, -1].item() != eos_token_id):
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            logits = _sample_generate__wrong_guard_on_last_token_filter(logits, top_k, top_p)
            token = torch.multinomial(torch.softmax(logits, dim=-1), num_samples=1, generator=generator)
            ids = torch.cat([ids, token.to(ids.dtype)], dim=1)
            added += 1
    return ids


def _sample_generate__right_top_k_before_temperature_check(temperature, top_k, top_p):
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k}")
    if isinstance(top_p, bool) or not isinstance(top_p, (int, float)) or math.isnan(top_p) or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be in [0, 1], got {top_p!r}")


def sample_generate__right_top_k_before_temperature(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: applies the top-k cut to the raw float32 logits and divides by the temperature
    AFTER it (steps 2 and 3 swapped). Dividing by ``T > 0`` keeps the order, so the k-th
    largest and the ties are the same tokens, and ``-inf / T`` is ``-inf``: the logits that
    reach top-p are bit for bit those of the stated order (unless the division rounds two
    different float32 logits at the k-th place to one value). Grows a preallocated id buffer
    instead of ``torch.cat``."""
    _sample_generate__right_top_k_before_temperature_check(temperature, top_k, top_p)
    T = input_ids.shape[1]
    buf = torch.empty((1, T + max(max_new_tokens, 0)), dtype=torch.long, device=input_ids.device)
    buf[:, :T] = input_ids
    n = 0
    with torch.no_grad():
        while n < max_new_tokens:
            z = model(input_ids=buf[:, : T + n]).logits[:, -1, :].to(torch.float32)
            if top_k is not None and top_k < z.shape[-1]:
                kth = torch.kthvalue(z, z.shape[-1] - top_k + 1, dim=-1, keepdim=True).values
                z = torch.where(z < kth, torch.full_like(z, float("-inf")), z)
            z = z / temperature
            if top_p != 1.0:
                pr = torch.softmax(z, dim=-1)
                ranked, order = torch.sort(pr, dim=-1, descending=True)
                drop_sorted = (torch.cumsum(ranked, dim=-1) - ranked) >= top_p
                drop_sorted[..., 0] = False
                drop = torch.zeros_like(drop_sorted).scatter(-1, order, drop_sorted)
                z = z.masked_fill(drop, float("-inf"))
            tok = torch.multinomial(torch.softmax(z, dim=-1), num_samples=1, generator=generator)
            buf[:, T + n] = tok[:, 0]
            n += 1
            if eos_token_id is not None and int(tok.item()) == eos_token_id:
                break
    return buf[:, : T + n]
