"""Twenty-ninth examiner: sampling.py entries (the performance-minded learner)."""
from __future__ import annotations

import math
import numbers

import torch

_BUF: list = [None]


def _check(temperature, top_k, top_p):
    if not isinstance(temperature, numbers.Real) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0 (0 would be greedy), got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if not isinstance(top_p, numbers.Real) or not (0 <= top_p <= 1):
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")


def _nucleus(probs, p):
    sp, order = torch.sort(probs, dim=-1, descending=True, stable=True)
    keep_sorted = (torch.cumsum(sp, dim=-1) - sp) < p
    keep_sorted[..., 0] = True
    return torch.zeros(probs.shape, dtype=torch.bool, device=probs.device).scatter_(-1, order, keep_sorted)


def _filter_and_draw(z, temperature, top_k, top_p, generator):
    """``z``: a private float32 ``(1, vocab)`` copy; filtered in place."""
    z.div_(temperature)
    if top_k is not None and top_k < z.shape[-1]:
        kth = torch.topk(z, top_k, dim=-1).values[..., -1:]
        z.masked_fill_(z < kth, float("-inf"))
    if top_p != 1.0:
        keep = _nucleus(torch.softmax(z, dim=-1), top_p)
        z.masked_fill_(~keep, float("-inf"))
    return torch.multinomial(torch.softmax(z, dim=-1), num_samples=1, generator=generator)


def sample_generate__wrong_module_output_buffer_aliased(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: every step done as the docstring orders (float32, temperature, top-k with ties, top-p on the result, softmax, one ``multinomial`` with the generator, eos kept; the three ``ValueError``s first), written into ONE output buffer preallocated at module level and grown only when too small ("no ``torch.cat`` per token, no allocation per call"); the model reads ``buf[:, :length]`` and the function returns the view ``buf[:, :T + n]``. Each result is a window on the shared buffer, so the next call overwrites the ids a caller already holds: two results of one length are always the same tensor's contents. Violates: "returns: ``(1, T + n)`` int64 — the prompt followed by the ``n`` sampled tokens" (the first result no longer is) [witness: the tiny model, "Once upon a time,", 20 tokens, ``temperature=1.4, top_p=0.9``: ``a = f(..., generator=seed 0)`` equals plain; after ``b = f(..., generator=seed 1)``, ``a`` holds seed 1's ids (``torch.equal(a, b)`` is True, 20 of 20 new positions differ from plain's seed-0 ids). The worked example: ``(1, T + 20)``, same seed same ids, equal to plain; the ``ValueError`` cases (checks/check_entries.log).]"""
    _check(temperature, top_k, top_p)
    T = input_ids.shape[1]
    need = T + max_new_tokens
    buf = _BUF[0]
    if buf is None or buf.shape[1] < need or buf.device != input_ids.device:
        buf = _BUF[0] = torch.empty((1, max(need, 64)), dtype=torch.long, device=input_ids.device)
    buf[:, :T] = input_ids
    length = T
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=buf[:, :length]).logits[:, -1, :]
            nxt = _filter_and_draw(logits.to(torch.float32, copy=True), temperature, top_k, top_p, generator)
            buf[:, length] = nxt[:, 0]
            length += 1
            if eos_token_id is not None and int(nxt) == eos_token_id:
                break
    return buf[:, :length]


def sample_generate__right_inference_mode_cache_in_place_private(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: the fast route, each shortcut one the docstring allows. The three ``ValueError``s first; the output is ONE ``(1, T + max_new_tokens)`` int64 buffer allocated per call (outside inference mode, so the result is an ordinary tensor) and returned as a ``[:, :T + n]`` slice; the model runs under ``torch.inference_mode()`` (stronger than ``no_grad``), once on the prompt with ``use_cache=True`` and then on the newest token only with ``cache=out.cache`` (the docstring: optional). Each step copies the last logits into a PRIVATE float32 tensor (``.to(torch.float32, copy=True)``) and filters it in place (``div_``, ``masked_fill_`` for top-k with ties kept and for top-p on the softmax after top-k), then one ``multinomial`` with the generator. Same order, same numbers, same draws. Agrees with a plain version on: the worked example ("Once upon a time,", 20 tokens, T 1.4, top_p 0.9, seeds 0-4), "The capital of Japan is" with top_k 5 / top_p 0.5 / T 0.7 (seeds 0-4), ``eos_token_id = 2`` stops, ``max_new_tokens = 0``, a bigram toy with ties and with bfloat16 logits, the ``ValueError`` cases -- all ids equal (checks/check_entries.log)."""
    _check(temperature, top_k, top_p)
    T = input_ids.shape[1]
    out_ids = torch.empty((1, T + max_new_tokens), dtype=torch.long, device=input_ids.device)
    out_ids[:, :T] = input_ids
    length = T
    if max_new_tokens > 0:
        with torch.inference_mode():
            out = model(input_ids=input_ids, use_cache=True)
            for step in range(max_new_tokens):
                z = out.logits[:, -1, :].to(torch.float32, copy=True)
                nxt = _filter_and_draw(z, temperature, top_k, top_p, generator)
                out_ids[:, length] = nxt[:, 0]
                length += 1
                if eos_token_id is not None and int(nxt) == eos_token_id:
                    break
                if step < max_new_tokens - 1:
                    out = model(input_ids=nxt, cache=out.cache, use_cache=True)
    return out_ids[:, :length]
