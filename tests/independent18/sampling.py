"""Eighteenth examiner: sampling.py entries."""
from __future__ import annotations

import math

import torch


def sample_generate__wrong_temperature_only_for_filters(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: keeps the model's float32 logits untouched and applies temperature, top-k and top-p (in that order, with the right rules) to a tempered COPY, from which it only takes the mask of survivors; the token is then drawn from ``softmax`` of the ORIGINAL logits with the dropped tokens set to ``-inf``. So the temperature changes which tokens survive the filters, but not the probabilities the survivors are drawn with: with ``top_p = 1.0`` and no ``top_k`` the temperature has no effect at all. Validation (temperature, ``top_k``, ``top_p``, also ``nan`` and non-numbers), ``torch.no_grad()``, ``generator=generator`` in one ``torch.multinomial`` per step, stopping after an appended ``eos_token_id``: all as the docstring says. The worked example (``(1, T + 20)`` ids, the same ids again under the same seed) holds. Violates: "Temperature: divide the logits by ``temperature``." [witness: the tiny model, ``"Once upon a time,"``, ``max_new_tokens = 20``, ``temperature = 0.3``, ``top_p = 1.0``, ``generator = torch.Generator().manual_seed(0)``: differs from the docstring's steps (see the README); with ``temperature = 1.0`` the two agree token for token]"""
    def bad(what):
        return ValueError(what)

    if isinstance(temperature, (str, bytes)) or temperature is None:
        raise bad(f"temperature must be a finite number > 0, got {temperature!r}")
    try:
        t_value = float(temperature)
    except (TypeError, ValueError):
        raise bad(f"temperature must be a finite number > 0, got {temperature!r}") from None
    if not math.isfinite(t_value) or t_value <= 0:
        raise bad(f"temperature must be a finite number > 0 (0 is greedy decoding), got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise bad(f"top_k must be at least 1, got {top_k}")
    if isinstance(top_p, (str, bytes)) or top_p is None:
        raise bad(f"top_p must be a number in [0, 1], got {top_p!r}")
    try:
        p_value = float(top_p)
    except (TypeError, ValueError):
        raise bad(f"top_p must be a number in [0, 1], got {top_p!r}") from None
    if not 0.0 <= p_value <= 1.0:
        raise bad(f"top_p must be a number in [0, 1], got {top_p!r}")

    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float()
            tempered = logits / t_value
            if top_k is not None:
                k = min(top_k, tempered.shape[-1])
                kth = torch.topk(tempered, k, dim=-1).values[..., -1:]
                tempered = tempered.masked_fill(tempered < kth, float("-inf"))
            if p_value < 1.0:
                probs = torch.softmax(tempered, dim=-1)
                sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
                above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
                keep_sorted = above < p_value
                keep_sorted[..., 0] = True
                keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
                tempered = tempered.masked_fill(~keep, float("-inf"))
            survivors = tempered > float("-inf")
            probs = torch.softmax(logits.masked_fill(~survivors, float("-inf")), dim=-1)
            next_token = torch.multinomial(probs, num_samples=1, generator=generator)
            ids = torch.cat([ids, next_token.to(ids.dtype)], dim=-1)
            if eos_token_id is not None and int(next_token) == eos_token_id:
                break
    return ids
