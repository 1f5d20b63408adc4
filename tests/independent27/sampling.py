"""Twenty-seventh examiner: sampling.py entries (the over-cautious learner)."""
from __future__ import annotations

import math

import torch


def sample_generate__wrong_finite_floor_for_masked_logits(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: afraid of ``-inf`` ("``-inf - -inf`` is ``nan``"), it floors the logits after the filters with ``logits.clamp_min(-1e4)`` before the softmax, "a finite number that ``exp`` turns into 0 anyway". Everything else follows the steps: the three ``ValueError``s first, float32 cast, divide by ``T``, top-k with ties kept, top-p by the ``top_p_mask`` rule on the softmax after top-k, ``softmax`` then ONE ``torch.multinomial(..., generator=generator)``, stop after an appended ``eos_token_id``. On the tiny model every kept logit after ``T`` is far above -1e4, so a floored token still gets ``exp(-1e4 - max) = 0`` and the draws are those of plain. But the floor does not know kept from cut: when the logits divided by a small temperature lie below -1e4 (a model whose logits are all negative, ``T`` small), the kept ones and the cut ones all become -1e4 and the draw is uniform over the whole vocabulary. Violates: "Top-k (skip when ``top_k`` is None): set every logit smaller than the k-th largest to ``-inf`` (tokens tied with the k-th stay; ``top_k`` >= vocab changes nothing)." [witness: a ``BigramModel`` of 4 ids whose every row is ``[-50, -51, -52, -53]``, prompt ``[[0]]``, 10 tokens, seeds 0..9: with ``temperature=0.001, top_k=1`` (scaled logits -50000 .. -53000, all floored to -1e4) 80 of the 100 tokens are not id 0 (seed 0: ``[2, 2, 3, 0, 1, 2, 0, 1, 1, 3]``), plain draws id 0 every time; with ``temperature=0.001, top_p=0.5`` the same 80/100; with ``temperature=0.005, top_k=2`` 62/100 outside ids {0, 1}, plain 0/100. On the tiny model: the worked example (shape ``(1, 26)``, repeatable) and 20/20 runs (5 settings x 4 seeds, 12 tokens) equal to plain; six ``ValueError``s.]"""
    if not isinstance(temperature, (int, float)) or not math.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be at least 1, got {top_k!r}")
    if not isinstance(top_p, (int, float)) or math.isnan(top_p) or not 0 <= top_p <= 1:
        raise ValueError(f"top_p must be a number in [0, 1], got {top_p!r}")
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids).logits[:, -1, :].float()
            logits = logits / temperature
            if top_k is not None:
                kth = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[..., -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            if top_p != 1.0:
                sorted_probs, order = torch.sort(torch.softmax(logits, dim=-1), dim=-1, descending=True)
                keep_sorted = (torch.cumsum(sorted_probs, dim=-1) - sorted_probs) < top_p
                keep_sorted[..., 0] = True
                keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
                logits = logits.masked_fill(~keep, float("-inf"))
            logits = logits.clamp_min(-1e4)
            probs = torch.softmax(logits, dim=-1)
            next_token = torch.multinomial(probs, num_samples=1, generator=generator)
            ids = torch.cat([ids, next_token.to(ids.dtype)], dim=-1)
            if eos_token_id is not None and int(next_token) == eos_token_id:
                break
    return ids
