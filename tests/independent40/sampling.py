"""Fortieth examiner: sampling.py entries (the learner who builds on their own earlier answers)."""
from __future__ import annotations

import math

import torch


def _my_softmax_with_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """The learner's own exercise-7 answer (copied in: this file must stand alone)."""
    if not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    work = logits.float() if logits.dtype in (torch.float16, torch.bfloat16) else logits
    return torch.softmax(work / temperature, dim=-1).to(logits.dtype)


def _my_top_k_mask(probs: torch.Tensor, k: int) -> torch.Tensor:
    """The learner's own exercise-8 answer: keep scores >= the k-th largest of their row."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    kth = torch.topk(probs, min(k, probs.shape[-1]), dim=-1).values[..., -1:]
    return probs >= kth


def _my_check_p(p) -> None:
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not (0 <= p <= 1):
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")


def _my_top_p_mask(probs: torch.Tensor, p: float) -> torch.Tensor:
    """The learner's own exercise-11 answer: mass above < p, top token forced, vocabulary order."""
    _my_check_p(p)
    sp, order = torch.sort(probs, dim=-1, descending=True)
    keep = (torch.cumsum(sp, dim=-1) - sp) < p
    keep[..., 0] = True
    return torch.zeros_like(keep).scatter(-1, order, keep)


def _my_sample_top_p(probs: torch.Tensor, p: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """The learner's own exercise-12 answer: mask, zero outside in vocabulary order, one draw."""
    keep = _my_top_p_mask(probs, p)
    kept = torch.where(keep, probs, torch.zeros((), dtype=probs.dtype, device=probs.device))
    return torch.multinomial(kept, num_samples=1, generator=generator).squeeze(-1)


def _my_check_settings(temperature, top_k, top_p) -> None:
    if not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k}")
    _my_check_p(top_p)


def sample_generate__wrong_own_softmax_reapplies_temperature(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: steps 1-3 as listed (float32 logits divided by ``temperature``, top-k with the learner's own ``_my_top_k_mask``, ties kept), but step 4's "take the softmax of the logits as they are now" is done with the learner's own exercise-7 function, called the way that exercise taught: ``_my_softmax_with_temperature(logits, temperature)``. Its contract divides by the temperature itself, so the nucleus is decided on logits divided TWICE (temperature squared); step 5 then uses a plain ``torch.softmax``, so the draw itself is tempered once. All three checks come first; ``generator``, eos and the prompt are handled right; at ``temperature = 1`` (the default) nothing changes. Violates: "Top-p (skip when ``top_p`` is 1.0): take the softmax of the logits as they are now (after top-k, so the survivors' probabilities sum to 1), find the nucleus with the rule of ``top_p_mask`` ..." [witness: float32 ``BigramModel`` (3 ids) whose every row is ``log([0.5, 0.3, 0.2])``, prompt ``[[0]]``, ``max_new_tokens=1``, ``temperature=0.5, top_p=0.7``, seeds 0..199 -> id 1 drawn 0 times (the twice-tempered top probability 0.872 >= 0.7 leaves a nucleus of one); plain draws id 1 59 times (nucleus {0, 1}: 0.658 < 0.7). Passes: the worked example (``(1, 26)``, repeatable with seed 0), the tiny model at ``temperature = 1`` (defaults, ``top_k`` 1 and 2, ``top_p = 0.5``) equal to plain over 10 seeds x 6 tokens, six ``ValueError``s, eos kept (checks/check_entries.log).]"""
    _my_check_settings(temperature, top_k, top_p)
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            if top_k is not None:
                logits = logits.masked_fill(~_my_top_k_mask(logits, top_k), float("-inf"))
            if top_p != 1.0:
                probs = _my_softmax_with_temperature(logits, temperature)  # "my softmax takes the temperature"
                logits = logits.masked_fill(~_my_top_p_mask(probs, top_p), float("-inf"))
            nxt = torch.multinomial(torch.softmax(logits, dim=-1), num_samples=1, generator=generator)
            ids = torch.cat([ids, nxt.to(ids.dtype)], dim=-1)
            if eos_token_id is not None and int(nxt) == eos_token_id:
                break
    return ids


def sample_generate__right_own_top_k_mask_and_sample_top_p(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: the loop assembled from the learner's own earlier answers, each adapted to this contract. The three settings are checked up front by one helper (own answers validate only when they are called, and ``top_p = 1.0`` or ``top_k = None`` never call them; ``max_new_tokens = 0`` still raises). Temperature is applied once, as a division of the float32 logits (own softmax is NOT used with the temperature: it would divide again); top-k is the own ``_my_top_k_mask`` on the tempered logits, filled with ``-inf``; the softmax is taken AFTER top-k so the survivors sum to 1 (what own ``top_p_mask`` assumes); then, when ``top_p != 1.0``, the draw is own ``_my_sample_top_p(probs, top_p, generator)`` (one ``multinomial`` on the zeroed row, ``(1,)`` viewed as ``(1, 1)``), else ``torch.multinomial(probs, 1, generator=generator)``: one draw per step either way. Agrees with a plain version on: 7 settings x 20 seeds x 6 tokens on the tiny model, 200 seeds on the 3-id toy at ``temperature=0.5, top_p=0.7`` (tokens equal), the worked example, ``generator=None`` under ``torch.manual_seed``, eos kept, six ``ValueError``s, ``max_new_tokens = 0`` with a bad ``top_p`` (checks/check_entries.log)."""
    _my_check_settings(temperature, top_k, top_p)
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            if top_k is not None:
                logits = logits.masked_fill(~_my_top_k_mask(logits, top_k), float("-inf"))
            probs = torch.softmax(logits, dim=-1)
            if top_p != 1.0:
                nxt = _my_sample_top_p(probs, top_p, generator).view(1, 1)
            else:
                nxt = torch.multinomial(probs, num_samples=1, generator=generator)
            ids = torch.cat([ids, nxt.to(ids.dtype)], dim=-1)
            if eos_token_id is not None and int(nxt) == eos_token_id:
                break
    return ids
