"""Forty-fifth examiner: sampling.py entries (the learner who works in log space)."""
from __future__ import annotations

import math
import numbers

import torch


def _check_settings(temperature, top_k, top_p) -> None:
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0 (0 is greedy: use argmax), got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if isinstance(top_p, bool) or not isinstance(top_p, numbers.Real) or not (0 <= top_p <= 1):
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")


def _log_filtered(logits: torch.Tensor, temperature, top_k, top_p) -> torch.Tensor:
    """Steps 2-4 in log space; returns the log-probabilities of the filtered distribution."""
    z = logits / temperature
    if top_k is not None:
        kth = torch.topk(z, min(top_k, z.shape[-1]), dim=-1).values[..., -1:]
        z = z.masked_fill(z < kth, float("-inf"))
    if top_p != 1.0:
        logp = torch.log_softmax(z, dim=-1)
        sorted_logp, order = torch.sort(logp, dim=-1, descending=True)
        incl = torch.logcumsumexp(sorted_logp, dim=-1)
        above = torch.cat([torch.full_like(incl[..., :1], float("-inf")), incl[..., :-1]], dim=-1)
        log_p = float("-inf") if top_p == 0 else math.log(top_p)
        keep_sorted = above < log_p
        keep_sorted[..., 0] = True
        keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
        z = z.masked_fill(~keep, float("-inf"))
    return torch.log_softmax(z, dim=-1)


def sample_generate__wrong_exponential_race_over_survivors(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: the whole loop in log space, right up to the draw: checks (three ``ValueError``s), float32 last-position logits under ``torch.no_grad()``, ``/ T``, top-k with ties kept, top-p by an exclusive ``logcumsumexp`` against ``log(top_p)`` (rank 0 forced), ``log_softmax``; then the draw as an exponential race in log space, ``argmax(logp - log(e))`` with ``e`` Exp(1) from the caller's generator -- but, "to save work once the nucleus is small", only for the SURVIVORS: ``idx = (logp > -inf).nonzero()``, ``e = torch.empty(len(idx)).exponential_(generator=generator)``. The distribution is exactly right and with the defaults (no filter: every token survives) the draws are even the reference's, since ``multinomial`` also draws one exponential per vocabulary entry; but with top-k or top-p the loop consumes fewer random numbers, in other positions, and picks other tokens than the reference under the same seed. Violates: "Why it matters: with a seeded generator the draw is repeatable, so your loop must pick exactly the tokens the reference picks." (step 5: ``torch.multinomial(probs, num_samples=1, generator=generator)``). [witness: the tiny model, "Once upon a time,", 20 tokens, ``temperature=1.4, top_p=0.9``, seed 0 -> new ids ``[297, 264, 1741, 6435, 28725, 396, ...]``, plain ``[989, 12646, 808, 575, 298, 1300, ...]`` (the first new token already differs); a 6-id toy (``BigramModel``, flat rows ``[1.0, 0.9, 0.8, 0.7, 0.2, 0.1]`` plus 0.3 on the diagonal) with ``top_k=3``, 12 tokens: 20 of 20 seeds differ from plain. Passes: the defaults on the tiny model and on the toy equal plain for 10 seeds, the same seed repeats, eos kept and stops, the six ``ValueError``s, ``(1, T + n)`` int64 (checks/check_entries.log).]"""
    _check_settings(temperature, top_k, top_p)
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float()
            logp = _log_filtered(logits, temperature, top_k, top_p)[0]
            idx = torch.nonzero(logp > float("-inf")).squeeze(-1)          # the survivors only
            e = torch.empty(idx.shape[0], dtype=logp.dtype, device=logp.device).exponential_(generator=generator)
            nxt = idx[torch.argmax(logp[idx] - torch.log(e))].view(1, 1)
            ids = torch.cat([ids, nxt.to(ids.dtype)], dim=-1)
            if eos_token_id is not None and int(nxt) == eos_token_id:
                break
    return ids


def sample_generate__right_log_space_exponential_race(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: the same log-space loop with the draw done over the WHOLE vocabulary: checks first (``ValueError`` for a temperature that is not a finite real > 0, ``top_k < 1``, ``top_p`` outside [0, 1] or not a number); each step under ``torch.no_grad()`` the last position's logits cast to float32, divided by ``T``, top-k (``< k``-th largest -> ``-inf``, ties kept, ``k >= vocab`` harmless), top-p on ``log_softmax`` of the result: an exclusive ``torch.logcumsumexp`` of the sorted log-probabilities compared with ``log(top_p)`` (``-inf`` for ``top_p = 0``, rank 0 forced, skipped at ``top_p = 1``), the rest set to ``-inf``; then ``logp = log_softmax(z)`` and ``e = torch.empty_like(logp).exponential_(generator=generator)`` (shape ``(1, vocab)``, float32, the caller's generator or the global one) and ``argmax(logp - log(e))``: the argmax of ``probs / e``, which is how ``torch.multinomial`` draws one sample, so it consumes the same random numbers and picks the same token. Append, stop after an appended ``eos_token_id``. Agrees with a plain version on: the tiny model "Once upon a time," x 20 at ``temperature=1.4, top_p=0.9`` and at ``0.2/0.2``, ``top_k=5``, defaults, 5 seeds each; ``generator=None`` after ``torch.manual_seed`` (3 seeds); a 6-id toy with ``top_k=3``, ``top_p=0.5`` and eos, 20 seeds each; ``max_new_tokens = 0``; the six ``ValueError``s (checks/check_entries.log)."""
    _check_settings(temperature, top_k, top_p)
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float()
            logp = _log_filtered(logits, temperature, top_k, top_p)
            e = torch.empty_like(logp).exponential_(generator=generator)
            nxt = torch.argmax(logp - torch.log(e), dim=-1, keepdim=True)
            ids = torch.cat([ids, nxt.to(ids.dtype)], dim=-1)
            if eos_token_id is not None and int(nxt) == eos_token_id:
                break
    return ids
