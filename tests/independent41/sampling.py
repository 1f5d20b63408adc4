"""Forty-first examiner: sampling.py entries (the learner who special-cases the edges)."""
from __future__ import annotations

import math
import numbers

import torch


def _check(temperature, top_k, top_p) -> None:
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) \
            or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k}")
    if isinstance(top_p, bool) or not isinstance(top_p, numbers.Real) or math.isnan(top_p) \
            or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")


def _top_p_filter(logits: torch.Tensor, top_p: float) -> torch.Tensor:
    probs = torch.softmax(logits, dim=-1)
    sp, order = torch.sort(probs, dim=-1, descending=True)
    keep = (torch.cumsum(sp, dim=-1) - sp) < top_p
    keep[..., 0] = True
    keep = torch.zeros_like(keep).scatter(-1, order, keep)
    return logits.masked_fill(~keep, float("-inf"))


def sample_generate__wrong_top_k_one_is_argmax(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: the whole step in the docstring's order (three ``ValueError``s first, float32, temperature, top-k with ties kept, top-p, softmax, one ``multinomial`` with the generator, eos kept), plus the shortcut every tutorial mentions, "``top_k = 1`` is greedy decoding": ``if top_k == 1: next = logits.argmax(-1, keepdim=True)`` -- no filter, no softmax, no draw. Where the largest logit is unique the token is the same one the draw would pick, so the ids of the call agree; but (a) logits TIED for the largest all survive top-k (``tokens tied with the k-th stay``) and the draw chooses among them, while ``argmax`` always gives the lowest id; and (b) the generator is never advanced, so a caller that goes on drawing from the same seeded generator gets other numbers. Violates: "Top-k (skip when ``top_k`` is None): set every logit smaller than the k-th largest to ``-inf`` (tokens tied with the k-th stay; ``top_k`` >= vocab changes nothing)." and step 5's "draw one token: ``torch.multinomial(probs, num_samples=1, generator=generator)``". [witness: ``BigramModel`` with every row ``[2, 2, 0, 0]``, prompt ``[[0]]``, 8 tokens, ``top_k=1``, seeds 0..19 -> always ``[0, 0, 0, 0, 0, 0, 0, 0, 0]`` (token 1 never drawn); plain draws both tied tokens (seed 0 -> ``[0, 1, 0, 1, 0, 1, 0, 0, 1]``; 84 of the 160 draws are id 1). No ties (tiny model, "Once upon a time,", 10 tokens, ``top_k=1``, seed 0): the same ids as plain, but ``torch.rand(1, generator=g)`` afterwards is 0.4963 against plain's 0.9552 -- the generator was not advanced. Passes: the worked example (``top_p=0.9, temperature=1.4``, seed 0, 20 tokens) equal to plain and repeatable, ``top_k`` None/5/50/32000 equal to plain, eos kept, the six ``ValueError``s (checks/check_entries.log).]"""
    _check(temperature, top_k, top_p)
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float()
            if top_k == 1:  # "top-k of one is greedy: skip the sampling"
                nxt = logits.argmax(dim=-1, keepdim=True)
            else:
                logits = logits / temperature
                if top_k is not None:
                    kth = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[..., -1:]
                    logits = logits.masked_fill(logits < kth, float("-inf"))
                if top_p != 1.0:
                    logits = _top_p_filter(logits, top_p)
                probs = torch.softmax(logits, dim=-1)
                nxt = torch.multinomial(probs, num_samples=1, generator=generator)
            ids = torch.cat([ids, nxt.to(ids.dtype)], dim=-1)
            if eos_token_id is not None and int(nxt) == eos_token_id:
                break
    return ids


def sample_generate__right_top_k_one_keeps_tied_maxima_and_draws(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: the same loop with ``top_k = 1`` special-cased the way the rule allows: no ``torch.topk`` (which would need a k-th value), the survivors are ``logits == logits.amax(dim=-1, keepdim=True)`` -- every logit tied for the largest, which is exactly "not smaller than the k-th largest" for ``k = 1`` -- and the rest set to ``-inf``; then top-p and the softmax as usual, and the token is still DRAWN with ``torch.multinomial(..., generator=generator)``, so ties are chosen at random and the generator advances by one draw per step exactly as in the general path. Other ``top_k`` use ``topk``'s k-th value (clamped to the vocabulary); the three ``ValueError``s come before everything; then ``max_new_tokens = 0`` returns the prompt without running the model. Agrees with a plain version on: the tied toy (every row ``[2, 2, 0, 0]``, ``top_k=1``, seeds 0..19, same ids and the same next ``torch.rand`` of the generator), the tiny model ("Once upon a time,", ``top_k`` 1/5/None with ``top_p`` 0.9/1.0, ``temperature`` 1.4/0.7, seeds 0..2), a bfloat16 toy with ``eos_token_id``, ``max_new_tokens = 0``, and the six ``ValueError``s (checks/check_entries.log)."""
    _check(temperature, top_k, top_p)
    if max_new_tokens == 0:
        return input_ids
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            if top_k == 1:
                logits = logits.masked_fill(logits != logits.amax(dim=-1, keepdim=True), float("-inf"))
            elif top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[..., -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            if top_p != 1.0:
                logits = _top_p_filter(logits, top_p)
            nxt = torch.multinomial(torch.softmax(logits, dim=-1), num_samples=1, generator=generator)
            ids = torch.cat([ids, nxt.to(ids.dtype)], dim=-1)
            if eos_token_id is not None and int(nxt) == eos_token_id:
                break
    return ids
