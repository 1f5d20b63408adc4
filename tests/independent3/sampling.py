"""Independent catalogue, round 3: submissions for exercises/sampling.py.

Written from the docstring of ``exercises/sampling.py`` only, avoiding every mistake and
every style already in rounds 1 and 2 (``tests/independent/sampling.py``,
``tests/independent2/sampling.py``). Each entry stands alone, as the exercise requires.
"""
from __future__ import annotations

import math

import torch


def _sample_generate__wrong_top_k_zero_means_off_filter(logits, top_k, top_p):
    if top_k:  # 0 and None both mean "no top-k" -- the bug
        k = min(top_k, logits.shape[-1])
        kth = torch.topk(logits, k, dim=-1).values[..., -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p != 1.0:
        probs = torch.softmax(logits, dim=-1)
        ranked, order = probs.sort(dim=-1, descending=True)
        keep = (ranked.cumsum(-1) - ranked) < top_p
        keep[..., 0] = True
        keep = torch.zeros_like(keep).scatter(-1, order, keep)
        logits = logits.masked_fill(~keep, float("-inf"))
    return logits


def sample_generate__wrong_top_k_zero_means_off(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: treats ``top_k = 0`` like ``None`` ("0 disables top-k", as some libraries do)
    and validates only negative values, so ``top_k=0`` samples from the whole vocabulary.
    Violates: "Raise ``ValueError`` ... for ``top_k`` < 1" [``top_k=0``]"""
    if not (isinstance(temperature, (int, float)) and math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 0:
        raise ValueError(f"top_k must not be negative, got {top_k}")
    if not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be in [0, 1], got {top_p}")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            logits = _sample_generate__wrong_top_k_zero_means_off_filter(logits, top_k, top_p)
            token = torch.multinomial(torch.softmax(logits, dim=-1), 1, generator=generator)
            ids = torch.cat([ids, token.to(ids.dtype)], dim=1)
            if eos_token_id is not None and token.item() == eos_token_id:
                break
    return ids


def sample_generate__wrong_rejects_top_p_zero(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: validates ``top_p`` as ``0 < top_p <= 1`` ("a nucleus of mass 0 is empty"), so
    ``top_p = 0`` -- in range, and meaning "keep only the most probable token" -- raises.
    Violates: "Raise ``ValueError`` ... for ``top_p`` outside [0, 1]." [``top_p=0.0``]"""
    if not (isinstance(temperature, (int, float)) and math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be >= 1, got {top_k}")
    if not 0 < top_p <= 1:
        raise ValueError(f"top_p must be in (0, 1], got {top_p}")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].to(torch.float32) / temperature
            if top_k is not None:
                k = min(top_k, logits.shape[-1])
                kth = logits.topk(k, dim=-1).values[:, -1:]
                logits = torch.where(logits < kth, torch.full_like(logits, -math.inf), logits)
            if top_p != 1.0:
                probs = logits.softmax(dim=-1)
                ranked, order = probs.sort(dim=-1, descending=True)
                keep = (ranked.cumsum(-1) - ranked) < top_p
                keep[:, 0] = True
                keep = torch.zeros_like(keep).scatter(-1, order, keep)
                logits = torch.where(keep, logits, torch.full_like(logits, -math.inf))
            token = torch.multinomial(logits.softmax(dim=-1), num_samples=1, generator=generator)
            ids = torch.cat([ids, token], dim=1)
            if eos_token_id is not None and int(token) == eos_token_id:
                break
    return ids


def sample_generate__wrong_validates_inside_loop(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: checks each setting where it is used, inside the loop, so a call that makes no
    step (``max_new_tokens = 0``) accepts any temperature, ``top_k`` and ``top_p`` and returns
    the prompt. Violates: "Raise ``ValueError`` for a temperature that is not a finite number
    > 0 ..., for ``top_k`` < 1, or for ``top_p`` outside [0, 1]." [``max_new_tokens=0,
    temperature=0``]"""
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            if not (isinstance(temperature, (int, float)) and math.isfinite(temperature) and temperature > 0):
                raise ValueError("temperature must be a finite number > 0 (0 would be greedy decoding)")
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            if top_k is not None:
                if top_k < 1:
                    raise ValueError("top_k must be >= 1")
                kth = logits.topk(min(top_k, logits.shape[-1]), dim=-1).values[:, -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            if not 0 <= top_p <= 1:
                raise ValueError("top_p must lie in [0, 1]")
            if top_p != 1.0:
                probs = logits.softmax(dim=-1)
                ranked, order = probs.sort(dim=-1, descending=True)
                keep_ranked = (ranked.cumsum(-1) - ranked) < top_p
                keep_ranked[:, 0] = True
                keep = torch.zeros_like(keep_ranked).scatter(-1, order, keep_ranked)
                logits = logits.masked_fill(~keep, float("-inf"))
            token = torch.multinomial(logits.softmax(-1), 1, generator=generator)
            ids = torch.cat([ids, token], dim=1)
            if eos_token_id is not None and int(token) == eos_token_id:
                break
    return ids


def sample_generate__wrong_transformers_warpers_take_a_string(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG (written as RIGHT by the examiner, reclassified by the project: see README.md):
    ``float()`` turns the string ``temperature='1.0'`` into a number, so a string is accepted.
    Violates: "Raise ``ValueError`` for a temperature that is not a finite number > 0"
    [``temperature='1.0'``]

    The examiner's note. RIGHT: builds transformers' own ``LogitsProcessorList`` of ``TemperatureLogitsWarper``,
    ``TopKLogitsWarper`` and ``TopPLogitsWarper`` -- the objects ``generate(do_sample=True)``
    uses, in its order -- after validating the arguments itself (the warpers accept only a
    float temperature, so it is converted), then draws with the seeded ``multinomial``."""
    from transformers import LogitsProcessorList, TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper

    try:
        t = float(temperature)
    except (TypeError, ValueError):
        raise ValueError(f"temperature must be a number, got {temperature!r}") from None
    if not math.isfinite(t) or t <= 0:
        raise ValueError(f"temperature must be finite and > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k}")
    if not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be in [0, 1], got {top_p}")
    warpers = LogitsProcessorList([TemperatureLogitsWarper(t)])
    if top_k is not None:
        warpers.append(TopKLogitsWarper(top_k=int(top_k)))
    if top_p != 1.0:
        warpers.append(TopPLogitsWarper(top_p=float(top_p)))
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            scores = model(input_ids=ids).logits[:, -1, :].to(torch.float32)
            scores = warpers(ids, scores)
            token = torch.multinomial(torch.softmax(scores, dim=-1), num_samples=1, generator=generator)
            ids = torch.cat([ids, token], dim=-1)
            if eos_token_id is not None and token[0, 0].item() == eos_token_id:
                break
    return ids
