"""Twentieth examiner: sampling.py entries (transformers' own logits warpers against this contract)."""
from __future__ import annotations

import math

import torch


def _sample_generate__right_transformers_logits_warpers_check(temperature, top_k, top_p) -> None:
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0 (0 is greedy decoding), got {temperature!r}")
    if top_k is not None and (isinstance(top_k, bool) or top_k < 1):
        raise ValueError(f"top_k must be None or at least 1, got {top_k!r}")
    if isinstance(top_p, bool) or not isinstance(top_p, (int, float)) or math.isnan(top_p) or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")


def sample_generate__right_transformers_logits_warpers(model, input_ids: torch.Tensor, max_new_tokens: int, temperature: float = 1.0, top_k: int | None = None, top_p: float = 1.0, generator: torch.Generator | None = None, eos_token_id: int | None = None) -> torch.Tensor:
    """RIGHT: validates the three knobs itself (the contract's ``ValueError``s), then filters with transformers' own ``LogitsProcessorList([TemperatureLogitsWarper(float(t)), TopKLogitsWarper(k), TopPLogitsWarper(float(p))])``, in the order ``generate()`` builds them, each only when the contract says it applies, and draws with ``torch.multinomial(softmax(scores), 1, generator=generator)``. ``TopPLogitsWarper`` sorts ASCENDING and drops the tokens whose cumulative probability from the bottom is ``<= 1 - top_p``, where the docstring's rule ranks from the top and keeps a token while the mass above it is ``< top_p``; the docstring says the two "make exactly the decisions of this rule" except within rounding of ``p``. ``top_k`` >= vocab: the warper clamps with ``min(top_k, vocab)``. Convention: transformers ``generation/logits_process.py`` and ``GenerationMixin._get_logits_processor``. Agrees with a plain version on: the tiny model, "Once upon a time," and "The capital of Japan is", 20 tokens, seeds 0..5 × (T, top_k, top_p) in {(1.4, None, 0.9), (0.2, None, 0.2), (1.0, 5, 0.8), (0.7, 40, 1.0), (1.0, 50000, 0.0), (2.0, 3, 1.0)}: identical ids; eos stop; ``max_new_tokens = 0``; temperature 0/inf/nan, ``top_k = 0``, ``top_p`` 1.5/nan/None raise ``ValueError``."""
    from transformers import LogitsProcessorList, TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper

    _sample_generate__right_transformers_logits_warpers_check(temperature, top_k, top_p)
    warpers = LogitsProcessorList([TemperatureLogitsWarper(float(temperature))])
    if top_k is not None:
        warpers.append(TopKLogitsWarper(int(top_k)))
    if top_p != 1.0:
        warpers.append(TopPLogitsWarper(float(top_p)))
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            scores = model(input_ids=ids).logits[:, -1, :].float()
            scores = warpers(ids, scores)
            next_token = torch.multinomial(torch.softmax(scores, dim=-1), num_samples=1, generator=generator)
            ids = torch.cat([ids, next_token], dim=-1)
            if eos_token_id is not None and int(next_token) == eos_token_id:
                break
    return ids
