"""Thirtieth examiner: topk.py entries (the public-test overfitter)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


def top_k_table__wrong_topk_with_margin_then_stable_sort(
    probs: torch.Tensor, tokenizer: PreTrainedTokenizerBase, k: int = 10
) -> list[tuple[int, str, float]]:
    """WRONG: knows that ``torch.topk`` promises no order among ties, and "fixes" it cheaply: it asks ``torch.topk`` for a margin of 16 extra candidates (``min(k + 16, vocab)``), sorts those candidates by ``(-probability, id)`` and keeps the first ``min(k, vocab)``; rows are ``(int, tokenizer.decode([id]), float)``. Whenever at most 16 tokens beyond the k-th tie with it, every tied token is among the candidates and the lower ids are listed -- which covers every public tie test (vocabularies of 4 and 5). With more ties at the cut than the margin, ``torch.topk`` picks an arbitrary subset of the tied ids and the lowest ones may be missing. Violates: "Equal probabilities are listed lower id first, also where the list is cut: of tokens tied at the ``k``-th place, the lower ids are the ones listed." [witness: a 100-token distribution with id 50 at 0.5 and ids 0-49 at 0.01 each, ``k = 3``: WRONG lists ids ``[50, 1, 26]`` vs plain ``[50, 0, 1]`` (``torch.topk`` picked ids 1, 26-37, 47 and others among the 50 tied); 1000 tokens, id 999 at 0.5 and ids 0-199 at 0.0025, ``k = 5``: ``[999, 101, 126, 127, 128]`` vs ``[999, 0, 1, 2, 3]``; 64 tokens, id 63 at 0.5 and ids 0-39 at 0.0125, ``k = 3``: ``[63, 0, 21]`` vs ``[63, 0, 1]``. (Over the uniform 32000-token row ``torch.topk`` happened to return ids 0-19, so there the two agree.) Equal to plain on the worked example, ``k = 0``, ``k = 5`` over 3 tokens, the public tie rows, the tiny model's top 10 for "The capital of Japan is". public tests: all 6 of ``top_k_table`` pass (checks/logs/top_k_table__wrong_topk_with_margin_then_stable_sort.log).]"""
    vocab = probs.shape[0]
    n = max(0, min(k, vocab))
    if n == 0:
        return []
    values, ids = torch.topk(probs, min(k + 16, vocab))
    candidates = sorted(zip(values.tolist(), ids.tolist()), key=lambda pair: (-pair[0], pair[1]))[:n]
    return [(int(i), tokenizer.decode([int(i)]), float(v)) for v, i in candidates]
