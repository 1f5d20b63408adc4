"""Sixth examiner: sampling.py entries."""
from __future__ import annotations

import math
import numbers

import torch


def _sample_generate__right_inplace_filters_on_copy_check(temperature, top_k, top_p) -> None:
    if not isinstance(temperature, numbers.Real) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if not isinstance(top_p, numbers.Real) or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be in [0, 1], got {top_p!r}")


def sample_generate__right_inplace_filters_on_copy(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: validation in a helper before anything runs; each step the model is called
    with ``logits_to_keep=1`` on the whole sequence (no cache), under
    ``torch.inference_mode``; the float32 copy of the logits is filtered IN PLACE
    (``div_``, ``masked_fill_``); top-p's ranking comes from an ascending sort (the
    warper's layout: drop where the mass at or below a token is <= 1 - top_p)."""
    _sample_generate__right_inplace_filters_on_copy_check(temperature, top_k, top_p)
    ids = input_ids
    with torch.inference_mode():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids, logits_to_keep=1).logits[:, -1, :].float().clone()
            logits.div_(temperature)
            if top_k is not None and top_k < logits.shape[-1]:
                kth = torch.topk(logits, top_k, dim=-1).values[..., -1:]
                logits.masked_fill_(logits < kth, float("-inf"))
            if top_p != 1.0:
                probs = torch.softmax(logits, dim=-1)
                asc, order = torch.sort(probs, dim=-1, descending=False)
                below_or_at = torch.cumsum(asc, dim=-1)
                drop_sorted = below_or_at <= 1 - top_p
                drop_sorted[..., -1] = False
                drop = drop_sorted.scatter(-1, order, drop_sorted)
                logits.masked_fill_(drop, float("-inf"))
            probs = torch.softmax(logits, dim=-1)
            token = torch.multinomial(probs, num_samples=1, generator=generator)
            ids = torch.cat([ids, token.to(ids.dtype)], dim=-1)
            if eos_token_id is not None and token.item() == eos_token_id:
                break
    return ids.clone() if ids is input_ids else ids


def sample_generate__wrong_falsy_eos_zero(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: the early stop is guarded by ``if eos_token_id and ...``, so an
    ``eos_token_id`` of 0 (``<unk>`` in Mistral's vocabulary) never stops the loop.
    Violates: "Stop after appending ``eos_token_id`` (keep it in the output)" [a stub model
    whose logits put all mass on token 0, ``eos_token_id=0``, ``max_new_tokens=5``: 5 new
    tokens instead of 1]"""
    if not isinstance(temperature, numbers.Real) or not math.isfinite(temperature) or temperature <= 0:
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
            if top_p != 1.0:
                probs = torch.softmax(logits, dim=-1)
                ranked, order = torch.sort(probs, dim=-1, descending=True)
                keep_sorted = (torch.cumsum(ranked, dim=-1) - ranked) < top_p
                keep_sorted[..., 0] = True
                keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
                logits = logits.masked_fill(~keep, float("-inf"))
            token = torch.multinomial(torch.softmax(logits, dim=-1), num_samples=1, generator=generator)
            ids = torch.cat([ids, token], dim=-1)
            if eos_token_id and token.item() == eos_token_id:
                break
    return ids


def sample_generate__wrong_rejects_int_temperature(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: the temperature check is ``isinstance(temperature, float)``, so an int
    temperature such as ``2`` (or ``1``) raises although it is a finite number > 0.
    Violates: "Raise ``ValueError`` for a temperature that is not a finite number > 0"
    [``temperature=2`` (int), any prompt: ValueError instead of sampled tokens]"""
    if not isinstance(temperature, float) or not math.isfinite(temperature) or temperature <= 0:
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
