"""Nineteenth examiner: sampling.py entries (patterns taken from public sampling loops)."""
from __future__ import annotations

import math

import torch


def _sample_generate__right_gpt_fast_exponential_race_validate(temperature, top_k, top_p) -> None:
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0 (0 would be greedy decoding), got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if isinstance(top_p, bool) or not isinstance(top_p, (int, float)) or math.isnan(top_p) or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")


def _sample_generate__right_gpt_fast_exponential_race_probs(logits: torch.Tensor, temperature, top_k, top_p) -> torch.Tensor:
    logits = logits / temperature
    if top_k is not None:
        v, _ = torch.topk(logits, min(top_k, logits.size(-1)))
        pivot = v.select(-1, -1).unsqueeze(-1)
        logits = torch.where(logits < pivot, -float("inf"), logits)
    if top_p != 1.0:
        probs = torch.softmax(logits, dim=-1)
        ordered, order = torch.sort(probs, dim=-1, descending=True)
        keep_sorted = torch.cumsum(ordered, dim=-1) - ordered < top_p
        keep_sorted[..., 0] = True
        keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
        logits = logits.masked_fill(~keep, -float("inf"))
    return torch.softmax(logits, dim=-1)


def sample_generate__right_gpt_fast_exponential_race(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: gpt-fast's ``logits_to_probs`` + ``multinomial_sample_one_no_sync`` as the loop: temperature, the top-k "pivot" (``v.select(-1, -1)`` of ``torch.topk`` and ``torch.where(logits < pivot, -inf, logits)``), the docstring's top-p, softmax, and then NO ``torch.multinomial``: ``q = empty_like(probs).exponential_(1, generator=generator)`` and ``argmax(probs / q, dim=-1, keepdim=True)``, the "sampling without a device sync" trick. (gpt-fast's ``max(temperature, 1e-5)`` floor is left out; the docstring's validation is done first.) It looks like it must draw other tokens than step 5's ``torch.multinomial(probs, num_samples=1, generator=generator)``, but for one sample torch's ``multinomial`` IS this exponential race (same generator call, same division, same argmax), so the seeded ids are identical. Source: pytorch-labs/gpt-fast generate.py (``logits_to_probs``, ``multinomial_sample_one_no_sync``; also vllm-project/vllm vllm/model_executor/layers/sampler.py ``_multinomial``). Agrees with a plain version on: the tiny model and "Once upon a time,", 20 tokens, seeds 0..9, with (temperature, top_k, top_p) = (1.4, None, 0.9), (0.2, None, 0.2), (1.0, 5, 0.8), (0.7, 40, 1.0): the same ids on all 40 runs; eos stop; validation errors."""
    _sample_generate__right_gpt_fast_exponential_race_validate(temperature, top_k, top_p)
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float()
            probs = _sample_generate__right_gpt_fast_exponential_race_probs(logits, temperature, top_k, top_p)
            q = torch.empty_like(probs).exponential_(1, generator=generator)
            next_id = torch.argmax(probs / q, dim=-1, keepdim=True)
            ids = torch.cat([ids, next_id], dim=-1)
            if eos_token_id is not None and int(next_id) == eos_token_id:
                break
    return ids
