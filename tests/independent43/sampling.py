"""Forty-third examiner: sampling.py entries (the learner whose functions leave something behind)."""
from __future__ import annotations

import contextlib
import math

import torch


def _check(temperature, top_k, top_p):
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if isinstance(top_p, bool) or not isinstance(top_p, (int, float)) or math.isnan(top_p) or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")


def _filtered_probs(last_logits, temperature, top_k, top_p):
    logits = last_logits.float() / temperature
    if top_k is not None and top_k < logits.shape[-1]:
        kth = torch.topk(logits, top_k, dim=-1).values[..., -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p != 1.0:
        probs = torch.softmax(logits, dim=-1)
        ranked, order = torch.sort(probs, dim=-1, descending=True)
        keep_ranked = (torch.cumsum(ranked, dim=-1) - ranked) < top_p
        keep_ranked[..., 0] = True
        keep = torch.zeros_like(keep_ranked).scatter(-1, order, keep_ranked)
        logits = logits.masked_fill(~keep, float("-inf"))
    return torch.softmax(logits, dim=-1)


def sample_generate__wrong_draws_from_a_private_copy_of_the_generator(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: every step as the docstring orders it (float32, temperature, top-k with ties, top-p on the result, softmax, one ``multinomial`` per step, eos kept; the three ``ValueError``s first), but "a function should not change its arguments", so it never draws from the caller's generator itself: it copies it, ``rng = torch.Generator(device=generator.device); rng.set_state(generator.get_state())``, and draws from the copy. The tokens of one call are exactly plain's; the caller's generator is left where it was, so a caller who seeds once and samples several continuations with the same generator (the seed notebook's five story openers) gets the same story every time. Violates: "Sampling draws the next token from the (filtered) distribution instead: the same prompt gives a different continuation each time, unless the random generator is seeded." (module docstring; read as: seeding fixes the sequence of calls, it does not make every call repeat) and step 5's "draw one token: ``torch.multinomial(probs, num_samples=1, generator=generator)``" [witness: uniform 8-id toy, prompt ``[[0]]``, 10 tokens, ``g = torch.Generator().manual_seed(0)`` used for 3 calls -> 3 identical sequences (1 distinct); plain 3 distinct; tiny "Once upon a time," 20 tokens at ``temperature=1.4, top_p=0.9``, one generator for 3 calls -> 1 distinct, plain 3. Passes: the worked example ``(1, T + 20)`` with a fresh seeded generator, equal to plain and repeatable, 4 settings x 5 seeds on the toy, eos stop, ``generator=None`` after 5 global seeds, the ``ValueError``s (checks/check_entries.log).]"""
    _check(temperature, top_k, top_p)
    rng = None
    if generator is not None:
        rng = torch.Generator(device=generator.device)
        rng.set_state(generator.get_state())
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            probs = _filtered_probs(model(input_ids=ids).logits[:, -1, :], temperature, top_k, top_p)
            nxt = torch.multinomial(probs, num_samples=1, generator=rng)
            ids = torch.cat([ids, nxt.to(ids.dtype)], dim=-1)
            if eos_token_id is not None and int(nxt) == eos_token_id:
                break
    return ids


def sample_generate__right_exitstack_mode_and_rng_scoped(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: touches three pieces of global state and scopes each one with a ``contextlib.ExitStack``: grad mode (``torch.set_grad_enabled(False)`` entered as a context), the model's train/eval flag (``was = model.training; model.eval(); stack.callback(model.train, was)``, "no dropout while sampling"), and -- ONLY when a generator is given, because then no draw is meant to come from the global stream -- ``torch.random.fork_rng()``, so nothing inside the model (dropout of a model left in train mode by someone else) moves the caller's global generator. With ``generator=None`` there is no fork: the draws come from, and advance, torch's global generator as plain's do. After the call the model's flag and grad mode are what they were. Agrees with a plain version on: the worked example (tiny, ``temperature=1.4, top_p=0.9``, seeds 0-2), a uniform toy under 4 settings x 5 seeds, a toy left in train mode (still in train mode afterwards), ``generator=None`` twice in a row after 5 global seeds (same tokens and the same global state afterwards as plain), eos stop, the ``ValueError``s (checks/check_entries.log)."""
    _check(temperature, top_k, top_p)
    ids = input_ids
    with contextlib.ExitStack() as stack:
        stack.enter_context(torch.set_grad_enabled(False))
        was_training = model.training
        model.eval()
        stack.callback(model.train, was_training)
        if generator is not None:
            stack.enter_context(torch.random.fork_rng())
        for _ in range(max_new_tokens):
            probs = _filtered_probs(model(input_ids=ids).logits[:, -1, :], temperature, top_k, top_p)
            nxt = torch.multinomial(probs, num_samples=1, generator=generator)
            ids = torch.cat([ids, nxt.to(ids.dtype)], dim=-1)
            if eos_token_id is not None and int(nxt) == eos_token_id:
                break
    return ids
