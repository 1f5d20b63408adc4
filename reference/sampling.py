"""Reference: the sampling loop, built from the logits warpers ``generate(do_sample=True)`` uses.

What it compares to (checked by ``tests/test_reference_sampling.py``, transformers 5.x):
``sample_generate(model, ids, n, temperature=T, top_k=K, top_p=P, eos_token_id=E)`` with
``generator=None`` draws exactly the tokens of

    torch.manual_seed(seed)
    model.generate(ids, do_sample=True, temperature=T, top_k=K, top_p=P, max_new_tokens=n,
                   eos_token_id=E, pad_token_id=...)

after the same ``torch.manual_seed(seed)``, and with ``generator=torch.Generator(device)
.manual_seed(seed)`` it draws the same tokens again (a fresh generator seeded with ``seed``
produces the stream the global one does after ``torch.manual_seed(seed)``). Two defaults of
``generate`` matter for that comparison:

- ``generate`` fills an unset ``top_k`` with **50** (``GenerationConfig._get_default_generation_params``
  in transformers 5): ``generate(do_sample=True, top_p=0.9)`` is top-k 50 *and* top-p 0.9.
  Pass ``top_k=None`` to ``generate`` to turn top-k off; this function's default ``top_k=None``
  means "off", so compare it with ``generate(..., top_k=None)``.
- ``generate`` casts the last position's logits to float32 before any warper
  (``outputs.logits[:, -1].to(copy=True, dtype=torch.float32)``), skips the temperature warper
  at 1.0 and the top-p warper at 1.0, applies temperature -> top-k -> top-p in that order
  (``GenerationMixin._get_logits_processor``), takes the softmax and draws with
  ``torch.multinomial(probs, num_samples=1)``.

The model's own ``generation_config`` can set other processors (repetition penalty, min
length...); the comparison holds for a config that sets none, as the tiny model's does.
"""
from __future__ import annotations

import math

import torch
from transformers.generation.logits_process import (
    LogitsProcessorList,
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)

from reference.bigram import BigramModel  # noqa: F401  (the suites' toy model, defined there)
from reference.nucleus import check_p


def check_sampling_settings(temperature: float, top_k: int | None, top_p: float) -> None:
    """Raise ``ValueError`` for a temperature that is not finite and > 0, a top_k < 1, or top_p outside [0, 1]."""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not (
        math.isfinite(temperature) and temperature > 0
    ):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r} (temperature 0 is greedy)")
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
        raise ValueError(f"top_k must be None (no top-k) or an integer >= 1, got {top_k!r}")
    check_p(top_p)


def sampling_processors(temperature: float = 1.0, top_k: int | None = None, top_p: float = 1.0) -> LogitsProcessorList:
    """The warpers ``generate(do_sample=True)`` builds for these settings, in its order."""
    check_sampling_settings(temperature, top_k, top_p)
    processors = LogitsProcessorList()
    if temperature != 1.0:
        processors.append(TemperatureLogitsWarper(float(temperature)))
    if top_k is not None:
        processors.append(TopKLogitsWarper(top_k=top_k, min_tokens_to_keep=1))
    if top_p < 1.0:
        processors.append(TopPLogitsWarper(top_p=float(top_p), min_tokens_to_keep=1))
    return processors


def next_token_probs(
    logits: torch.Tensor, temperature: float = 1.0, top_k: int | None = None, top_p: float = 1.0
) -> torch.Tensor:
    """The distribution one sampling step draws from: ``(batch, vocab)`` logits -> float32 probabilities.

    The logits are cast to float32 first, as ``generate`` does.
    """
    scores = sampling_processors(temperature, top_k, top_p)(None, logits.to(torch.float32))
    return torch.softmax(scores, dim=-1)


@torch.no_grad()
def sample_generate(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """Sample up to ``max_new_tokens`` tokens: ``(1, T)`` ids -> ``(1, T + n)`` ids.

    Each step: the last position's logits in float32, the warpers of :func:`sampling_processors`,
    softmax, ``torch.multinomial(probs, 1, generator=generator)``; stop after ``eos_token_id``
    is appended (it is kept) or after ``max_new_tokens`` tokens. The model runs with its KV
    cache, as ``generate`` does: one prefill, then one new token per step.
    """
    check_sampling_settings(temperature, top_k, top_p)
    if input_ids.dim() != 2 or input_ids.shape[0] != 1:
        raise ValueError(f"input_ids must have shape (1, T), got {tuple(input_ids.shape)}")
    processors = sampling_processors(temperature, top_k, top_p)
    ids = input_ids
    outputs = model(input_ids=ids, use_cache=True)
    for step in range(max_new_tokens):
        logits = outputs.logits[:, -1, :].to(torch.float32)
        probs = torch.softmax(processors(ids, logits), dim=-1)
        next_token = torch.multinomial(probs, num_samples=1, generator=generator)
        ids = torch.cat([ids, next_token.to(ids.device)], dim=-1)
        if eos_token_id is not None and int(next_token) == eos_token_id:
            break
        if step + 1 < max_new_tokens:
            past = getattr(outputs, "cache", None)
            if past is None:  # a model without a cache: run it on the whole sequence again
                outputs = model(input_ids=ids)
            else:
                outputs = model(input_ids=next_token.to(ids.device), cache=past, use_cache=True)
    return ids
