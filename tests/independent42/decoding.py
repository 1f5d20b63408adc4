"""Forty-second examiner: decoding.py entries (the learner who learnt it all on GPT-2)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def greedy_generate__wrong_nanogpt_top_k_one_then_multinomial(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """WRONG: greedy as nanoGPT users run it, "``generate`` with ``top_k=1`` is greedy": each step the last position's logits (``logits[:, -1, :]``), nanoGPT's top-k cut ``v, _ = torch.topk(logits, 1)``, ``logits[logits < v[:, [-1]]] = -inf``, ``probs = F.softmax(logits, dim=-1)``, ``idx_next = torch.multinomial(probs, num_samples=1)``, ``torch.cat``; under ``torch.no_grad()``, the prompt kept, stop after an appended eos, ``None`` never stops. Where one logit is the largest the kept distribution is one-hot and ``multinomial`` returns its id every time, so every example and every real-model run is exactly greedy; but nanoGPT's cut keeps every logit EQUAL to the k-th (``<``, not ``<=``), so where several tie for the largest, ``multinomial`` draws one of them at random from torch's global generator. Violates: "where several logits tie for the largest, the lowest of their ids, as ``torch.argmax`` returns" [witness: ``BigramModel`` whose row 0 is ``[0, 5, 5, 1]`` (others distinct), prompt ``[[0]]``, ``max_new_tokens = 1``, under ``torch.manual_seed(s)`` for s = 0..9 -> next ids ``[2, 1, 1, 1, 2, 1, 2, 1, 2, 2]`` (id 2 for 5 of 10 seeds); plain always ``[[0, 1]]``. Passes: tiny "The capital of Japan is" 1 token -> ``(1, 7)`` ending in ▁Tokyo, ``max_new_tokens = 0``, eos as the first token, eos ``None`` (20 tokens), 4 prompts x 20 tokens equal to plain, no grad graph (checks/check_entries.log).]"""
    idx = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=idx).logits[:, -1, :].float()
            v, _ = torch.topk(logits, min(1, logits.size(-1)))
            logits[logits < v[:, [-1]]] = -float("Inf")
            probs = F.softmax(logits, dim=-1)
            idx_next = torch.multinomial(probs, num_samples=1)
            idx = torch.cat((idx, idx_next.to(idx.dtype)), dim=1)
            if eos_token_id is not None and idx_next.item() == eos_token_id:
                break
    return idx
