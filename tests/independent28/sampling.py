"""Twenty-eighth examiner: sampling.py entries (the docstring lawyer)."""
from __future__ import annotations

import math

import torch


def _as_number(x) -> float:
    """``float(x)`` for a number, ``nan`` for anything else (a string, ``None``): ``nan`` fails every range check."""
    if isinstance(x, (str, bytes)) or x is None:
        return math.nan
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def sample_generate__right_use_cache_false_checks_reordered(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: validates in the reverse order of the docstring's sentence (``top_p`` first, then ``top_k``, then the temperature), each setting read as a number with ``float()`` (strings, ``None``, ``nan`` fail the range test), every check before the first forward pass; recomputes from scratch each step and says so to the model, ``model(input_ids=ids, use_cache=False)`` -- a keyword every model of the docstring takes (it names ``use_cache=True`` for the optional cache); skips top-k entirely when ``top_k >= vocab`` ("changes nothing") instead of clamping; divides with ``Tensor.div``, masks with ``torch.where``. Steps 1-6 in the docstring's order, float32 logits, one ``multinomial`` per step with the generator. Agrees with a plain version on: 36 tiny-model runs (6 seeds x (T 1.4/top_p 0.9, T 0.2/top_p 0.2, top_k 5, T 0.8/top_k 40/top_p 0.7, top_k 40000 with eos 2, top_p 0), 12 tokens); a 40-id toy, 10 seeds, 30 tokens, T 0.9, top_k 8, top_p 0.8, eos 7; the global generator seeded with 123; ``max_new_tokens = 0``; a bfloat16 toy, T 0.7, top_p 0.9 -- all token for token; the worked example repeats under seed 0; ``ValueError`` for T 0, nan, inf, -1, ``top_k = 0``, ``top_p`` 1.5, -0.1, nan, ``"0.9"``, ``None`` (checks/check_entries.log)."""
    # the checks in the reverse order of the docstring's sentence: top_p, top_k, temperature
    if not 0.0 <= _as_number(top_p) <= 1.0:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1 (or None for no top-k), got {top_k}")
    t_value = _as_number(temperature)
    if not (math.isfinite(t_value) and t_value > 0):
        raise ValueError(f"temperature must be a finite number > 0 (0 would be greedy decoding), got {temperature!r}")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            out = model(input_ids=ids, use_cache=False)
            logits = out.logits[:, -1].float().div(temperature)
            vocab = logits.shape[-1]
            if top_k is not None and top_k < vocab:
                kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]
                logits = torch.where(logits < kth, float("-inf"), logits)
            if top_p != 1.0:
                probs = torch.softmax(logits, dim=-1)
                sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
                keep_sorted = (torch.cumsum(sorted_probs, dim=-1) - sorted_probs) < top_p
                keep_sorted[:, 0] = True
                keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
                logits = torch.where(keep, logits, float("-inf"))
            next_token = torch.multinomial(torch.softmax(logits, dim=-1), num_samples=1, generator=generator)
            ids = torch.cat([ids, next_token], dim=-1)
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
    return ids
