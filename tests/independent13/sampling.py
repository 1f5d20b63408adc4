"""Thirteenth examiner: sampling.py entries."""
from __future__ import annotations

import math
import numbers

import torch


def sample_generate__wrong_exp_weights_without_softmax(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: reads step 5's note ("``multinomial`` renormalises each row itself") as licence to skip the final softmax and hands ``multinomial`` the unnormalised weights ``torch.exp(logits)`` (masked tokens give ``exp(-inf) = 0``); steps 1-4 are right. At ``T = 1.4`` the draws are those of the reference, but at a low temperature ``logit / T`` passes 88.7 and ``exp`` overflows float32 to ``inf``, which ``multinomial`` rejects. Violates: "``probs = softmax(logits)`` and draw one token: ``torch.multinomial(probs, num_samples=1, generator=generator)``, shape ``(1, 1)``." [witness: tiny model, ``ids = tokenizer("Once upon a time,", return_tensors="pt").input_ids``, ``sample_generate(model, ids, 20, temperature=0.2, top_p=0.2, generator=torch.Generator().manual_seed(0))`` (the docstring's "nearly greedy" setting; the tiny model's logits reach about 20.8 on this text): ``(1, 26)`` ids expected (the prompt, then 20 tokens: " a dragon slept on a mountain of gold, dreaming of the open sky." and, ``eos_token_id`` being None, ``</s>`` and more), ``RuntimeError: probability tensor contains either inf, nan or element < 0`` raised]"""
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) \
            or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1 (or None), got {top_k!r}")
    if isinstance(top_p, bool) or not isinstance(top_p, numbers.Real) or math.isnan(top_p) \
            or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float() / temperature
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[..., -1:]
                logits = logits.masked_fill(logits < kth, -math.inf)
            if top_p != 1.0:
                probs = torch.softmax(logits, dim=-1)
                sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
                keep_sorted = torch.cumsum(sorted_probs, dim=-1) - sorted_probs < top_p
                keep_sorted[..., 0] = True
                keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
                logits = logits.masked_fill(~keep, -math.inf)
            weights = torch.exp(logits)  # multinomial normalises the row itself
            next_token = torch.multinomial(weights, num_samples=1, generator=generator)
            ids = torch.cat([ids, next_token], dim=-1)
            if eos_token_id is not None and next_token.item() == eos_token_id:
                break
    return ids
