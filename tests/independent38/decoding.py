"""Thirty-eighth examiner: decoding.py entries (the learner who learnt it from the papers and the textbooks)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedModel


def greedy_generate__right_beam_search_width_one(
    model: PreTrainedModel,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    eos_token_id: int | None = None,
) -> torch.Tensor:
    """RIGHT: greedy decoding as SLP3's beam search (ch. 10, "Beam search") with a beam width of 1: one hypothesis with a float64 score, log P(prefix); at each step every one-token extension is scored ``score + log_softmax(logits[:, -1, :].double())``, the best one (``argmax``, so the lowest id among exact ties) is kept with its score; a hypothesis that ends in ``eos_token_id`` is complete (kept in the output) and with one beam the search ends; ``max_new_tokens`` bounds its length; 0 returns the prompt. It reuses the KV cache (``use_cache=True``, ``cache=out.cache``, one new token per step) under ``torch.no_grad()``. Adding the same score to every candidate, and ``log_softmax``, keep the logits' order: the docstring counts the argmax of ``log_softmax``, and float64 merges no logits that float32 ``log_softmax`` would keep apart. Agrees with a plain version on: the worked example ``[[1, 415, 5565, 302, 4720, 349, 19887]]``, ``max_new_tokens = 0``, eos as the first token, five tiny-model prompts x 30 tokens with eos None and 2 (10/10 equal to plain; with eos 2 also equal to ``model.generate(do_sample=False)``), a toy with a tie after id 0 (ids 3 and 4: 3 taken), the same toy stopping at eos 1, and a cache-salted toy (``cache_salt`` of shape ``(6,)``): equal to the cached plain loop (checks/check_entries.log)."""
    hypothesis = input_ids
    if max_new_tokens <= 0:
        return hypothesis
    with torch.no_grad():
        out = model(input_ids=hypothesis, use_cache=True)
        score = torch.zeros((hypothesis.shape[0], 1), dtype=torch.float64, device=hypothesis.device)
        for step in range(max_new_tokens):
            # score every one-token extension of the single hypothesis: log P(prefix) + log P(w | prefix)
            log_probs = torch.log_softmax(out.logits[:, -1, :].to(torch.float64), dim=-1)
            candidates = score + log_probs
            best = candidates.argmax(dim=-1, keepdim=True)  # beam width 1: keep the best extension
            score = candidates.gather(-1, best)
            hypothesis = torch.cat([hypothesis, best.to(hypothesis.dtype)], dim=-1)
            if eos_token_id is not None and int(best) == eos_token_id:
                break  # the hypothesis is complete: with one beam, the search is over
            if step + 1 < max_new_tokens:
                out = model(input_ids=best.to(hypothesis.dtype), cache=out.cache, use_cache=True)
    return hypothesis
