"""Thirty-eighth examiner: sampling.py entries (the learner who learnt it from the papers and the textbooks)."""
from __future__ import annotations

import math

import torch


def _check(temperature, top_k, top_p) -> None:
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0 (0 is greedy decoding), got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k}")
    if isinstance(top_p, bool) or not isinstance(top_p, (int, float)) or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")


def _reweight_distribution(probs: torch.Tensor, temperature: float) -> torch.Tensor:
    # Chollet, Deep Learning with Python, "reweighting a probability distribution to a different temperature"
    distribution = torch.log(probs) / temperature
    distribution = torch.exp(distribution)
    return distribution / distribution.sum(dim=-1, keepdim=True)


def sample_generate__wrong_chollet_reweights_probabilities(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: applies the temperature the way Chollet's *Deep Learning with Python* teaches it for text generation, "reweighting a probability distribution to a different temperature": ``distribution = log(original_distribution) / temperature; distribution = exp(distribution); distribution / sum(distribution)`` -- on the float32 SOFTMAX of the logits, not on the logits. Mathematically this is ``p**(1/T)`` renormalised, the same distribution as ``softmax(z / T)``; then top-k and top-p in probability space (ties kept, mass above ``< top_p``, top token forced), ``multinomial`` with the generator, eos kept, all ``ValueError``s. But a token whose float32 probability underflowed to 0 stays 0 at every temperature (``log 0 = -inf``), and at a low temperature ``exp(log p / T)`` underflows for EVERY token and the row is ``0/0``. Violates: "2. Temperature: divide the logits by ``temperature``." [witness: a 2-id toy ``BigramModel`` with every row ``[0.0, -120.0]``, ``[[0]]``, 10 tokens x 10 seeds at ``temperature=100``: id 1 drawn 0/100 times, plain 22/100 (exact share 0.2315; float32 ``softmax`` gives id 1 exactly 0 before the reweighting). The tiny model, "Once upon a time," (top probability 0.456), ``temperature=0.005``: ``RuntimeError: probability tensor contains either inf, nan or element < 0``; plain draws ``[264, 18984, 18283, 356, 264]``, the greedy tokens. Equal to plain: the worked example (``(1, 26)``, repeatable), 20/20 tiny runs of 12 tokens (seeds 0-3 x default, T 1.4 top_p 0.9, T 0.2 top_p 0.2, T 0.7 top_k 40, top_k 10 top_p 0.8), eight ``ValueError``s (checks/check_entries.log).]"""
    _check(temperature, top_k, top_p)
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float()
            probs = _reweight_distribution(torch.softmax(logits, dim=-1), temperature)
            if top_k is not None:
                k = min(top_k, probs.shape[-1])
                kth = torch.topk(probs, k, dim=-1).values[..., -1:]
                probs = torch.where(probs < kth, torch.zeros_like(probs), probs)
                probs = probs / probs.sum(dim=-1, keepdim=True)
            if top_p != 1.0:
                sorted_p, order = torch.sort(probs, dim=-1, descending=True)
                above = torch.cumsum(sorted_p, dim=-1) - sorted_p
                keep_sorted = above < top_p
                keep_sorted[..., 0] = True
                keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
                probs = torch.where(keep, probs, torch.zeros_like(probs))
            next_id = torch.multinomial(probs, num_samples=1, generator=generator)
            ids = torch.cat([ids, next_id], dim=-1)
            if eos_token_id is not None and int(next_id) == eos_token_id:
                break
    return ids
