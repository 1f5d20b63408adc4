"""Twenty-fourth examiner: topk.py entries (llama.cpp sampler habits)."""
from __future__ import annotations

import torch


def top_k_mask__wrong_llamacpp_nonpositive_k_keeps_all(probs: torch.Tensor, k: int) -> torch.Tensor:
    """WRONG: ports llama.cpp's ``llama_sampler_top_k_impl`` (``if (k <= 0) { k = cur_p->size; }``, then ``k = std::min(k, size)``): in llama.cpp, and in its ``--top-k 0`` command line flag, a non-positive ``k`` means "top-k disabled", so here ``k <= 0`` keeps every token. For ``k >= 1`` it is the docstring's rule (``k`` clamped to the vocabulary, the k-th largest of each row by ``torch.topk(..., dim=-1)``, every score at least that kept, ties and ``-inf`` ties included), so the worked example and the tie example pass. Not the earlier ``top_k_mask__wrong_k_zero_keeps_nothing`` (all ``False``): this one returns all ``True``. Violates: "``k < 1`` raises ``ValueError`` (keeping no token leaves nothing to sample)" [witness: ``top_k_mask(torch.tensor([0.1, 0.5, 0.15, 0.25]), 0)``: WRONG ``tensor([True, True, True, True])``, plain raises ``ValueError``; the same for ``k = -1`` and a ``(2, 4)`` batch.]"""
    vocab = probs.shape[-1]
    if k <= 0:
        k = vocab
    k = min(k, vocab)
    pivot = torch.topk(probs, k, dim=-1).values[..., -1:]
    return probs >= pivot
